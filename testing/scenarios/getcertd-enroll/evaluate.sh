# getcertd with FreeRADIUS: real clients, RADIUS auth, challenge, policy

. "$TB_ROOT/servers.sh"
. "$TB_ROOT/getcertd.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
CA=$TB_DIR/pki/caCert.pem
RA=$TB_DIR/pki/raCert.pem

tb_freeradius_start alice winnetou:10.1.0.150:testing123 || return 1
tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 || return 1
tb_getcertd_conf winnetou tls 443 yes
tb_getcertd_conf winnetou plain 8080 no
tb_getcertd_start winnetou tls || return 1
tb_getcertd_start winnetou plain || return 1
(umask 077; echo carol-pw > "$C/password"; echo wrong-pw > "$C/wrong")

# getcert-enroll in carol against getcertd over HTTPS (RADIUS policy)
carol_enroll()
{
	tb_exec carol timeout 60 "$ENROLL" \
		--url https://winnetou.strongswan.org/scep --ca-cert "$CA" "$@"
}

records()
{
	sqlite3 "$W/getcertd.db" "SELECT count(*) FROM certificates"
}

check "carol enrolls over HTTPS, her RADIUS password answering the 401" \
	carol_enroll --identity carol@strongswan.org --user carol \
	--password-file "$C/password" --out-key "$C/key.pem" --out-cert "$C/cert.pem"
check "the certificate is bound to carol: subject and subjectAltName" \
	grep_cmd "email:carol@strongswan.org" \
	openssl x509 -in "$C/cert.pem" -noout -subject -ext subjectAltName
check "RFC 4945 profile: critical keyUsage digitalSignature, CA:FALSE" \
	grep_cmd "Digital Signature" \
	openssl x509 -in "$C/cert.pem" -noout -ext keyUsage,basicConstraints
check "EKU clientAuth and ipsecIKE, never serverAuth (README: EKU)" \
	grep_cmd "^ *TLS Web Client Authentication, (ipsec Internet Key \
Exchange|1.3.6.1.5.5.7.3.17)$" \
	openssl x509 -in "$C/cert.pem" -noout -ext extendedKeyUsage
# seconds between notBefore and notAfter of a certificate
lifetime()
{
	local nb na
	nb=$(date -d "$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)" +%s)
	na=$(date -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s)
	echo $((na - nb))
}
check "short-lived: 10 minutes plus a minute of backdating" \
	[ "$(lifetime "$C/cert.pem")" = 660 ]
check "the issuance is recorded with user, client and serial" \
	grep_cmd "carol\|192.168.0.100" sqlite3 "$W/getcertd.db" \
	"SELECT user || '|' || client || '|' || hex(serial) FROM certificates"
check "getcertd logs one line for the issuing request" \
	grep_cmd "PKIOperation PKCSReq user=carol .*result=issued status=200" \
	cat "$W/tls.log"

count=$(records)
check "a wrong password: credentials rejected by RADIUS, exit 3" \
	grep_cmd "credentials rejected" expect_rc 3 carol_enroll \
	--identity carol@strongswan.org --user carol --password-file "$C/wrong" \
	--out-key "$C/k2.pem" --out-cert "$C/c2.pem"
check "the wrong password issued nothing" [ "$(records)" = "$count" ]

check "a CSR for someone else's name is rejected with badRequest" \
	grep_cmd "badRequest" expect_rc 3 carol_enroll \
	--identity dave@strongswan.org --user carol --password-file "$C/password" \
	--out-key "$C/k3.pem" --out-cert "$C/c3.pem"
check "getcertd logs the foreign name" \
	grep_cmd "CSR for a name the user does not own" cat "$W/tls.log"

# the OTP user: any password, then the code typed at the challenge prompt
otp_enroll()
{
	echo 123456 | GETCERT_PASSWORD=any tb_exec carol timeout 60 "$ENROLL" \
		--url https://winnetou.strongswan.org/scep --ca-cert "$CA" \
		--identity otp@strongswan.org --user otp \
		--out-key "$C/otp.key" --out-cert "$C/otp.pem" 2>&1
}
check "an OTP token user answers the relayed RADIUS challenge" \
	grep_cmd "Enter the code from your token" otp_enroll
check "the OTP user got a certificate" \
	openssl verify -CAfile "$CA" "$C/otp.pem"
check "the challenge text reached the user" \
	grep_cmd "result=challenge" cat "$W/tls.log"

sleep 1	# the renewed certificate must start later (seconds) than the current
check "renewal signed with the current certificate needs no password" \
	carol_enroll --identity carol@strongswan.org \
	--renew-cert "$C/cert.pem" --renew-key "$C/key.pem" \
	--out-key "$C/key4.pem" --out-cert "$C/cert4.pem"
check "getcertd logged the RenewalReq as issued" \
	grep_cmd "RenewalReq user=carol .*result=issued" cat "$W/tls.log"

# output files: created new (key 0600), never through a symbolic link,
# replaced only with --replace; the challengePassword never on the
# command line
plain_enroll()
{
	tb_exec carol timeout 60 "$ENROLL" --plain-http \
		--url http://winnetou.strongswan.org:8080/plain/scep --ca-cert "$CA" \
		--ra-fingerprint "$(tb_ra_fingerprint)" \
		--identity carol@strongswan.org \
		--subject "C=CH, O=getcert test, OU=remote, CN=carol" "$@"
}
env_enroll()
{
	GETCERT_CHALLENGE=secret plain_enroll "$@"
}
wrong_enroll()
{
	GETCERT_CHALLENGE=wrong plain_enroll "$@"
}
stdin_enroll()
{
	echo secret | plain_enroll --challenge-file - "$@"
}
check "the key file is readable by its owner only (0600)" \
	grep_cmd "^600$" stat -c %a "$C/key.pem"
check "the certificate file is 0644" \
	grep_cmd "^644$" stat -c %a "$C/cert.pem"
echo "not a key" > "$C/victim"
ln -s "$C/victim" "$C/link.key"
count=$(records)
check "a symlink planted at --out-key is refused (exit 1)" \
	grep_cmd "link.key is a symbolic link, refusing to write through" \
	expect_rc 1 carol_enroll --identity carol@strongswan.org --user carol \
	--password-file "$C/password" --out-key "$C/link.key" \
	--out-cert "$C/link.pem"
check "with --replace too" \
	grep_cmd "link.key is a symbolic link" expect_rc 1 carol_enroll \
	--identity carol@strongswan.org --user carol \
	--password-file "$C/password" --out-key "$C/link.key" \
	--out-cert "$C/link.pem" --replace
check "the symlink's target is unchanged" \
	grep_cmd "^not a key$" cat "$C/victim"
check "the symlink is left and no certificate is written" \
	bash -c "[ -L '$C/link.key' ] && [ ! -e '$C/link.pem' ]"
check "nothing was issued for it" [ "$(records)" = "$count" ]
sum=$(sha256sum < "$C/cert.pem")
check "an existing --out-cert is not overwritten (exit 1)" \
	grep_cmd "cert.pem exists, refusing to overwrite it" expect_rc 1 \
	carol_enroll --identity carol@strongswan.org --user carol \
	--password-file "$C/password" --out-key "$C/k6.pem" \
	--out-cert "$C/cert.pem"
check "the existing certificate is unchanged, no key written" \
	bash -c "[ \"\$(sha256sum < '$C/cert.pem')\" = '$sum' ] &&
			 [ ! -e '$C/k6.pem' ]"

check "--challenge on the command line is refused, naming the alternatives" \
	grep_cmd "use --challenge-file FILE .*GETCERT_CHALLENGE" expect_rc 1 \
	plain_enroll --challenge secret --out-key "$C/ch.key" \
	--out-cert "$C/ch.pem"
check "nothing is written for it" not test -e "$C/ch.key"
check "GETCERT_CHALLENGE supplies the challenge password" \
	env_enroll --out-key "$C/env.key" --out-cert "$C/env.pem"
check "its certificate chains to the CA" \
	openssl verify -CAfile "$CA" "$C/env.pem"
check "a wrong GETCERT_CHALLENGE is rejected by the CA (exit 3)" \
	expect_rc 3 wrong_enroll --out-key "$C/k7.pem" --out-cert "$C/c7.pem"
check "--challenge-file - reads it from stdin" \
	stdin_enroll --out-key "$C/stdin.key" --out-cert "$C/stdin.pem"

# renewal in place: both files staged, then renamed over the current ones
sleep 1	# the renewed certificate starts later than the current one
sum=$(sha256sum < "$C/env.key")
check "renewal in place with --replace" \
	plain_enroll --renew-cert "$C/env.pem" --renew-key "$C/env.key" \
	--out-key "$C/env.key" --out-cert "$C/env.pem" --replace
check "the key file holds a new key, still 0600" \
	bash -c "[ \"\$(sha256sum < '$C/env.key')\" != '$sum' ] &&
			 [ \"\$(stat -c %a '$C/env.key')\" = 600 ]"
check "the certificate file holds the renewed certificate for it" \
	bash -c "[ \"\$(openssl x509 -in '$C/env.pem' -noout -pubkey)\" = \
			   \"\$(openssl pkey -in '$C/env.key' -pubout)\" ]"
check "no temporary file is left" \
	bash -c "! ls '$C' | grep -q '\\.tmp\$'"

mkdir -p "$C/sc"
check "micromdm scepclient enrolls with the challenge password" \
	tb_exec carol timeout 60 scepclient \
	-server-url http://winnetou.strongswan.org:8080/plain/scep \
	-challenge secret -private-key "$C/sc/key.pem" \
	-certificate "$C/sc/cert.pem" -cn dave -country CH \
	-organization "getcert test" -ou remote
check "scepclient's certificate chains to the CA" \
	openssl verify -CAfile "$CA" "$C/sc/cert.pem"

"$TB_PKI" --gen --type rsa --size 2048 > "$C/pki.key"
# pki --scep in carol: <output file> [args...]; pki writes to stdout
pki_scep()
{
	local out=$1
	shift
	tb_pki_scep /plain/scep "$C/pki.key" erin "$@" > "$out"
}

serial_of()
{
	openssl x509 -in "$1" -noout -serial
}
check "strongSwan pki --scep enrolls with the challenge password" \
	pki_scep "$C/pki1.pem"
check "pki's certificate chains to the CA" \
	openssl verify -CAfile "$CA" "$C/pki1.pem"
count=$(records)
check "a replayed request (same key, same transaction) gets an answer" \
	pki_scep "$C/pki2.pem"
check "the answer is the same certificate, not a second one" \
	grep_cmd "^serial=[0-9A-F]+$" \
	bash -c "[ \"\$(openssl x509 -in '$C/pki1.pem' -noout -serial)\" = \
			  \"\$(openssl x509 -in '$C/pki2.pem' -noout -serial)\" ] &&
			 openssl x509 -in '$C/pki1.pem' -noout -serial"
check "the replay issued nothing" [ "$(records)" = "$count" ]
check "getcertd logged the replay" \
	grep_cmd "result=replay, same certificate" cat "$W/plain.log"

"$TB_PKI" --gen --type rsa --size 1024 > "$C/weak.key"
check "a CSR with a weak (RSA 1024) key is rejected" \
	not tb_pki_scep /plain/scep "$C/weak.key" weak
check "getcertd logs the weak key" \
	grep_cmd "result=CSR key too weak" \
	cat "$W/plain.log"

# manual approval: pki --scep polls until the operator approves
"$TB_PKI" --gen --type rsa --size 2048 > "$C/manual.key"
tb_pki_scep /manual/scep "$C/manual.key" frank --interval 1 \
	--maxpolltime 40 > "$C/manual.pem" 2> "$C/manual.log" &
poller=$!
check "the request waits for the operator" \
	tb_wait 10 grep -q "result=pending approval" "$W/plain.log"
txid=$(tb_getcertd winnetou plain list --pending | sed -n 's/^pending \([^ ]*\) .*/\1/p' | head -1)
check "getcertd list --pending shows it" [ -n "$txid" ]
check "the operator approves it" tb_getcertd winnetou plain approve "$txid"
wait $poller
check "pki --scep's CertPoll completes the enrollment" \
	openssl verify -CAfile "$CA" "$C/manual.pem"

serial=$(openssl x509 -in "$C/cert.pem" -noout -serial | cut -d= -f2)
check "the operator revokes a certificate" \
	tb_getcertd winnetou plain revoke "$serial"
check "the revocation is recorded" \
	grep_cmd "^[1-9]" sqlite3 "$W/getcertd.db" \
	"SELECT revoked FROM certificates WHERE hex(serial) = '$serial'"
check "GetCRL, signed with carol's renewed certificate, returns a CRL" \
	carol_enroll --identity carol@strongswan.org \
	--renew-cert "$C/cert4.pem" --renew-key "$C/key4.pem" \
	--get-crl "$C/ca.crl"
check "the CRL lists the revoked serial and is signed by the CA" \
	grep_cmd "Serial Number: $serial" \
	openssl crl -in "$C/ca.crl" -noout -text -CAfile "$CA"
check "strongSwan pki --scepca fetches the CA certificate" \
	grep_cmd "getcert Test CA" tb_exec carol timeout 30 "$TB_PKI" --scepca \
	--url http://winnetou.strongswan.org:8080/plain/scep

# malformed and oversized requests (ROBUSTNESS #29): 4xx, getcertd survives
status_of()
{
	tb_exec carol curl -s -o /dev/null -w "%{http_code}\n" --max-time 10 \
		--cacert "$CA" "$@"
}
head -c 100000 /dev/zero > "$C/big"
check "an oversized POST gets 413" grep_cmd "^413$" status_of \
	--data-binary @"$C/big" \
	"https://winnetou.strongswan.org/scep?operation=PKIOperation"
check "bad base64 in a GET PKIOperation gets 400" grep_cmd "^400$" \
	status_of "https://winnetou.strongswan.org/scep?operation=PKIOperation&message=%21%21%21"
check "garbage DER gets 400" grep_cmd "^400$" status_of \
	--data-binary "not a pkiMessage" \
	"https://winnetou.strongswan.org/scep?operation=PKIOperation"
check "an unknown operation gets 400" grep_cmd "^400$" \
	status_of "https://winnetou.strongswan.org/scep?operation=Bogus"
check "an unknown path gets 404" grep_cmd "^404$" \
	status_of "https://winnetou.strongswan.org/other?operation=GetCACaps"
check "getcertd still serves" grep_cmd "^200$" \
	status_of "https://winnetou.strongswan.org/scep?operation=GetCACaps"

# RADIUS down
kill $(cat "$TB_DIR/alice/freeradius.pid") 2>/dev/null
tb_wait 5 not tb_exec alice pgrep -x freeradius
count=$(records)
check "RADIUS down: HTTP 503, a transient failure (exit 4)" \
	expect_rc 4 carol_enroll --identity carol@strongswan.org --user carol \
	--password-file "$C/password" --out-key "$C/k5.pem" --out-cert "$C/c5.pem"
check "getcertd logs RADIUS as unreachable" \
	grep_cmd "result=RADIUS unreachable status=503" cat "$W/tls.log"
check "nothing was issued while RADIUS was down" [ "$(records)" = "$count" ]
