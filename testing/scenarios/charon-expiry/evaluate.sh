# the CA goes away after enrollment: renewal retries with backoff, the old
# pair serves until notAfter, then certificate and IKE_SA are gone

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
PKI=$TB_DIR/pki

tb_getcert_ca "policies {" "	radius {" "		lifetime = 1m" \
	"		backdate = 0s" "	}" "}" || return 1
tb_getcert_hosts "$PKI/caCert.pem" yes || return 1

# the number of IKE_SAs of a connection on a host
ike_sas()
{
	tb_swanctl "$1" --list-sas 2>/dev/null | grep -c "^$2: #" || true
}

# serials of the certificates carol lists
listed_serials()
{
	local s
	for s in $(tb_swanctl carol --list-certs | sed -n 's/^ *serial: *//p'); do
		gc_serial "$s"
	done
}

check "swanctl --initiate enrolls and brings up home" \
	tb_swanctl carol --initiate --child home --timeout 60
serial=$(gc_log_serials carol enrolled | head -1)
not_after=$(sed -n "s/.*: enrolled .* valid until \(.*\) ([0-9]* ms)$/\1/p" \
	"$C/charon.log" | head -1)
check "getcertd stops" tb_getcertd_stop winnetou tls
check "... and no longer answers" \
	not tb_exec carol curl -skf --max-time 2 \
	"https://winnetou.strongswan.org/scep?operation=GetCACaps"

# renewal is due after 30 s; it fails, retries after 5, 10, 20 s
check "the renewal fails and is retried, keeping the current pair" \
	grep_log carol "getcert: profile 'carol': renewal of 'carol@strongswan.org' failed: .*, retrying in 5s; keeping serial .*, valid until" 45
check "... with backoff" \
	grep_log carol "renewal of .* failed: .*, retrying in 10s" 20
check "while valid the old certificate still carries the tunnel" \
	tb_exec carol ping -c 2 -i 0.2 -W 2 10.1.0.10
check "carol still lists her certificate" \
	grep_cmd "^$serial$" listed_serials
check "at notAfter ($not_after) the certificate is removed" \
	grep_log carol "getcert: profile 'carol': certificate expired at .*, removed" 45
check "... and the IKE_SA that used it is gone on carol" \
	tb_wait 10 grep_cmd "^0$" ike_sas carol home
check "... and on moon" \
	tb_wait 10 grep_cmd "^0$" ike_sas moon rw
check "no tunnel, no route: carol can't reach alice" \
	not tb_exec carol ping -c 1 -W 1 10.1.0.10

tb_getcertd_start winnetou tls || return 1
check "with the CA back the next initiate enrolls and succeeds" \
	tb_swanctl carol --initiate --child home --timeout 60
check "... with a new certificate" \
	[ "$(gc_log_serials carol enrolled | tail -1)" != "$serial" ]
check "ping from carol to alice crosses the tunnel again" \
	tb_exec carol ping -c 2 -i 0.2 -W 2 10.1.0.10
