# getcertd built with AddressSanitizer/LeakSanitizer: the paths that matter
# (enrollment, renewal, refused renewals, oracle probes, malformed requests)
# leave no ASan error and no leak in getcertd, which ends on SIGTERM.

. "$TB_ROOT/servers.sh"
. "$TB_ROOT/getcertd.sh"

C=$TB_DIR/carol
(umask 077; echo secret > "$C/challenge")
W=$TB_DIR/winnetou
CA=$TB_DIR/pki/caCert.pem
RA=$TB_DIR/pki/raCert.pem
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
PROBE=$TB_ROOT/../build/src/libgetcert/tests/scep_probe
URL=http://winnetou.strongswan.org:8080/plain/scep

# the instrumented getcertd replaces build/'s for this scenario
TB_GETCERTD=$(timeout 900 "$TB_ROOT/build-asan.sh" \
			  2> "$TB_DIR/build-asan.log") ||
	{ tb_log "ASan build failed"; cat "$TB_DIR/build-asan.log" >&2; return 1; }
mkdir -p "$W/asan"
# getcertd and its operator commands write <log_path>.<pid> on a finding
# (full allocation stacks, see lsan.supp; no format check in the printf
# interceptor, which knows none of strongSwan's %N, %Y, %B...)
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$W/asan/getcertd\
:fast_unwind_on_malloc=0:malloc_context_size=40:check_printf=0"
export LSAN_OPTIONS="suppressions=$SCENARIO/lsan.supp:print_suppressions=1"

tb_getcertd_conf winnetou plain 8080 no
tb_getcertd_start winnetou plain || return 1

check "GetCACaps is answered" \
	tb_exec carol curl -sf "$URL?operation=GetCACaps"

# carol: getcert-enroll on the challenge-password policy
enroll()
{
	tb_exec carol timeout 60 "$ENROLL" --url "$URL" --plain-http \
		--ca-cert "$CA" --ra-fingerprint "$(tb_ra_fingerprint)" \
		--identity carol@strongswan.org \
		--subject "C=CH, O=getcert test, OU=remote, CN=carol" "$@"
}
log_has()
{
	grep_cmd "$1" cat "$W/plain.log"
}

check "carol enrolls with the challenge password" \
	enroll --challenge-file "$C/challenge" --out-key "$C/key1.pem" --out-cert "$C/cert1.pem"
"$TB_PKI" --gen --type rsa --size 2048 > "$C/pki.key"
pki_scep()
{
	tb_pki_scep /plain/scep "$C/pki.key" erin > "$C/pki.pem"
}
check "pki --scep enrolls with the challenge password" pki_scep
check "pki's certificate chains to the CA" \
	openssl verify -CAfile "$CA" "$C/pki.pem"
check "carol renews, signed with her certificate" \
	enroll --renew-cert "$C/cert1.pem" --renew-key "$C/key1.pem" \
	--out-key "$C/key2.pem" --out-cert "$C/cert2.pem"
check "a renewal with the superseded certificate is refused" \
	expect_rc 3 enroll --renew-cert "$C/cert1.pem" --renew-key "$C/key1.pem" \
	--out-key "$C/k.pem" --out-cert "$C/c.pem"
check "getcertd logs the superseded certificate" \
	log_has "RenewalReq .*result=renewal with a superseded certificate"
serial=$(openssl x509 -in "$C/cert2.pem" -noout -serial | cut -d= -f2)
check "the operator revokes carol's current certificate" \
	tb_getcertd winnetou plain revoke "$serial"
check "a renewal signed with the revoked certificate gets FAILURE" \
	grep_cmd "badRequest" expect_rc 3 enroll \
	--renew-cert "$C/cert2.pem" --renew-key "$C/key2.pem" \
	--out-key "$C/k.pem" --out-cert "$C/c.pem"
check "getcertd logs the revoked signer" \
	log_has "RenewalReq .*result=signed with an unknown or revoked certificate"

# the decryption oracle probes and a request with a broken signature
probe()
{
	"$PROBE" build "$1" "$RA" "$C/$1.req" ${2:-} &&
	post "$C/$1.req"
}
post()
{
	tb_exec carol curl -s --max-time 20 -o /dev/null -w "%{http_code}\n" \
		-H "Content-Type: application/x-pki-message" --data-binary "@$1" \
		"$URL?operation=PKIOperation"
}
for kind in pkcs1 padding not-der fallthrough; do
	check "probe '$kind' gets a CertRep" grep_cmd "^200$" probe "$kind"
done
# flip a byte of the signature value, the last bytes of the DER
"$PROBE" build valid "$RA" "$C/valid.req" BADSIG0123456789ABCD
python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read())
d[-8] ^= 1; open(sys.argv[2], "wb").write(d)' "$C/valid.req" "$C/badsig.req"
check "a request whose signature does not verify gets 400" \
	grep_cmd "^400$" post "$C/badsig.req"
check "getcertd logs the invalid signature" \
	log_has "result=request signature invalid status=400"
check "the same request unmodified is issued" grep_cmd "^200$" \
	post "$C/valid.req"

# malformed HTTP requests
status_of()
{
	tb_exec carol curl -s -o /dev/null -w "%{http_code}\n" --max-time 10 "$@"
}
check "garbage DER gets 400" grep_cmd "^400$" status_of \
	--data-binary "not a pkiMessage" "$URL?operation=PKIOperation"
check "bad base64 gets 400" grep_cmd "^400$" \
	status_of "$URL?operation=PKIOperation&message=%21%21%21"
head -c 100000 /dev/zero > "$C/big"
check "an oversized POST gets 413" grep_cmd "^413$" status_of \
	--data-binary @"$C/big" "$URL?operation=PKIOperation"

pid=$(cat "$W/plain.pid")
check "getcertd ends on SIGTERM" tb_getcertd_stop winnetou plain
check "getcertd logged its shutdown" log_has "SIGTERM received"
# tb_getcertd_stop waits for the subshell that started getcertd; getcertd
# itself may still be in LSan's leak check (slow with full stacks)
check "getcertd has ended" tb_wait 60 not kill -0 "$pid"

# LSan prints the suppressed leaks at exit (print_suppressions): the leak
# check did run when getcertd ended
check "LeakSanitizer checked getcertd at its exit" \
	grep -q "Suppressions used" "$W/asan/getcertd.$pid"

# every ASan log: no error, no leak
asan_clean()
{
	local f bad=0
	for f in "$W"/asan/getcertd.*; do
		[ -e "$f" ] || continue
		if grep -Eq "ERROR: |leak of|^SUMMARY" "$f"; then
			echo "== $f"; cat "$f"; bad=1
		fi
	done
	return $bad
}
check "no ASan error and no leak in getcertd or its operator commands" \
	asan_clean
