# getcertd under password guessing, slow logins and malformed credentials

. "$TB_ROOT/servers.sh"
. "$TB_ROOT/getcertd.sh"

C=$TB_DIR/carol
M=$TB_DIR/moon
W=$TB_DIR/winnetou
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
CA=$TB_DIR/pki/caCert.pem
URL=https://winnetou.strongswan.org/scep

# FreeRADIUS delays every Access-Reject by 2 s; getcertd waits 5 s for it
TB_FREERADIUS_REJECT_DELAY=2 \
	tb_freeradius_start alice winnetou:10.1.0.150:testing123 || return 1
tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 || return 1
RADIUS_SLOW=("radius {" "	timeout = 5000" "	retransmit = 0")
tb_getcertd_conf winnetou a 443 yes "${RADIUS_SLOW[@]}" "}"
tb_getcertd_start winnetou a || return 1
(umask 077; echo carol-pw > "$M/carol"; echo dave-pw > "$M/dave";
 echo secret > "$M/challenge")

# a real PKCSReq of carol's, captured by a fake CA over plain HTTP (the
# client sends no credentials there) that serves getcertd's CA and RA,
# replayed with crafted headers
tb_exec winnetou curl -sf --cacert "$CA" -o "$W/cara.der" \
	"$URL?operation=GetCACert"
REQ=$C/pkcsreq.der
tb_exec winnetou python3 "$SCENARIO/capture.py" 0.0.0.0 8088 "$W/cara.der" \
	"$REQ" application/x-x509-ca-ra-cert > "$W/capture.log" 2>&1 &
capture=$!
tb_wait 5 tb_exec carol curl -sf -o /dev/null \
	"http://winnetou.strongswan.org:8088/scep?operation=GetCACaps"
GETCERT_PASSWORD=x tb_exec carol timeout 30 "$ENROLL" --plain-http \
	--url http://winnetou.strongswan.org:8088/scep --ca-cert "$CA" \
	--ra-fingerprint "$(tb_ra_fingerprint)" \
	--identity carol@strongswan.org --user carol \
	--out-key "$C/k0.pem" --out-cert "$C/c0.pem" > "$C/capture.log" 2>&1
wait $capture
check "a PKCSReq was captured to replay" test -s "$REQ"

# Access-Requests FreeRADIUS answered
radius_requests()
{
	cat "$TB_RADIUS_LOG" 2>/dev/null |
		grep -cE "Access-(Accept|Reject|Challenge)"
}

# POST the captured PKCSReq from a host with extra curl args, print status
post()
{
	local host=$1
	shift
	tb_exec "$host" curl -s -o /dev/null -w "%{http_code}\n" --max-time 30 \
		--cacert "$CA" --data-binary @"$REQ" "$@" \
		"$URL?operation=PKIOperation"
}

# Authorization header of Basic credentials (printf format, \000 for NUL)
basic()
{
	echo "Authorization: Basic $(printf "$1" | base64 -w0)"
}

# (c) malformed credentials: 400/401, no RADIUS traffic, never 503
before=$(radius_requests)
check "bad base64 (trailing garbage) gets 400" grep_cmd "^400$" \
	post carol -H "$(basic 'carol:carol-pw')x"
check "bad base64 (character outside the alphabet) gets 400" \
	grep_cmd "^400$" post carol -H "Authorization: Basic Y2Fy*2w6eA=="
check "bad base64 (whitespace inside) gets 400" grep_cmd "^400$" \
	post carol -H "Authorization: Basic Y2Fy b2w6eA=="
check "bad base64 (padding missing) gets 400" grep_cmd "^400$" \
	post carol -H "Authorization: Basic Y2Fyb2w6eA"
check "a NUL in the password gets 401, not truncated" grep_cmd "^401$" \
	post carol -H "$(basic 'carol:carol-pw\000x')"
check "a control character in the user name gets 401" grep_cmd "^401$" \
	post carol -H "$(basic 'car\033ol:carol-pw')"
check "an empty password gets 401" grep_cmd "^401$" \
	post carol -H "$(basic 'carol:')"
check "two Authorization headers get 400" grep_cmd "^400$" \
	post carol -H "$(basic 'carol:carol-pw')" -H "$(basic 'dave:dave-pw')"
check "two GETCERT-State headers get 400" grep_cmd "^400$" \
	post carol -H "$(basic 'carol:carol-pw')" -H "GETCERT-State: AAAA" \
	-H "GETCERT-State: BBBB"
long=$(head -c 200 /dev/zero | tr '\0' 'p')
check "a 200-byte password gets 401" grep_cmd "^401$" \
	post carol -H "$(basic "carol:$long")"
check "getcertd says why" grep_cmd "password longer than 128 bytes" \
	tb_exec carol curl -s --cacert "$CA" --data-binary @"$REQ" \
	-H "$(basic "carol:$long")" "$URL?operation=PKIOperation"
state=$(head -c 300 /dev/urandom | base64 -w0)
check "a GETCERT-State of 300 bytes gets 401" grep_cmd "^401$" \
	post carol -H "$(basic 'carol:carol-pw')" -H "GETCERT-State: $state"
check "a GETCERT-State that is not strict base64 gets 401" grep_cmd "^401$" \
	post carol -H "$(basic 'carol:carol-pw')" -H "GETCERT-State: AAA"
check "no Access-Request for any of them" [ "$(radius_requests)" = "$before" ]
check "no 503 for any of them" not grep -q "status=503" "$W/a.log"
check "getcertd logs the reasons" grep_cmd \
	"result=GETCERT-State longer than 253 bytes status=401" cat "$W/a.log"
check "a user name outside the policy's characters gets 401" \
	grep_cmd "^401$" post carol -H "$(basic 'car\303\266ol:carol-pw')"
check "a refused user name is logged sanitised" \
	grep_cmd "refused user name 'car\\?\\?ol' from 192.168.0.100" \
	cat "$W/a.log"
check "no control or non-ASCII byte reached the log" \
	not grep -qP '[^\x09\x20-\x7e]' "$W/a.log"

# (a) guessing carol's password from carol: 5 Access-Requests, then 429
before=$(radius_requests)
for i in $(seq 1 30); do
	post carol -H "$(basic "carol:guess$i")"
done > "$C/guesses"
check "the first 5 wrong passwords get 401" \
	[ "$(grep -c '^401$' "$C/guesses")" = 5 ]
check "the other 25 get 429" [ "$(grep -c '^429$' "$C/guesses")" = 25 ]
check "FreeRADIUS saw 5 Access-Requests, not 30" \
	[ "$(($(radius_requests) - before))" = 5 ]
check "429 carries Retry-After" grep_cmd "^Retry-After: [1-9]" \
	tb_exec carol curl -s -D - -o /dev/null --cacert "$CA" \
	--data-binary @"$REQ" -H "$(basic 'carol:carol-pw')" \
	"$URL?operation=PKIOperation"
check "getcertd logs the throttling" grep_cmd \
	"throttled: user=carol client=192.168.0.100 \(5 failures in 60 s\)" \
	cat "$W/a.log"
check "the correct password from carol is throttled too (no oracle)" \
	grep_cmd "^429$" post carol -H "$(basic 'carol:carol-pw')"

moon_enroll()
{
	local user=$1
	shift
	tb_exec moon timeout 60 "$ENROLL" --url "$URL" --ca-cert "$CA" \
		--identity "$user@strongswan.org" --out-key "$M/$user.key" \
		--out-cert "$M/$user.pem" "$@"
}
check "carol still enrolls from moon" \
	moon_enroll carol --user carol --password-file "$M/carol"
check "dave enrolls from moon" \
	moon_enroll dave --user dave --password-file "$M/dave"

# 50 wrong passwords from carol at once; lines "<ns end> <status>"
# (their PIDs in SLOW: a plain "wait" would wait for the servers too)
slow_burst()
{
	local i
	SLOW=()
	for i in $(seq 1 50); do
		( code=$(post carol -H "$(basic "carol:slow$i")")
		  echo "$(date +%s%N) $code" > "$C/slow.$i" ) &
		SLOW+=($!)
	done
}
# end (ns) of the first slow login that waited for RADIUS (401)
first_401()
{
	cat "$C"/slow.* | awk '$2 == 401 { print $1 }' | sort -n | head -1
}
# the good request ended before the first rejected slow login
before_first_401()
{
	local good=$1 first
	first=$(first_401)
	echo "good request ended $good, first 401 of the burst $first"
	cat "$C"/slow.* | awk '{ print $2 }' | sort | uniq -c
	[ -n "$first" ] && [ "$good" -lt "$first" ]
}

# (b) a fresh instance: 50 slow logins from carol, dave enrolls from moon
tb_getcertd_stop winnetou a
tb_getcertd_conf winnetou b 443 yes "${RADIUS_SLOW[@]}" "}"
tb_getcertd_start winnetou b || return 1
rm -f "$C"/slow.* "$M"/dave.*
slow_burst
sleep 0.3
moon_enroll dave --user dave --password-file "$M/dave" > "$M/b.log" 2>&1
good=$(date +%s%N)
wait "${SLOW[@]}"
check "dave's enrollment from moon succeeded during the burst" \
	openssl verify -CAfile "$CA" "$M/dave.pem"
check "it completed before the slow logins waiting on RADIUS" \
	before_first_401 "$good"
check "carol got 429 for logins beyond 4 at once" \
	grep_cmd "too many concurrent logins" cat "$W/b.log"

# (b') every RADIUS slot taken (per-address limit lifted, 8 slots, 2
# workers): challenge-password enrollment from moon still goes first
tb_getcertd_stop winnetou b
TB_GETCERTD_WORKERS=2 tb_getcertd_conf winnetou c 443 yes \
	"${RADIUS_SLOW[@]}" "	max_concurrent = 8" \
	"	max_concurrent_per_address = 64" "}"
tb_getcertd_start winnetou c || return 1
rm -f "$C"/slow.* "$M"/erin.*
slow_burst
sleep 0.3
tb_exec moon timeout 60 "$ENROLL" \
	--url https://winnetou.strongswan.org/plain/scep --ca-cert "$CA" --identity erin@strongswan.org --challenge-file "$M/challenge" \
	--subject "C=CH, O=getcert test, OU=remote, CN=erin" \
	--out-key "$M/erin.key" --out-cert "$M/erin.pem" > "$M/c.log" 2>&1
good=$(date +%s%N)
wait "${SLOW[@]}"
check "erin's challenge-password enrollment succeeded during the burst" \
	openssl verify -CAfile "$CA" "$M/erin.pem"
check "it completed before the slow logins waiting on RADIUS" \
	before_first_401 "$good"
check "logins beyond the 8 RADIUS slots got 503 RADIUS busy" \
	grep_cmd "result=RADIUS busy status=503" cat "$W/c.log"
check "at most 8 Access-Requests were in flight" \
	[ "$(grep -c 'result=rejected by RADIUS' "$W/c.log")" -le 8 ]
