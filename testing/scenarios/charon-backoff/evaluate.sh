# a wrong password backs off: one RADIUS attempt, fast failures with the
# reason, a reloaded wrong password changes nothing, the right one enrolls

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
PKI=$TB_DIR/pki

tb_getcert_ca || return 1

tb_getcert_hosts "$PKI/caCert.pem" yes || return 1

BACKOFF="getcert: profile 'carol': the CA rejected the credentials of 'carol' at .*; not retrying before .* unless a new secret is loaded"

backoff_lines()
{
	grep -Ec "$BACKOFF" "$C/charon.log"
}

# fast_fail <n>: an initiate that fails within 3 s, saying why and until
# when; its output goes to initiate-<n>.out
fast_fail()
{
	local t0 ms rc
	t0=$(now_ms)
	tb_swanctl carol --initiate --child home --timeout 60 \
		> "$C/initiate-$1.out" 2>&1
	rc=$?
	ms=$(( $(now_ms) - t0 ))
	echo "initiate $1: rc $rc, $ms ms"
	grep -E "$BACKOFF" "$C/initiate-$1.out" || return 1
	[ $rc != 0 ] && [ $ms -lt 3000 ]
}

check "initiating home with a wrong password fails" \
	not tb_swanctl carol --initiate --child home --timeout 60
check "FreeRADIUS rejected carol's password once" \
	grep_cmd "Access-Reject user=carol " cat "$TB_RADIUS_LOG"
check "the plugin starts a 5 minute back-off" \
	grep_log carol "getcert: profile 'carol': no new enrollment before .* \(back-off 300s\) unless a new secret is loaded"

for n in 1 2 3; do
	check "initiate $n within the back-off fails at once with the reason" \
		fast_fail $n
done
check "charon logged the back-off at each of them" exactly 3 backoff_lines
check "each was aborted before IKE_SA_INIT" \
	exactly 4 grep -c "getcert: initiating 'home' aborted: no certificate for profile 'carol'" "$C/charon.log"
check "FreeRADIUS saw exactly one Access-Request for carol" \
	exactly 1 gc_radius_count carol
check "getcertd got exactly one PKCSReq with credentials" exactly 1 gc_pkcsreqs carol
check "the failure was logged once" \
	exactly 1 grep -c "getcert: profile 'carol': enrollment of 'carol@strongswan.org' failed" "$C/charon.log"

# the same wrong password loaded again is not a new secret
check "swanctl --load-creds with the same wrong password" \
	tb_swanctl carol --load-creds --noprompt --file "$C/swanctl/swanctl.conf"
check "the next initiate still fails at once" fast_fail 4
check "... without an Access-Request" exactly 1 gc_radius_count carol
check "no secret's value in charon's log" \
	not grep -E "wrong-pw|carol-pw" "$C/charon.log"

# the right password
cp "$C/swanctl/swanctl-right.conf" "$C/swanctl/swanctl.conf"
check "swanctl --load-creds with the right password" \
	tb_swanctl carol --load-creds --noprompt --file "$C/swanctl/swanctl.conf"
check "the next initiate enrolls and brings up home" \
	tb_swanctl carol --initiate --child home --timeout 60
check "the new secret lifted the back-off" \
	grep_log carol "getcert: profile 'carol': a new secret for 'carol' is available, the back-off is lifted"
check "carol enrolled" \
	grep_log carol "getcert: profile 'carol': enrolled 'carol@strongswan.org', serial "
check "FreeRADIUS saw two Access-Requests for carol in all" \
	exactly 2 gc_radius_count carol
check "... the second accepted" \
	exactly 1 grep -c "Access-Accept user=carol " "$TB_RADIUS_LOG"
check "the rejected password was not sent again (one reject)" \
	exactly 1 grep -c "Access-Reject user=carol " "$TB_RADIUS_LOG"
check "getcertd issued one certificate to carol" \
	exactly 1 sqlite3 "$W/getcertd.db" "SELECT count(*) FROM certificates WHERE user = 'carol'"
check "moon authenticated carol's certificate" \
	grep_log moon "authentication of 'carol@strongswan.org' with RSA[^ ]* successful"
check "ping from carol to alice crosses the tunnel" \
	tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10
check "no secret's value in charon's log" \
	not grep -E "wrong-pw|carol-pw" "$C/charon.log"
