#!/bin/bash
#
# getcert test bed: clients that question the test bed's servers, for checks
# and for the servers' start-up waits. Sourced by servers.sh.
#
#   tb_radclient <host> <radclient args...>
#                                   radclient in a host against the FreeRADIUS
#                                   of tb_freeradius_start (attributes on stdin)
#   tb_freeradius_ping <host>       the host's FreeRADIUS answers a
#                                   Status-Server
#   tb_pki_scep <path> <key> <CN> [pki args...]
#                                   strongSwan's pki --scep in carol against
#                                   getcertd's plain port on winnetou

# radclient in a host against a FreeRADIUS of tb_freeradius_start, with its
# dictionaries: tb_radclient <host> <radclient args...> (attributes on stdin)
tb_radclient()
{
	local host=$1
	shift
	tb_exec "$host" timeout "$TB_CMD_TIMEOUT" radclient \
		-d "$TB_DIR/$TB_RADIUS_HOST/raddb" "$@"
}

# a Status-Server from inside the host answered (with Message-Authenticator);
# sent once the port is bound, a datagram before would cost radclient's timeout
tb_freeradius_ping()
{
	local host=$1
	[ -n "$(tb_exec "$host" ss -Hlun "sport = :1812" 2>/dev/null)" ] ||
		return 1
	echo "Message-Authenticator = 0x00" |
		tb_exec "$host" timeout 5 radclient -q -t 1 -r 1 \
		-d "$TB_DIR/$host/raddb" 127.0.0.1:1812 status \
		"$TB_RADIUS_LOCAL_SECRET"
}

# tb_pki_scep <path> <key> <CN> [pki args...]: strongSwan's pki --scep in
# carol against the plain getcertd on winnetou:8080 (challenge password
# "secret", the test bed's RA; DES3, which pki 5.9.8 needs against it),
# the certificate (PEM) on stdout
tb_pki_scep()
{
	local path=$1 key=$2 cn=$3
	shift 3
	tb_exec carol timeout 60 "$TB_PKI" --scep \
		--url "http://winnetou.strongswan.org:8080$path" --in "$key" \
		--dn "C=CH, O=getcert test, OU=remote, CN=$cn" --password secret \
		--cacert-enc "$TB_DIR/pki/raCert.pem" \
		--cacert-sig "$TB_DIR/pki/raCert.pem" --cipher des3 \
		--outform pem "$@"
}
