# getcertd-throttle's timing checks, after evaltest.dat: bursts of 50
# concurrent slow logins from carol (background curls, their end times
# compared with an enrollment from moon) on fresh instances. ENROLL, CA,
# URL come from pretest.dat, carol/pkcsreq.der from its capture.

C=$TB_DIR/carol
M=$TB_DIR/moon
W=$TB_DIR/winnetou
REQ=$C/pkcsreq.der
RADIUS_SLOW=("radius {" "	timeout = 5000" "	retransmit = 0")

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

moon_enroll()
{
	local user=$1
	shift
	tb_exec moon timeout 60 "$ENROLL" --url "$URL" --ca-cert "$CA" \
		--identity "$user@strongswan.org" --out-key "$M/$user.key" \
		--out-cert "$M/$user.pem" "$@"
}

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
