# scepserver and nginx from servers.sh: plain SCEP, TLS + Basic auth front end

. "$TB_ROOT/servers.sh"

WINNETOU=192.168.0.150
NGINX_URL=https://winnetou.strongswan.org/scep
CAROL=$TB_DIR/carol

tb_scepserver_start winnetou 8080 -challenge secret -allowrenew 0 || return 1
tb_tls_server_cert winnetou winnetou.strongswan.org $WINNETOU || return 1
tb_htpasswd "$TB_DIR/winnetou/htpasswd" carol carol-pw || return 1
tb_nginx_start winnetou 443 http://127.0.0.1:8080 "$TB_DIR/winnetou/htpasswd" ||
	return 1

# curl in carol, bounded
carol_curl()
{
	tb_exec carol curl -sS --max-time 10 "$@"
}

# curl in carol through nginx, trusting the test bed CA only
carol_curl_tls()
{
	carol_curl --cacert "$TB_DIR/pki/caCert.pem" \
		--resolve winnetou.strongswan.org:443:$WINNETOU "$@"
}

# micromdm scepclient in carol: <url> <challenge> <dir> [args...], key and
# certificate in $TB_DIR/carol/<dir>/{key,cert}.pem, CN carol. Each
# enrollment needs a directory of its own: scepclient keeps the CSR (with the
# challenge) and a self-signed cert next to the key and reuses them, and an
# existing certificate makes it send a RenewalReq instead of a PKCSReq.
carol_scepclient()
{
	local url=$1 challenge=$2 dir=$CAROL/$3
	shift 3
	mkdir -p "$dir"
	tb_exec carol env SSL_CERT_FILE="$TB_DIR/pki/caCert.pem" \
		timeout 60 scepclient -server-url "$url" -challenge "$challenge" \
		-private-key "$dir/key.pem" -certificate "$dir/cert.pem" -cn carol "$@"
}

# GetCACert through nginx into carol's directory, print its fingerprint
carol_getcacert()
{
	carol_curl_tls -f -u carol:carol-pw -o "$CAROL/getcacert.der" \
		"$NGINX_URL?operation=GetCACert" &&
		openssl x509 -inform der -in "$CAROL/getcacert.der" -noout \
		-fingerprint -sha256
}

check "GetCACaps over plain HTTP lists POSTPKIOperation" \
	grep_cmd "^POSTPKIOperation" \
	carol_curl -f "http://$WINNETOU:8080/scep?operation=GetCACaps"
check "nginx without credentials answers 401" \
	grep_cmd "^HTTP/1\.1 401" \
	carol_curl_tls -o /dev/null -D - "$NGINX_URL?operation=GetCACaps"
check "nginx asks for Basic authentication" \
	grep_cmd "^WWW-Authenticate: Basic realm=" \
	carol_curl_tls -o /dev/null -D - "$NGINX_URL?operation=GetCACaps"
check "nginx with a wrong password answers 401" \
	grep_cmd "^HTTP/1\.1 401" \
	carol_curl_tls -u carol:wrong -o /dev/null -D - \
	"$NGINX_URL?operation=GetCACaps"
check "nginx with carol's credentials answers 200" \
	grep_cmd "^HTTP/1\.1 200" \
	carol_curl_tls -u carol:carol-pw -o /dev/null -D - \
	"$NGINX_URL?operation=GetCACaps"
check "GetCACaps through nginx lists POSTPKIOperation" \
	grep_cmd "^POSTPKIOperation" \
	carol_curl_tls -f -u carol:carol-pw "$NGINX_URL?operation=GetCACaps"
check "GetCACert through nginx returns the depot's CA certificate" \
	grep_cmd "^$(openssl x509 -in "$TB_SCEP_CA" -noout -fingerprint -sha256)$" \
	carol_getcacert
check "scepclient in carol enrolls over plain HTTP with the challenge" \
	carol_scepclient "http://$WINNETOU:8080/scep" secret scep-plain
check "carol's certificate verifies against the depot's CA" \
	openssl verify -CAfile "$TB_SCEP_CA" "$CAROL/scep-plain/cert.pem"
check "carol's certificate has CN carol" \
	grep_cmd "CN ?= ?carol$" \
	openssl x509 -in "$CAROL/scep-plain/cert.pem" -noout -subject
check "scepclient with a wrong challenge gets no certificate" \
	not carol_scepclient "http://$WINNETOU:8080/scep" wrong scep-bad
check "scepclient enrolls through nginx (POST, TLS, Basic auth)" \
	carol_scepclient "https://carol:carol-pw@$WINNETOU/scep" secret scep-tls
check "that certificate verifies against the depot's CA" \
	openssl verify -CAfile "$TB_SCEP_CA" "$CAROL/scep-tls/cert.pem"
check "curl reuses one connection for two requests through nginx" \
	carol_curl_tls -f -u carol:carol-pw -o /dev/null -o /dev/null \
	"$NGINX_URL?operation=GetCACaps" "$NGINX_URL?operation=GetCACaps&n=2"
check "nginx logs carol's authenticated GetCACaps" \
	grep_cmd '^192\.168\.0\.100 - carol \[[^]]*\] "GET /scep\?operation=GetCACaps HTTP/1\.1" 200 ' \
	cat "$TB_NGINX_LOG"
check "nginx logs the unauthenticated request with 401" \
	grep_cmd '^192\.168\.0\.100 - - \[[^]]*\] "GET /scep\?operation=GetCACaps HTTP/1\.1" 401 ' \
	cat "$TB_NGINX_LOG"
check "nginx logs scepclient's POST PKIOperation by carol" \
	grep_cmd '^192\.168\.0\.100 - carol \[[^]]*\] "POST /scep\?operation=PKIOperation HTTP/1\.1" 200 .* upstream=200 ' \
	cat "$TB_NGINX_LOG"
check "nginx logs the second request on the same connection" \
	grep_cmd '"GET /scep\?operation=GetCACaps&n=2 HTTP/1\.1" 200 .* conn_reqs=2 ' \
	cat "$TB_NGINX_LOG"
