# getcert-enroll's transport against a misbehaving HTTP server

C=$TB_DIR/carol
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
W=$TB_DIR/winnetou

tb_exec winnetou python3 "$TB_ROOT/bad-http-server.py" 192.168.0.150 8000 \
	> "$W/bad-http-server.log" 2>&1 &
tb_wait 10 tb_exec carol bash -c 'exec 3<>/dev/tcp/192.168.0.150/8000' ||
	{ tb_log "bad-http-server did not start"; return 1; }

# getcert-enroll in carol against a path of the bad server, with a 5 s
# request timeout; prints the elapsed seconds
carol_enroll()
{
	local start=$SECONDS rc
	tb_exec carol timeout 60 "$ENROLL" \
		--url "http://winnetou.strongswan.org:8000/$1" --plain-http \
		--ca-fingerprint 0000000000000000000000000000000000000000000000000000000000000000 \
		--identity carol@strongswan.org --timeout 5 \
		--out-key "$C/key.pem" --out-cert "$C/cert.pem"
	rc=$?
	echo "elapsed=$((SECONDS - start))s"
	return $rc
}

# carol_enroll must fail with a message and within a number of seconds
fails_with()
{
	local path=$1 re=$2 limit=$3 out rc
	out=$(carol_enroll "$path" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ $rc -ne 0 ] || { echo "(succeeded)"; return 1; }
	printf '%s\n' "$out" | grep -Eq -- "$re" || { echo "(no '$re')"; return 1; }
	[ "$(printf '%s\n' "$out" | sed -n 's/^elapsed=\([0-9]*\)s$/\1/p')" -le "$limit" ] ||
		{ echo "(took longer than ${limit}s)"; return 1; }
}

check "a redirect to another host is not followed" \
	fails_with redirect "redirects to 'http://198.51.100.1/scep', not followed" 3
check "a redirect on the same server is not followed either" \
	fails_with redirect-same "redirects to '/elsewhere', not followed" 3
check "a huge Content-Length is refused at the size cap" \
	fails_with huge "larger than 65536 bytes, aborted" 3
check "an endless chunked body is cut at the size cap" \
	fails_with endless "larger than 65536 bytes, aborted" 3
check "a silent server runs into the timeout, a transient error" \
	fails_with silent "Operation timed out.*|enrollment failed: connection failed" 8
check "a silent server: exit code 4, retry later" \
	expect_rc 4 carol_enroll silent
check "a connection reset is a transient connection error" \
	fails_with reset "enrollment failed: connection failed" 3
check "a truncated body is a transient connection error" \
	fails_with truncated "enrollment failed: connection failed" 3
check "no credentials are sent over plain HTTP" \
	fails_with auth "asks for credentials over plain HTTP, refused" 3
# the plugins come from strongswan.conf's getcert-enroll.load: without
# openssl there is no RSA key to enroll with
printf 'getcert-enroll {\n\tload = random nonce pem\n}\n' > "$C/enroll.conf"
check "getcert-enroll loads the plugins of getcert-enroll.load" \
	grep_cmd "generating an RSA 2048 key failed" expect_rc 2 tb_exec carol \
	env STRONGSWAN_CONF="$C/enroll.conf" timeout 30 "$ENROLL" \
	--url http://winnetou.strongswan.org:8000/silent --plain-http \
	--ca-fingerprint 0000000000000000000000000000000000000000000000000000000000000000 \
	--identity carol@strongswan.org --out-key "$C/key.pem" \
	--out-cert "$C/cert.pem"
check "carol wrote no key or certificate" \
	not test -e "$C/cert.pem" -o -e "$C/key.pem"
