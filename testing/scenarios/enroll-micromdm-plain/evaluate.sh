# getcert's enrollment engine against micromdm scepserver over plain HTTP

. "$TB_ROOT/servers.sh"

C=$TB_DIR/carol
(umask 077; echo secret > "$C/challenge"; echo wrong > "$C/challenge-wrong")
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
SCEP_LOG=$TB_DIR/winnetou/scepserver.log

tb_scepserver_start winnetou 8080 -challenge secret -allowrenew 0 || return 1

# getcert-enroll in carol against winnetou's plain HTTP SCEP service;
# scepserver signs CertReps with SHA-1 and encrypts them with DES-CBC,
# accepted only because the options say so
carol_enroll()
{
	tb_exec carol timeout 60 "$ENROLL" \
		--url http://winnetou.strongswan.org:8080/scep --plain-http \
		--allow-sha1 --allow-des --identity carol@strongswan.org "$@"
}

# public key of a key or certificate file, for comparison
pubkey()
{
	case "$1" in
		*cert*) openssl x509 -in "$1" -noout -pubkey ;;
		*) openssl pkey -in "$1" -pubout ;;
	esac
}

same_key()
{
	[ "$(pubkey "$1")" = "$(pubkey "$2")" ]
}

serial()
{
	openssl x509 -in "$1" -noout -serial
}

check "getcert-enroll enrolls carol with the challenge password" \
	grep_cmd "requests=3 connections=1" carol_enroll --ca-cert "$TB_SCEP_CA" \
	--challenge-file "$C/challenge" --out-key "$C/key.pem" --out-cert "$C/cert.pem" --stats
check "the certificate carries carol's identity as subjectAltName" \
	grep_cmd "email:carol@strongswan.org" \
	openssl x509 -in "$C/cert.pem" -noout -ext subjectAltName
check "the certificate chains to the scepserver's CA" \
	openssl verify -CAfile "$TB_SCEP_CA" "$C/cert.pem"
check "the certificate is for carol's new key" \
	same_key "$C/key.pem" "$C/cert.pem"
check "the private key file is readable by its owner only" \
	grep_cmd "^600$" stat -c %a "$C/key.pem"
sleep 1	# the renewed certificate must start later (seconds) than the current
check "renewal signed with the current certificate succeeds" \
	carol_enroll --ca-cert "$TB_SCEP_CA" --challenge-file "$C/challenge" \
	--renew-cert "$C/cert.pem" --renew-key "$C/key.pem" \
	--out-key "$C/key2.pem" --out-cert "$C/cert2.pem"
check "the renewed certificate is for a fresh key" \
	not same_key "$C/key.pem" "$C/cert2.pem"
check "the renewed certificate has a new serial" \
	not [ "$(serial "$C/cert.pem")" = "$(serial "$C/cert2.pem")" ]
check "the renewed certificate chains to the scepserver's CA" \
	openssl verify -CAfile "$TB_SCEP_CA" "$C/cert2.pem"
check "a wrong challenge password is rejected with badRequest (exit 3)" \
	grep_cmd "badRequest" expect_rc 3 carol_enroll --ca-cert "$TB_SCEP_CA" \
	--challenge-file "$C/challenge-wrong" --out-key "$C/key3.pem" --out-cert "$C/cert3.pem"
check "nothing is written for a rejected request" \
	not test -e "$C/cert3.pem"

pkiops=$(grep -c "method=PKIOperation" "$SCEP_LOG")
check "a CA that does not match the pinned fingerprint is refused" \
	grep_cmd "does not match the pinned" expect_rc 2 carol_enroll \
	--ca-fingerprint 0000000000000000000000000000000000000000000000000000000000000000 \
	--challenge-file "$C/challenge" --out-key "$C/key4.pem" --out-cert "$C/cert4.pem"
check "no request was sent to the CA that did not match" \
	[ "$(grep -c "method=PKIOperation" "$SCEP_LOG")" = "$pkiops" ]
fp=$(openssl x509 -in "$TB_SCEP_CA" -noout -fingerprint -sha256 | cut -d= -f2)
check "the CA pinned by its SHA-256 fingerprint is accepted" \
	carol_enroll --ca-fingerprint "$fp" --challenge-file "$C/challenge" \
	--out-key "$C/key5.pem" --out-cert "$C/cert5.pem"
