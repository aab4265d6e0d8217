# background renewal of 2-minute certificates, make-before-break
# reauthentication, no ping lost

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
PKI=$TB_DIR/pki

# pings every 200 ms: 5 minutes if the watchdog allows, else 4 (fits 300 s)
if [ -n "${RENEWAL_PINGS:-}" ]; then
	pings=$RENEWAL_PINGS
elif [ "${SCENARIO_TIMEOUT:-300}" -ge 420 ]; then
	pings=1500
else
	pings=1200
fi

tb_getcert_ca "policies {" "	radius {" "		lifetime = 2m" \
	"		backdate = 0s" "	}" "}" || return 1

tb_getcert_hosts "$PKI/caCert.pem" yes || return 1

count()
{
	grep -Ec -- "$1" "$2"
}

# at_least <n> <regex> <file>: the file has n or more matching lines
at_least()
{
	local c
	c=$(count "$2" "$3")
	echo "$c lines match '$2'"
	[ "$c" -ge "$1" ]
}

# exactly <n> <regex> <file>
exactly()
{
	local c
	c=$(count "$2" "$3")
	echo "$c lines match '$2'"
	[ "$c" = "$1" ]
}

# all_in <list> <command...>: every word of the list is a line of the output
all_in()
{
	local list=$1 out s rc=0
	shift
	out=$("$@" 2>&1)
	for s in $list; do
		printf '%s\n' "$out" | grep -qx -- "$s" ||
			{ echo "missing: $s"; rc=1; }
	done
	return $rc
}

# serials of carol's certificates moon has seen (its certificate cache)
moon_serials()
{
	local s
	for s in $(tb_swanctl moon --list-certs |
			   grep -A 6 'subject: .*CN=carol"' | sed -n 's/^ *serial: *//p'); do
		gc_serial "$s"
	done
}

# ike_sas <host> <conn>: the number of the connection's IKE_SAs
ike_sas()
{
	tb_swanctl "$1" --list-sas | grep -c "^$2: #"
}

# one_ike_sa <host> <conn>
one_ike_sa()
{
	[ "$(ike_sas "$1" "$2")" = 1 ]
}

# ping_loss <max>: ping.out has the summary of all pings, at most max lost
ping_loss()
{
	local sent got
	tail -2 "$C/ping.out"
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1/p' "$C/ping.out")
	got=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\2/p' "$C/ping.out")
	[ "$sent" = "$pings" ] && [ $((sent - got)) -le "$1" ]
}

check "getcertd issues 2-minute certificates, not backdated" \
	grep -q "policy 'radius' on /scep: .* lifetime 120s" "$W/tls.log"
check "swanctl --initiate enrolls and brings up home" \
	tb_swanctl carol --initiate --child home --timeout 60
check "carol's log has the enrollment" \
	grep_log carol "getcert: profile 'carol': enrolled 'carol@strongswan.org', serial "

echo "    ($pings pings every 200 ms, $((pings / 5)) s)"
tb_exec carol timeout $((pings / 5 + 30)) ping -i 0.2 -c "$pings" -W 1 \
	10.1.0.10 > "$C/ping.out" 2>&1
# the last reauthentication may still be deleting the old IKE_SA
tb_wait 10 one_ike_sa moon rw

renewed=$(gc_log_serials carol renewed)
serials="$(gc_log_serials carol enrolled) $renewed"
check "the plugin renewed at least twice" \
	at_least 2 "getcert: profile 'carol': renewed 'carol@strongswan.org', serial " "$C/charon.log"
check "no renewal failed" \
	not grep_log carol "getcert: profile 'carol': renewal of .* failed" 0
check "every renewal got a new serial" \
	[ "$(echo $serials | wc -w)" = "$(printf '%s\n' $serials | sort -u | wc -l)" ]
check "getcertd recorded every serial carol logged" \
	all_in "$serials" gc_db_serials winnetou
check "one PKCSReq issued (the first enrollment)" \
	exactly 1 "PKIOperation PKCSReq user=carol .*result=issued" "$W/tls.log"
check "renewals were RenewalReqs signed with the current certificate" \
	at_least 2 "PKIOperation RenewalReq user=carol .*result=issued" "$W/tls.log"
check "renewals reuse the CA certificate fetched once (one request each)" \
	exactly 1 "GET /scep GetCACert " "$W/tls.log"
check "no RenewalReq was asked for a password" \
	exactly 0 "RenewalReq .*status=401" "$W/tls.log"
check "FreeRADIUS saw only the first enrollment's authentication" \
	exactly 1 " user=carol " "$TB_RADIUS_LOG"
check "carol established an IKE_SA for each certificate (reauthentication)" \
	at_least "$(echo $serials | wc -w)" "IKE_SA home\[[0-9]+\] established" "$C/charon.log"
check "moon authenticated carol once per certificate" \
	at_least "$(echo $serials | wc -w)" \
	"authentication of 'carol@strongswan.org' with RSA[^ ]* successful" \
	"$TB_DIR/moon/charon.log"
check "moon verified each of carol's certificates (moon's certificate cache)" \
	all_in "$serials" moon_serials
check "moon still has carol's IKE_SA, and only one" \
	grep_cmd "^1$" ike_sas moon rw
check "carol has one IKE_SA of home left (make-before-break deleted the old)" \
	grep_cmd "^1$" ike_sas carol home
check "the tunnel still carries traffic" \
	tb_exec carol ping -c 2 -i 0.2 -W 2 10.1.0.10
check "the ping lost at most one packet through the renewals" ping_loss 1
