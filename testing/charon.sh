#!/bin/bash
#
# getcert test bed: charons with the getcert plugin. Sourced after
# testbed.sh by the charon scenarios, the demo and bench/initiate.sh;
# sources servers.sh and getcertd.sh.
#
#   tb_getcert_ca [settings...]           FreeRADIUS on alice and getcertd
#                                         over HTTPS on winnetou (port 443,
#                                         tb_getcertd_conf's policies and
#                                         the extra settings)
#   tb_getcert_hosts <ca> <carol>         moon's certificate and key and the
#                                         CA <ca> moon trusts for carol (as
#                                         x509ca/carolCA.pem), the test bed
#                                         CA on carol; start moon, and carol
#                                         if <carol> is yes
#   tb_swanctl_cred <host> <dir> <file> [name]
#                                         copy a credential into the host's
#                                         swanctl/<dir> (before tb_charon_start)
#   tb_charon_stop <host>                 end the host's charon by its pid,
#                                         keep its log as charon.log.<n>
#   tb_tcp_accepts <host>                 TCP connections the host accepted
#                                         so far (PassiveOpens of its netns)
#   gc_serial <serial>                    serial as upper-case hex without
#                                         colons and leading zeros
#   gc_log_serials <host> <event> [log]   serials of the plugin's "<event>
#                                         '<id>', serial <hex>" log lines
#   gc_db_serials <host> [user]           serials getcertd on host recorded
#   gc_log_ms <host> <event>              the "(<N> ms)" of those lines
#   gc_radius_count [user]                Access-Requests FreeRADIUS answered
#                                         (of the user, default anyone's)
#   gc_pkcsreqs <user>                    PKCSReqs with the user's
#                                         credentials getcertd (tb_getcert_ca)
#                                         received
#   now_ms                                wall clock in milliseconds

. "$TB_ROOT/servers.sh"
. "$TB_ROOT/getcertd.sh"

TB_CHARON_CMD=$SS_PREFIX/sbin/charon-cmd

now_ms()
{
	echo $(( $(date +%s%N) / 1000000 ))
}

tb_swanctl_cred()
{
	local host=$1 sub=$2 file=$3 name=${4:-$(basename "$3")}
	mkdir -p "$TB_DIR/$host/swanctl/$sub" &&
		cp "$file" "$TB_DIR/$host/swanctl/$sub/$name"
}

tb_charon_stop()
{
	local host=$1 dir=$TB_DIR/$1 pid n=1 i
	pid=$(cat "$dir/charon.pid" 2>/dev/null) || return 0
	if tb_srv_alive "$pid"; then
		kill -TERM "$pid"
		for i in $(seq 100); do
			tb_srv_alive "$pid" || break
			sleep 0.1
		done
		tb_srv_alive "$pid" && kill -KILL "$pid"
	fi
	wait "$pid" 2>/dev/null
	rm -f "$dir/charon.pid"
	# a stale socket would pass tb_charon_start's wait for the new one
	tb_exec "$host" rm -f /run/charon.vici /run/charon.pid
	while [ -e "$dir/charon.log.$n" ]; do
		n=$((n + 1))
	done
	mv "$dir/charon.log" "$dir/charon.log.$n"
}

tb_tcp_accepts()
{
	tb_exec "$1" awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "PassiveOpens") c = i; h = 1; next } print $c }' \
		/proc/net/snmp
}

gc_serial()
{
	echo "$1" | tr -d ': ' | tr a-f A-F | sed -e 's/^0*\(.\)/\1/'
}

gc_log_serials()
{
	local host=$1 event=$2 log=${3:-$TB_DIR/$1/charon.log} s
	for s in $(sed -n "s/.*getcert: profile '[^']*': $event '[^']*', serial \([0-9A-Fa-f:]*\),.*/\1/p" "$log"); do
		gc_serial "$s"
	done
}

gc_db_serials()
{
	local host=$1 user=${2:-carol} s
	for s in $(sqlite3 "$TB_DIR/$host/getcertd.db" \
			"SELECT hex(serial) FROM certificates WHERE user = '$user' ORDER BY issued"); do
		gc_serial "$s"
	done
}

gc_log_ms()
{
	sed -n "s/.*getcert: profile '[^']*': $2 '[^']*', serial .* (\([0-9]*\) ms).*/\1/p" \
		"$TB_DIR/$1/charon.log"
}

gc_radius_count()
{
	grep -cE "Access-(Accept|Reject|Challenge) user=${1:-[^ ]*} " \
		"$TB_RADIUS_LOG"
}

gc_pkcsreqs()
{
	grep -c "PKIOperation PKCSReq user=$1 " "$TB_DIR/winnetou/tls.log"
}

tb_getcert_ca()
{
	tb_freeradius_start alice winnetou:10.1.0.150:testing123 &&
		tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 &&
		tb_getcertd_conf winnetou tls 443 yes "$@" &&
		tb_getcertd_start winnetou tls
}

tb_getcert_hosts()
{
	local ca=$1 carol=$2 pki=$TB_DIR/pki
	tb_swanctl_cred moon x509ca "$ca" carolCA.pem &&
		tb_swanctl_cred moon x509 "$pki/moonCert.pem" &&
		tb_swanctl_cred moon private "$pki/moonKey.pem" &&
		tb_swanctl_cred carol x509ca "$pki/caCert.pem" &&
		tb_charon_start moon "$SCENARIO/hosts" || return 1
	[ "$carol" != yes ] || tb_charon_start carol "$SCENARIO/hosts"
}
