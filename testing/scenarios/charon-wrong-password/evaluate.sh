# a wrong password: one RADIUS attempt, a clear failure, no retry loop

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
PKI=$TB_DIR/pki

tb_getcert_ca || return 1

tb_getcert_hosts "$PKI/caCert.pem" yes || return 1

# the plugin's failure line says the password (credentials) was rejected
rejected()
{
	local f="enrollment of 'carol@strongswan.org' failed: "
	local pw="(password|credential)" no="(reject|wrong|invalid|denied|refused|bad)"
	grep -Ei "$f.*($pw.*$no|$no.*$pw)" "$C/charon.log" && return 0
	grep "getcert: " "$C/charon.log"
	return 1
}

check "initiating home with a wrong password fails" \
	not tb_swanctl carol --initiate --child home --timeout 60
check "the plugin says the password was rejected" rejected
check "the plugin logs the aborted initiation" \
	grep_log carol "getcert: initiating 'home' aborted: no certificate for profile 'carol'"
check "FreeRADIUS saw one Access-Request for carol, and rejected it" \
	grep_cmd "Access-Reject user=carol " cat "$TB_RADIUS_LOG"
check "one secret configured: exactly one attempt" exactly 1 gc_radius_count carol
check "getcertd got one PKCSReq with credentials" exactly 1 gc_pkcsreqs carol
check "getcertd issued nothing" \
	exactly 0 sqlite3 "$W/getcertd.db" "SELECT count(*) FROM certificates"
check "no IKE_SA of home on carol" \
	not grep_cmd "^home: #" tb_swanctl carol --list-sas
check "nothing reached moon's IKE_AUTH" \
	not grep_log moon "authentication of 'carol@strongswan.org'" 0

sleep 15
check "15 s later: still one Access-Request for carol (no retry loop)" \
	exactly 1 gc_radius_count carol
check "15 s later: still one PKCSReq with credentials" exactly 1 gc_pkcsreqs carol
check "15 s later: the failure was logged once" \
	exactly 1 grep -c "getcert: profile 'carol': enrollment of 'carol@strongswan.org' failed" "$C/charon.log"
