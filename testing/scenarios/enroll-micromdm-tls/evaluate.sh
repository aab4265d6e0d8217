# getcert's enrollment engine through nginx (TLS + Basic auth) to scepserver

. "$TB_ROOT/servers.sh"

C=$TB_DIR/carol
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
W=$TB_DIR/winnetou

tb_scepserver_start winnetou 8080 -challenge secret -allowrenew 0 || return 1
tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 || return 1
tb_htpasswd "$W/htpasswd" carol carol-pw || return 1
tb_nginx_start winnetou 443 http://127.0.0.1:8080 "$W/htpasswd" || return 1

(umask 077; echo carol-pw > "$C/password"; echo wrong-pw > "$C/wrong";
 echo secret > "$C/challenge")

# getcert-enroll in carol through nginx (scepserver's CertReps: SHA-1,
# DES-CBC)
carol_enroll()
{
	tb_exec carol timeout 60 "$ENROLL" \
		--url https://winnetou.strongswan.org/scep --allow-sha1 --allow-des \
		--tls-ca "$TB_DIR/pki/caCert.pem" --ca-cert "$TB_SCEP_CA" \
		--identity carol@strongswan.org --user carol --challenge-file "$C/challenge" "$@"
}

# access log lines since a given line count
log_since()
{
	tail -n +$(($1 + 1)) "$TB_NGINX_LOG"
}

lines()
{
	wc -l < "$TB_NGINX_LOG"
}

# the first enrollment, its output kept in enroll.out
first_enroll()
{
	local rc
	carol_enroll --password-file "$C/password" --stats \
		--out-key "$C/key.pem" --out-cert "$C/cert.pem" > "$C/enroll.out" 2>&1
	rc=$?
	cat "$C/enroll.out"
	return $rc
}

start=$(lines)
check "carol enrolls through TLS and Basic authentication" first_enroll
check "one TLS handshake for the whole enrollment (4 requests with the 401)" \
	grep -q "requests=4 connections=1 " "$C/enroll.out"
check "the first request got 401, without credentials" \
	grep_cmd '^[^ ]+ - - .*"GET /scep\?operation=GetCACaps HTTP/1.1" 401' \
	log_since $start
check "after the 401 every request is carol's and succeeds" \
	[ "$(log_since $start | grep -c ' - carol .* 200 ')" = 3 ]
check "the PKIOperation went by POST" \
	grep_cmd '"POST /scep\?operation=PKIOperation HTTP/1.1" 200' \
	log_since $start
check "all requests used one connection" \
	[ "$(log_since $start | grep -c 'conn_reqs=1 ')" = 1 ]
check "the certificate chains to the scepserver's CA" \
	openssl verify -CAfile "$TB_SCEP_CA" "$C/cert.pem"

sleep 1	# the renewed certificate must start later (seconds) than the current
check "renewal through TLS, signed with the current certificate" \
	carol_enroll --password-file "$C/password" \
	--renew-cert "$C/cert.pem" --renew-key "$C/key.pem" \
	--out-key "$C/key2.pem" --out-cert "$C/cert2.pem"

start=$(lines)
check "a wrong password ends with 'credentials rejected' (exit 3)" \
	grep_cmd "credentials rejected" expect_rc 3 carol_enroll \
	--password-file "$C/wrong" --out-key "$C/k3.pem" --out-cert "$C/c3.pem"
check "the wrong password was sent once, no lock-out loop" \
	[ "$(log_since $start | grep -c ' - carol .* 401 ')" = 1 ]

# a CA that did not issue the server's certificate
"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$C/otherKey.pem"
"$TB_PKI" --self --ca --in "$C/otherKey.pem" --dn "CN=Other CA" \
	--outform pem > "$C/otherCA.pem"
start=$(lines)
check "a server certificate not from the pinned CA fails the handshake" \
	grep_cmd "TLS handshake failed" expect_rc 2 tb_exec carol timeout 60 \
	"$ENROLL" --url https://winnetou.strongswan.org/scep \
	--tls-ca "$C/otherCA.pem" --ca-cert "$TB_SCEP_CA" \
	--identity carol@strongswan.org --user carol \
	--password-file "$C/password" --out-key "$C/k4.pem" --out-cert "$C/c4.pem"
check "no request reached nginx, so no credentials left carol" \
	[ "$(lines)" = "$start" ]
check "a name that is not in the server certificate fails the handshake" \
	grep_cmd "TLS handshake failed" expect_rc 2 tb_exec carol timeout 60 \
	"$ENROLL" --url https://winnetou/scep \
	--tls-ca "$TB_DIR/pki/caCert.pem" --ca-cert "$TB_SCEP_CA" \
	--identity carol@strongswan.org --password-file "$C/password" \
	--out-key "$C/k5.pem" --out-cert "$C/c5.pem"
