# secrets of other users, of the CA's host and of %any are never sent

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
PKI=$TB_DIR/pki

tb_getcert_ca || return 1

tb_getcert_hosts "$PKI/caCert.pem" yes || return 1

check "carol's charon has dave's secrets" \
	grep_log carol "loaded EAP shared key with id 'eap-dave-real' for: 'dave'"
check "... the CA host's" \
	grep_log carol "loaded EAP shared key with id 'eap-host' for: 'winnetou\.strongswan\.org'"
check "... and a wildcard's" \
	grep_log carol "loaded EAP shared key with id 'eap-any' for: '%any'"
check "initiating home without carol's own secret fails" \
	not tb_swanctl carol --initiate --child home --timeout 60
check "the plugin says there is no password for carol" \
	grep_log carol "getcert: profile 'carol': enrollment of 'carol@strongswan.org' failed: no password available for 'carol'"
check "FreeRADIUS saw no Access-Request at all" exactly 0 gc_radius_count
check "getcertd got no PKCSReq with credentials" \
	exactly 0 grep -c "PKIOperation PKCSReq user=[^-]" "$W/tls.log"
check "... it asked for them (HTTP 401)" \
	grep_cmd "PKIOperation PKCSReq user=- .*status=401" cat "$W/tls.log"
check "getcertd issued nothing" \
	exactly 0 sqlite3 "$W/getcertd.db" "SELECT count(*) FROM certificates"
check "a second initiate fails at once, waiting for a secret" \
	grep_cmd "getcert: profile 'carol': no password available for 'carol' at .*; not retrying before .* unless a new secret is loaded" \
	expect_rc 1 tb_swanctl carol --initiate --child home --timeout 60
check "... still no Access-Request" exactly 0 gc_radius_count

check "swanctl --load-creds adds carol's own secret" \
	tb_swanctl carol --load-creds --noprompt \
	--file "$C/swanctl/swanctl-own.conf"
check "the next initiate enrolls and brings up home" \
	tb_swanctl carol --initiate --child home --timeout 60
check "carol's own secret lifted the back-off" \
	grep_log carol "getcert: profile 'carol': a new secret for 'carol' is available, the back-off is lifted"
check "FreeRADIUS saw one Access-Request, for carol, accepted" \
	grep_cmd "^1 1$" bash -c "echo \$(grep -c 'Access-' '$TB_RADIUS_LOG') \$(grep -c 'Access-Accept user=carol ' '$TB_RADIUS_LOG')"
check "nothing for dave or anyone else" \
	not grep_cmd "Access-" bash -c "grep -v ' user=carol ' '$TB_RADIUS_LOG'"
check "getcertd issued one certificate, to carol" \
	grep_cmd "^1\|carol$" sqlite3 "$W/getcertd.db" \
	"SELECT count(*) || '|' || user FROM certificates"
check "ping from carol to alice crosses the tunnel" \
	tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10
check "no secret's value in charon's log" \
	not grep -E "carol-pw|dave-pw" "$C/charon.log"
