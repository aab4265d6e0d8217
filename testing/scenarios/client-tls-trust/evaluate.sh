# client trust: who gets the password (TLS server authentication) and who
# is believed as RA, for the plugin and getcert-enroll

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
M=$TB_DIR/moon
W=$TB_DIR/winnetou
PKI=$TB_DIR/pki
CA=$PKI/caCert.pem
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
ROGUE=https://moon.strongswan.org:8443/scep
mkdir -p "$C" "$M" "$W"

# FreeRADIUS on alice, getcertd over HTTPS on winnetou:443 with two
# test-only policies that issue a user (dave, over RADIUS) a certificate
# whose CN is the host name the clients below use for the CA: with the
# user EKU, and without EKU
tb_getcert_ca "policies {
		host {
			path = /host/scep
			subject = CN=moon.strongswan.org
			san = %u@strongswan.org
			lifetime = 10m
		}
		noeku {
			path = /noeku/scep
			subject = CN=moon.strongswan.org
			san = %u@strongswan.org
			lifetime = 10m
			eku = none
		}
	}" || return 1

# getcert-enroll in carol: <name> <url> [args...], writing <name>.key and
# <name>.pem (a new name each time), with carol's password or $PW
ge()
{
	local name=$1 url=$2
	shift 2
	tb_exec carol env GETCERT_PASSWORD="${PW:-carol-pw}" timeout 60 \
		"$ENROLL" --url "$url" --timeout 10 --out-key "$C/$name.key" \
		--out-cert "$C/$name.pem" "$@"
}

# PKIOperation requests that reached the rogue front end
front_pkiops()
{
	grep -c "PKIOperation" "$TB_NGINX_LOG" 2>/dev/null
}

# (re)start nginx on moon:8443 as TLS front end of the real getcertd, with
# the given certificate and key
front()
{
	local pid
	pid=$(cat "$M/nginx.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill -TERM "$pid"
		tb_wait 10 bash -c "! kill -0 $pid 2>/dev/null"
		wait "$pid" 2>/dev/null
		rm -f "$M/nginx.pid"
	fi
	cp "$1" "$M/tlsCert.pem" && cp "$2" "$M/tlsKey.pem" &&
		tb_nginx_start moon 8443 https://192.168.0.150:443 ""
}

# SHA-256 of a certificate's SubjectPublicKeyInfo as curl's pin
spki_pin()
{
	echo "sha256//$(openssl x509 -in "$1" -pubkey -noout |
		openssl pkey -pubin -outform der | openssl dgst -sha256 -binary |
		base64)"
}

# the user certificates: getcertd issues them to dave
PW=dave-pw check "dave gets a certificate with CN=moon.strongswan.org (user EKU)" \
	ge host https://winnetou.strongswan.org/host/scep --ca-cert "$CA" \
	--identity dave@strongswan.org --user dave
PW=dave-pw check "... and one without EKU" \
	ge noeku https://winnetou.strongswan.org/noeku/scep --ca-cert "$CA" \
	--identity dave@strongswan.org --user dave
HOSTCERT=$C/host.pem
NOEKUCERT=$C/noeku.pem
check "the first has the user EKU, the second none, neither a DNS name" \
	bash -c "openssl x509 -in '$HOSTCERT' -noout -ext extendedKeyUsage |
		grep -q 'TLS Web Client Authentication' &&
		! openssl x509 -in '$NOEKUCERT' -noout -ext extendedKeyUsage |
		grep -q Usage &&
		! openssl x509 -in '$NOEKUCERT' -noout -ext subjectAltName |
		grep -q DNS:"

# a public-style CA (not the enrollment CA) and a proper TLS server
# certificate of it for moon
"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$M/pubCaKey.pem"
"$TB_PKI" --self --ca --in "$M/pubCaKey.pem" --lifetime 30 --outform pem \
	--dn "C=US, O=Public Trust, CN=Public Root CA" > "$M/pubCaCert.pem"
"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$M/pubKey.pem"
"$TB_PKI" --issue --cacert "$M/pubCaCert.pem" --cakey "$M/pubCaKey.pem" \
	--type priv --in "$M/pubKey.pem" --dn "CN=moon.strongswan.org" \
	--san moon.strongswan.org --flag serverAuth --lifetime 30 \
	--outform pem > "$M/pubCert.pem"

CAFP=$(openssl x509 -in "$CA" -noout -fingerprint -sha256 | sed 's/.*=//')
mkdir -p "$TB_DIR/hosts/carol/swanctl"
sed "s/@CAFP@/$CAFP/" "$SCENARIO/hosts/carol/strongswan.conf" \
	> "$TB_DIR/hosts/carol/strongswan.conf"
cp "$SCENARIO/hosts/carol/swanctl/swanctl.conf" "$TB_DIR/hosts/carol/swanctl/"
tb_charon_start carol "$TB_DIR/hosts" || return 1

# 1. the certificate getcertd issued to dave, user EKU
front "$HOSTCERT" "$C/host.key" || return 1
check "control: curl refuses the user certificate as TLS server (EKU)" \
	not tb_exec carol curl -sf --max-time 5 --cacert "$CA" -o /dev/null \
	"$ROGUE?operation=GetCACaps"
check "the plugin refuses the front end with dave's certificate" \
	not tb_swanctl carol --initiate --child rogue_eku --timeout 30
check "... in the TLS handshake" \
	grep_log carol "getcert: TLS with $ROGUE failed"
check "getcert-enroll refuses it too" \
	grep_cmd "TLS" not ge eku "$ROGUE" --ca-cert "$CA" \
	--identity carol@strongswan.org --user carol

# 2. the certificate without EKU: curl alone would accept it (CN)
front "$NOEKUCERT" "$C/noeku.key" || return 1
check "control: curl accepts the EKU-less certificate by its CN" \
	tb_exec carol curl -sf --max-time 5 --cacert "$CA" -o /dev/null \
	"$ROGUE?operation=GetCACaps"
before=$(grep -c "TLS with $ROGUE failed" "$C/charon.log")
check "the plugin refuses it (no DNS subjectAltName, no serverAuth)" \
	not tb_swanctl carol --initiate --child rogue_noeku --timeout 30
check "... in the TLS handshake" \
	[ "$(grep -c "TLS with $ROGUE failed" "$C/charon.log")" -gt "$before" ]
check "getcert-enroll refuses it too" \
	grep_cmd "TLS" not ge rogue-noeku "$ROGUE" --ca-cert "$CA" \
	--identity carol@strongswan.org --user carol

# 3. a public-style CA's certificate, the CA pinned by fingerprint only
front "$M/pubCert.pem" "$M/pubKey.pem" || return 1
check "control: the front end is a valid TLS server under the public CA" \
	tb_exec carol curl -sf --max-time 5 --cacert "$M/pubCaCert.pem" \
	-o /dev/null "$ROGUE?operation=GetCACaps"
check "the plugin (ca_fingerprint only) refuses it" \
	not tb_swanctl carol --initiate --child rogue_fp --timeout 30
check "... once TLS is anchored to the CA that matched the fingerprint" \
	grep_log carol "getcert: $ROGUE: TLS anchored to the CA"
check "getcert-enroll (--ca-fingerprint only) refuses it too" \
	grep_cmd "TLS" not ge fp "$ROGUE" --ca-fingerprint "$CAFP" \
	--identity carol@strongswan.org --user carol
check "a wrong --tls-pin is refused before anything is sent" \
	grep_cmd "TLS" not ge pin "$ROGUE" --ca-cert "$CA" \
	--tls-pin "$(spki_pin "$W/tlsCert.pem")" \
	--identity carol@strongswan.org --user carol

check "FreeRADIUS never saw carol: no credential was sent" \
	exactly 0 gc_radius_count carol
check "no PKIOperation reached the front end" exactly 0 front_pkiops

# the real getcertd: fingerprint-only and pinned profiles enroll
# the IKE_SA to moon, which runs no charon here, fails after enrolling
tb_swanctl carol --initiate --child good_fp --timeout 20 > /dev/null 2>&1
check "the plugin enrolls with ca_fingerprint only" \
	grep_log carol "getcert: profile 'good-fp': enrolled 'carol@strongswan.org'"
check "... over TLS anchored to the CA that matched the fingerprint" \
	grep_log carol "getcert: https://winnetou.strongswan.org/scep: TLS anchored to the CA"
check "getcert-enroll enrolls with --ca-fingerprint only" \
	ge goodfp https://winnetou.strongswan.org/scep --ca-fingerprint "$CAFP" \
	--identity carol@strongswan.org --user carol
check "getcert-enroll enrolls with --tls-pin of getcertd's key" \
	ge goodpin https://winnetou.strongswan.org/scep --ca-cert "$CA" \
	--tls-pin "$(spki_pin "$W/tlsCert.pem")" \
	--identity carol@strongswan.org --user carol
check "FreeRADIUS saw carol for those three only" \
	exactly 3 gc_radius_count carol

# 4. GetCACert offering dave's certificate next to the CA: a TLS server
# with a proper certificate for moon from the test bed CA in front of a
# getcertd without RA (it decrypts with the CA key), answering GetCACert
# with CA and dave's user certificate
tb_getcertd_stop winnetou tls
sed -i '/ra_cert =\|ra_key =/d' "$W/tls.conf"
tb_getcertd_start winnetou tls || return 1
mv "$M/tlsCert.pem" "$M/rogueCert.pem"
tb_tls_server_cert moon moon.strongswan.org 192.168.0.1 || return 1
openssl crl2pkcs7 -nocrl -certfile "$CA" -certfile "$HOSTCERT" \
	-outform DER -out "$M/ca-ra.p7"
cat > "$M/inject.py" <<'EOF_PY'
import http.server, ssl, sys, urllib.request
cert, key, target, ca, p7 = sys.argv[1:6]
up = ssl.create_default_context(cafile=ca)
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def reply(self, status, ctype, data, extra=()):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def relay(self, body):
        if 'operation=GetCACert' in self.path:
            return self.reply(200, 'application/x-x509-ca-ra-cert',
                              open(p7, 'rb').read())
        req = urllib.request.Request(target + self.path, data=body,
                                     method=self.command)
        for h in ('Content-Type', 'Authorization'):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            r = urllib.request.urlopen(req, timeout=30, context=up)
        except urllib.error.HTTPError as e:
            r = e
        extra = [('WWW-Authenticate', r.headers['WWW-Authenticate'])] \
            if r.headers.get('WWW-Authenticate') else []
        self.reply(r.status, r.headers.get('Content-Type', ''), r.read(),
                   extra)
    def do_GET(self):
        self.relay(None)
    def do_POST(self):
        self.relay(self.rfile.read(int(self.headers.get('Content-Length', 0))))
srv = http.server.HTTPServer(('0.0.0.0', 8446), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
EOF_PY
tb_exec moon timeout 120 python3 "$M/inject.py" "$M/tlsCert.pem" \
	"$M/tlsKey.pem" https://winnetou.strongswan.org "$CA" "$M/ca-ra.p7" \
	> "$M/inject.log" 2>&1 &
tb_wait 10 tb_exec carol curl -sf --max-time 2 --cacert "$CA" -o /dev/null \
	"https://moon.strongswan.org:8446/scep?operation=GetCACaps"
check "with dave's certificate offered as RA, getcert-enroll enrolls..." \
	grep_cmd "not an RA" ge inject https://moon.strongswan.org:8446/scep \
	--ca-cert "$CA" --identity carol@strongswan.org --user carol
check "... its request encrypted to the CA, which decrypted it" \
	openssl verify -CAfile "$CA" "$C/inject.pem"
