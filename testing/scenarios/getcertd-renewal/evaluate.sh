# getcertd: renewals, polls and revocations bound to what was authenticated

. "$TB_ROOT/servers.sh"
. "$TB_ROOT/getcertd.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
PROBE=$TB_ROOT/../build/src/libgetcert/tests/scep_probe
CA=$TB_DIR/pki/caCert.pem
RA=$TB_DIR/pki/raCert.pem
URL=https://winnetou.strongswan.org

tb_freeradius_start alice winnetou:10.1.0.150:testing123 || return 1
tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 || return 1
# besides the common policies (/scep: 10 minutes): /short/scep, RADIUS,
# 2 minutes, renewals without credentials for 5 s only; /tiny/scep,
# challenge password, certificates of 2 s
EXTRA=(
	"policies {"
	"	short {"
	"		path = /short/scep"
	"		subject = C=CH, O=getcert test, OU=remote, CN=%u"
	"		san = %u@strongswan.org"
	"		lifetime = 2m"
	"		backdate = 0"
	"		max_renewal_age = 5s"
	"	}"
	"	tiny {"
	"		path = /tiny/scep"
	"		subject = C=CH, O=getcert test, OU=remote, CN=%u"
	"		lifetime = 2s"
	"		backdate = 0"
	"		auth = challenge"
	"		challenge_password = secret"
	"	}"
	"}"
)
tb_getcertd_conf winnetou tls 443 yes "${EXTRA[@]}"
tb_getcertd_start winnetou tls || return 1
(umask 077; echo carol-pw > "$C/password"; echo dave-pw > "$C/dave";
 echo wrong-pw > "$C/wrong")
LOG=$W/tls.log

# enroll <path> <name> <enroll args...>: getcert-enroll in carol, key and
# certificate to $C/<name>.key/.pem
enroll()
{
	local path=$1 name=$2
	shift 2
	tb_exec carol timeout 60 "$ENROLL" --url "$URL$path" --ca-cert "$CA" \
		--out-key "$C/$name.key" --out-cert "$C/$name.pem" "$@"
}

# renew <path> <old> <new> [args...]: renew $C/<old>.pem into $C/<new>.pem
renew()
{
	local path=$1 old=$2 new=$3
	shift 3
	# a renewed certificate must start later than the one it renews
	# (getcert-enroll refuses one that does not), notBefore has seconds
	sleep 1
	enroll "$path" "$new" --renew-cert "$C/$old.pem" \
		--renew-key "$C/$old.key" "$@"
}

# lifetime of a certificate in seconds
lifetime()
{
	local nb na
	nb=$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)
	na=$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)
	echo $(( $(date -d "$na" +%s) - $(date -d "$nb" +%s) ))
}

serial()
{
	openssl x509 -in "$1" -noout -serial | cut -d= -f2
}

db()
{
	sqlite3 "$W/getcertd.db" "$@"
}

radius_requests()
{
	grep -cE "Access-(Accept|Reject|Challenge)" "$TB_RADIUS_LOG" 2>/dev/null
}

# --- the policy of the signing certificate
check "carol enrolls under /scep (10 minutes)" \
	enroll /scep c1 --identity carol@strongswan.org --user carol \
	--password-file "$C/password"
check "her renewal sent to /short/scep is issued" \
	renew /short/scep c1 c2 --identity carol@strongswan.org --user carol
check "under /scep's lifetime (660 s with the backdating), not /short's" \
	grep_cmd "^660$" lifetime "$C/c2.pem"
check "and recorded under policy 'radius'" \
	grep_cmd "^radius$" db "SELECT policy FROM certificates WHERE
		hex(serial) = upper('$(serial "$C/c2.pem")')"
check "getcertd logs that it kept the policy" \
	grep_cmd "renewal sent to /short/scep stays under policy 'radius'" \
	cat "$LOG"

# --- only the newest certificate of a chain renews
check "the renewed certificate is superseded in the records" \
	grep_cmd "^1$" db "SELECT count(*) FROM certificates WHERE
		superseded IS NOT NULL AND hex(serial) = upper('$(serial "$C/c1.pem")')"
check "an older certificate of the chain cannot renew (rejected, exit 3)" \
	expect_rc 3 renew /scep c1 c1b --identity carol@strongswan.org \
	--user carol
check "getcertd logs why" \
	grep_cmd "result=renewal with a superseded certificate" cat "$LOG"
check "the newest one renews" \
	renew /scep c2 c3 --identity carol@strongswan.org --user carol

# two renewals with the same certificate at once: one chain, not a fork
carols()
{
	db "SELECT count(*) FROM certificates WHERE user = 'carol'"
}
refusals()
{
	grep -c "result=renewal with a superseded certificate" "$LOG"
}
n0=$(carols)
r0=$(refusals)
renew /scep c3 c4a --identity carol@strongswan.org --user carol \
	> "$C/c4a.log" 2>&1 &
pa=$!
renew /scep c3 c4b --identity carol@strongswan.org --user carol \
	> "$C/c4b.log" 2>&1 &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
check "of two concurrent renewals with one certificate, one is issued" \
	test "$(( (ra == 0) + (rb == 0) ))" -eq 1
check "the other is rejected (exit 3)" test "$(( ra + rb ))" -eq 3
check "getcertd recorded one new certificate, not two" \
	test "$(carols)" -eq $((n0 + 1))
# (getcert-enroll retries a refused RenewalReq as a PKCSReq signed with
# the same certificate: both are refused alike)
check "and says why it refused the other" \
	test "$(refusals)" -gt "$r0"

# --- the chain ends at max_renewal_age: credentials again
check "dave enrolls under /short/scep" \
	enroll /short/scep d1 --identity dave@strongswan.org --user dave \
	--password-file "$C/dave"
check "within max_renewal_age he renews without a password" \
	renew /short/scep d1 d2 --identity dave@strongswan.org --user dave
sleep 6
before=$(radius_requests)
check "after max_renewal_age a renewal without credentials is refused" \
	not renew /short/scep d2 d3 --identity dave@strongswan.org --user dave
check "with 401" \
	grep_cmd "RenewalReq user=- .*status=401" cat "$LOG"
check "getcertd logs the end of the chain" \
	grep_cmd "beyond max_renewal_age: credentials required" cat "$LOG"
check "a wrong password stops the chain: RADIUS rejects it" \
	not renew /short/scep d2 d3 --identity dave@strongswan.org --user dave \
	--password-file "$C/wrong"
check "RADIUS was asked" \
	grep_cmd "RenewalReq user=dave .*result=rejected by RADIUS" cat "$LOG"
check "the right password renews, and starts a new chain" \
	renew /short/scep d2 d3 --identity dave@strongswan.org --user dave \
	--password-file "$C/dave"
check "RADIUS answered both" \
	test "$(radius_requests)" -ge $((before + 2))
check "the next renewal needs no password again" \
	renew /short/scep d3 d4 --identity dave@strongswan.org --user dave

# --- a renewal reusing its key and transactionID is a new certificate
# (pki --scep derives the transactionID from the key)
"$TB_PKI" --gen --type rsa --size 2048 > "$C/p.key"
pki_scep()
{
	local out=$1
	shift
	tb_pki_scep /plain/scep "$C/p.key" erin "$@" > "$out"
}
tb_getcertd_conf winnetou plain 8080 no "${EXTRA[@]}"
tb_getcertd_start winnetou plain || return 1
check "pki --scep enrolls erin" pki_scep "$C/p1.pem"
check "pki --scep renews with the same key (same transactionID)" \
	pki_scep "$C/p2.pem" --cert "$C/p1.pem" --key "$C/p.key"
check "and gets a new certificate" \
	not test "$(serial "$C/p1.pem")" = "$(serial "$C/p2.pem")"
check "both are recorded" \
	grep_cmd "^2$" db "SELECT count(*) FROM certificates WHERE user = 'erin'"

# --- PKCSReq and RenewalReq signed with an expired certificate of ours
# send <kind> <path> <out> <transid> [VAR=value...]: a request built by
# scep_probe (environment as given) from carol, the CertRep decoded
send()
{
	local kind=$1 path=$2 out=$3 transid=$4
	shift 4
	env "$@" "$PROBE" build "$kind" "$RA" "$C/$out.req" "$transid" &&
	tb_exec carol curl -s --max-time 20 -o "$C/$out.body" \
		-H "Content-Type: application/x-pki-message" \
		--data-binary "@$C/$out.req" \
		"http://winnetou.strongswan.org:8080$path?operation=PKIOperation" &&
	"$PROBE" decode "$RA" "$C/$out.body"
}
probe()
{
	send valid "$1" "$2" "TX$2" "${@:3}"
}
poll()
{
	send poll "$@"
}
check "a 2 s certificate is issued under /tiny/scep" \
	grep_cmd "^pkiStatus=0 " probe /tiny/scep e1 PROBE_KEY="$C/e.key"
db "SELECT writefile('$C/e1.der', cert) FROM certificates
	WHERE transid = 'TXe1'" > /dev/null
sleep 3
check "a RenewalReq signed with it after it expired is refused" \
	grep_cmd "^pkiStatus=2 failInfo=2$" probe /tiny/scep e2 \
	PROBE_KEY="$C/e.key" PROBE_SIGNER="$C/e1.der" PROBE_TYPE=renewal
check "getcertd says so" \
	grep_cmd "result=renewal with an expired certificate" cat "$W/plain.log"
check "a PKCSReq signed with it and the challenge password is a new enrollment" \
	grep_cmd "^pkiStatus=0 " probe /tiny/scep e3 \
	PROBE_KEY="$C/e.key" PROBE_SIGNER="$C/e1.der"

# --- CertPoll only by the requester, under the request's policy
check "a request under /manual/scep waits for the operator" \
	grep_cmd "^pkiStatus=3 " probe /manual/scep m1 PROBE_KEY="$C/m.key"
check "a poll by another key gets badRequest" \
	grep_cmd "^pkiStatus=2 failInfo=2$" poll /manual/scep m2 TXm1 \
	PROBE_KEY="$C/other.key"
check "a poll by the requester sent to another policy's path gets badRequest" \
	grep_cmd "^pkiStatus=2 failInfo=2$" poll /plain/scep m3 TXm1 \
	PROBE_KEY="$C/m.key"
check "a poll by the requester under its policy is still pending" \
	grep_cmd "^pkiStatus=3 " poll /manual/scep m4 TXm1 PROBE_KEY="$C/m.key"
check "the operator approves it" tb_getcertd winnetou plain approve TXm1
check "another key's poll still gets badRequest, nothing is issued to it" \
	grep_cmd "^pkiStatus=2 failInfo=2$" poll /manual/scep m5 TXm1 \
	PROBE_KEY="$C/other.key"
check "the requester's poll completes" \
	grep_cmd "^pkiStatus=0 " poll /manual/scep m6 TXm1 PROBE_KEY="$C/m.key"
check "a new request reusing the issued transactionID is not held for approval" \
	grep_cmd "^pkiStatus=2 failInfo=2$" send valid /manual/scep m8 TXm1 \
	PROBE_KEY="$C/m.key"
check "getcertd says why" \
	grep_cmd "result=transactionID of an issued request reused" \
	cat "$W/plain.log"
check "a poll for an unknown transaction gets badCertId" \
	grep_cmd "^pkiStatus=2 failInfo=4$" poll /manual/scep m7 TXnone \
	PROBE_KEY="$C/m.key"

# --- revoke a user
current=$(db "SELECT count(*) FROM certificates WHERE user = 'dave' AND
	revoked IS NULL AND not_after > strftime('%s', 'now')")
check "getcertd revoke --user revokes all of dave's current certificates" \
	grep_cmd "^revoked $current certificates of user 'dave'$" \
	tb_getcertd winnetou tls revoke --user dave
check "none of his is left unrevoked" \
	grep_cmd "^0$" db "SELECT count(*) FROM certificates WHERE
		user = 'dave' AND revoked IS NULL"
check "carol's are untouched" \
	grep_cmd "^0$" db "SELECT count(*) FROM certificates WHERE
		user = 'carol' AND revoked IS NOT NULL"
check "dave's newest certificate can no longer renew" \
	expect_rc 3 renew /short/scep d4 d5 --identity dave@strongswan.org \
	--user dave
