#!/bin/bash
#
# getcert test bed: certificates and credentials. Sourced by testbed.sh.
#
#   tb_pki                          the test bed CA, getcertd's RA and moon's
#                                   certificate in $TB_DIR/pki
#   tb_tls_server_cert <host> <dns-name> <ip>
#                                   TLS server certificate from the test bed CA
#   tb_ra_fingerprint               SHA-256 fingerprint of the RA certificate
#   tb_htpasswd <file> <user> <password>
#                                   add or replace a user in an htpasswd file
#
# Commands are bounded by TB_CMD_TIMEOUT (testbed.sh) where they can hang.

# create the test bed's CA, getcertd's RA and the gateway's certificate
# with strongSwan pki (and OpenSSL for the RA's keyUsage)
tb_pki()
{
	local d=$TB_DIR/pki
	mkdir -p "$d"
	"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$d/caKey.pem"
	"$TB_PKI" --self --ca --in "$d/caKey.pem" --lifetime 30 \
		--dn "C=CH, O=getcert test, CN=getcert Test CA" --outform pem \
		> "$d/caCert.pem"
	"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$d/moonKey.pem"
	"$TB_PKI" --req --in "$d/moonKey.pem" --type priv \
		--dn "C=CH, O=getcert test, CN=moon.strongswan.org" \
		--san moon.strongswan.org --outform pem > "$d/moonReq.pem"
	"$TB_PKI" --issue --cacert "$d/caCert.pem" --cakey "$d/caKey.pem" \
		--type pkcs10 --in "$d/moonReq.pem" --lifetime 30 \
		--flag serverAuth --flag ikeIntermediate --outform pem \
		> "$d/moonCert.pem"
	rm -f "$d/moonReq.pem"
	# getcertd's RA: decrypts requests and signs CertReps, so that the CA
	# key signs certificates and CRLs only (keyUsage says so: pki --issue
	# writes none for end entities)
	"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$d/raKey.pem"
	openssl req -new -key "$d/raKey.pem" -subj \
		"/C=CH/O=getcert test/CN=getcert Test RA" -out "$d/raReq.pem" \
		2> /dev/null
	openssl x509 -req -in "$d/raReq.pem" -CA "$d/caCert.pem" \
		-CAkey "$d/caKey.pem" -set_serial 0x2a -days 30 -sha256 \
		-extfile <(printf '%s\n' \
			"keyUsage = critical, digitalSignature, keyEncipherment" \
			"basicConstraints = critical, CA:FALSE" \
			"subjectKeyIdentifier = hash" \
			"authorityKeyIdentifier = keyid") \
		-out "$d/raCert.pem" 2> /dev/null
	rm -f "$d/raReq.pem"
}

# issue a TLS server certificate for a host from the test bed CA:
# $TB_DIR/<host>/tlsKey.pem (PKCS#1 RSA) and tlsCert.pem, with the DNS name
# and the IP address as subjectAltNames and the serverAuth EKU (pki --issue
# takes the subjectAltNames from the request; --san there would add them twice)
tb_tls_server_cert()
{
	local host=$1 dns=$2 ip=$3 dir=$TB_DIR/$1 pki=$TB_DIR/pki
	if [ -z "$host" ] || [ -z "$dns" ] || [ -z "$ip" ]; then
		tb_log "usage: tb_tls_server_cert <host> <dns-name> <ip>"
		return 1
	fi
	mkdir -p "$dir"
	# (set -e would not hold in a subshell whose status is tested: chain)
	(
		umask 077 &&
		timeout "$TB_CMD_TIMEOUT" "$TB_PKI" --gen --type rsa --size 2048 \
			--outform pem > "$dir/tlsKey.pem" &&
		timeout "$TB_CMD_TIMEOUT" "$TB_PKI" --req --in "$dir/tlsKey.pem" \
			--type priv --dn "C=CH, O=getcert test, CN=$dns" \
			--san "$dns" --san "$ip" --outform pem > "$dir/tlsReq.pem" &&
		umask 022 &&
		timeout "$TB_CMD_TIMEOUT" "$TB_PKI" --issue --cacert "$pki/caCert.pem" \
			--cakey "$pki/caKey.pem" --type pkcs10 --in "$dir/tlsReq.pem" \
			--lifetime 30 --flag serverAuth --outform pem > "$dir/tlsCert.pem"
	) 2> "$dir/tls-cert.log" ||
		{ tb_log "pki failed issuing $host's TLS certificate";
		  cat "$dir/tls-cert.log" >&2;
		  rm -f "$dir/tlsKey.pem" "$dir/tlsReq.pem" "$dir/tlsCert.pem"
		  return 1; }
	rm -f "$dir/tlsReq.pem"
	# what nginx (OpenSSL) reads: the key, and that it belongs to the cert
	if [ "$(openssl pkey -in "$dir/tlsKey.pem" -pubout 2>&1)" != \
		 "$(openssl x509 -in "$dir/tlsCert.pem" -noout -pubkey 2>&1)" ]; then
		tb_log "OpenSSL can't read $host's TLS key or it doesn't match the certificate"
		return 1
	fi
	if ! openssl verify -CAfile "$pki/caCert.pem" "$dir/tlsCert.pem" \
			>> "$dir/tls-cert.log" 2>&1; then
		tb_log "$host's TLS certificate does not verify against the test bed CA"
		return 1
	fi
}

# tb_ra_fingerprint: SHA-256 fingerprint of the test bed's RA certificate,
# which plain HTTP clients pin (--ra-fingerprint): only pinned RAs count
# without TLS
tb_ra_fingerprint()
{
	openssl x509 -in "$TB_DIR/pki/raCert.pem" -noout -fingerprint -sha256 |
		sed 's/.*=//'
}

# add a user to an htpasswd file (apr1 hash), replacing an earlier entry
tb_htpasswd()
{
	local file=$1 user=$2 pw=$3 hash
	if [ -z "$file" ] || [ -z "$user" ] || [ $# -lt 3 ]; then
		tb_log "usage: tb_htpasswd <file> <user> <password>"
		return 1
	fi
	case "$user" in
		*:*) tb_log "htpasswd user name must not contain ':'"; return 1 ;;
	esac
	hash=$(printf '%s\n' "$pw" | openssl passwd -apr1 -stdin) || {
		tb_log "openssl passwd failed"; return 1; }
	touch "$file" || return 1
	{ awk -F: -v u="$user" '$1 != u' "$file"; echo "$user:$hash"; } \
		> "$file.tmp" &&
		mv "$file.tmp" "$file"
}
