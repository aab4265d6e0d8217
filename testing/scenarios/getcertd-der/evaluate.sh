# getcertd: canonical DER, CRL cache, no TLS server certificates, pid file

. "$TB_ROOT/servers.sh"
. "$TB_ROOT/getcertd.sh"

C=$TB_DIR/carol
(umask 077; echo secret > "$C/challenge")
W=$TB_DIR/winnetou
D=$TB_DIR/der
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
DERCHECK=$TB_ROOT/der-check.py
CA=$TB_DIR/pki/caCert.pem
URL=https://winnetou.strongswan.org:8443
mkdir -p "$C" "$W" "$D"
tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 || return 1

# two test-only policies issue certificates whose subject is winnetou's
# host name: with the default EKU, and without EKU (the control)
tb_getcertd_conf winnetou der 8443 yes "crl_lifetime = 1h" "policies {
		host {
			path = /host/scep
			subject = CN=winnetou.strongswan.org
			san = %u@strongswan.org
			lifetime = 10m
			auth = challenge
			challenge_password = secret
		}
		noeku {
			path = /noeku/scep
			subject = CN=winnetou.strongswan.org
			san = %u@strongswan.org
			lifetime = 10m
			auth = challenge
			challenge_password = secret
			eku = none
		}
	}"

# the pid file is created without following links
echo untouched > "$W/victim"
ln -s "$W/victim" "$W/der.pid"
check "a pid file path that is a symbolic link: getcertd refuses to start" \
	expect_rc 2 tb_exec winnetou timeout 20 "$TB_GETCERTD" \
	--config "$W/der.conf" --foreground
tb_exec winnetou timeout 20 "$TB_GETCERTD" --config "$W/der.conf" \
	--foreground > "$W/symlink.log" 2>&1
check "getcertd logs the refused link" \
	grep_cmd "pid file .*der.pid is a symbolic link, refused" \
	cat "$W/symlink.log"
check "the link target is untouched" \
	grep_cmd "^untouched$" cat "$W/victim"
rm -f "$W/der.pid"
echo 12345 > "$W/der.pid"
tb_getcertd_start winnetou der || return 1
check "a stale regular pid file is replaced by getcertd's pid" \
	tb_wait 5 grep -qx "$(ps -o pid= --ppid "$(cat "$W/der.run.pid")" |
		tr -d ' ')" "$W/der.pid"

# a raw-body recording proxy in carol (plain HTTP on 127.0.0.1:8081, so
# getcert-enroll needs --plain-http): forwards to getcertd over HTTPS,
# saves the body of every PKIOperation reply as reply-<n>.der
cat > "$C/proxy.py" <<'EOF_PY'
import http.server, ssl, sys, urllib.request
out, target, ca = sys.argv[1], sys.argv[2], sys.argv[3]
tls = ssl.create_default_context(cafile=ca)
count = [0]
class H(http.server.BaseHTTPRequestHandler):
    def relay(self, body):
        req = urllib.request.Request(target + self.path, data=body,
                                     method=self.command)
        if self.headers.get('Content-Type'):
            req.add_header('Content-Type', self.headers['Content-Type'])
        try:
            r = urllib.request.urlopen(req, timeout=30, context=tls)
        except urllib.error.HTTPError as e:
            r = e
        data = r.read()
        if 'PKIOperation' in self.path:
            count[0] += 1
            open('%s/reply-%d.der' % (out, count[0]), 'wb').write(data)
        self.send_response(r.status)
        self.send_header('Content-Type', r.headers.get('Content-Type', ''))
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        self.relay(None)
    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0))
        self.relay(self.rfile.read(n))
    def log_message(self, *args):
        pass
http.server.HTTPServer(('127.0.0.1', 8081), H).serve_forever()
EOF_PY
mkdir -p "$D/replies"
tb_exec carol timeout 250 python3 "$C/proxy.py" "$D/replies" "$URL" "$CA" \
	> "$C/proxy.log" 2>&1 &
proxy=$!
tb_wait 10 tb_exec carol curl -sf --max-time 2 \
	"http://127.0.0.1:8081/plain/scep?operation=GetCACaps"

# getcert-enroll as carol with the challenge password, through the proxy
enroll()
{
	local path=$1 name=$2
	shift 2
	tb_exec carol timeout 60 "$ENROLL" --plain-http \
		--ra-fingerprint "$(tb_ra_fingerprint)" \
		--url "http://127.0.0.1:8081$path" --ca-cert "$CA" \
		--challenge-file "$C/challenge" --out-key "$C/$name.key" \
		--out-cert "$C/$name.pem" "$@"
}
get_crl()
{
	tb_exec carol timeout 60 "$ENROLL" --plain-http \
		--ra-fingerprint "$(tb_ra_fingerprint)" \
		--url "http://127.0.0.1:8081/plain/scep" --ca-cert "$CA" \
		--renew-cert "$C/carol.pem" --renew-key "$C/carol.key" \
		--identity carol@strongswan.org --get-crl "$1"
}
# PEM to DER without re-encoding (openssl would encode again)
pem2der()
{
	sed -n '/^-----BEGIN/,/^-----END/{/^-----/d;p}' "$1" | base64 -d > "$2"
}
crl_number()
{
	python3 -c "import sys; from cryptography import x509
c = x509.load_der_x509_crl(open(sys.argv[1], 'rb').read())
n = c.extensions.get_extension_for_class(x509.CRLNumber)
print(n.value.crl_number)" "$1"
}

check "carol enrolls with getcert-enroll (challenge password)" \
	enroll /plain/scep carol --identity carol@strongswan.org \
	--subject "CN=carol"
pem2der "$C/carol.pem" "$D/cert.der"
cp "$D/replies/reply-1.der" "$D/certrep.der" 2>/dev/null
check "the issued certificate is DER (cryptography and strict walker)" \
	python3 "$DERCHECK" --cert "$D/cert.der"
check "the raw CertRep of the PKCSReq is DER" \
	python3 "$DERCHECK" --any "$D/certrep.der"
check "its SET OFs behind IMPLICIT tags are sorted, its signature is over them" \
	python3 "$DERCHECK" --cms "$D/certrep.der"
tb_exec carol curl -sf --max-time 10 --cacert "$CA" -o "$D/getcacert.der" \
	"$URL/plain/scep?operation=GetCACert"
# with an RA, GetCACert answers a certs-only SignedData (CA and RA)
check "the GetCACert reply is DER" \
	python3 "$DERCHECK" --any "$D/getcacert.der"
check "its certificates [0] are sorted" \
	python3 "$DERCHECK" --cms "$D/getcacert.der"

check "GetCRL without revocations" get_crl "$C/crl1.pem"
pem2der "$C/crl1.pem" "$D/crl-empty.der"
check "the CRL without revocations is DER" \
	python3 "$DERCHECK" --crl "$D/crl-empty.der"
check "it has no revokedCertificates field (RFC 5280 5.1.2.6)" \
	python3 "$DERCHECK" --crl-no-revoked "$D/crl-empty.der"
check "the GetCRL CertRep is DER" \
	python3 "$DERCHECK" --any "$(ls -t "$D"/replies/reply-*.der | head -1)"
check "a second GetCRL" get_crl "$C/crl2.pem"
pem2der "$C/crl2.pem" "$D/crl-again.der"
check "the cached CRL is served again: identical DER" \
	cmp "$D/crl-empty.der" "$D/crl-again.der"
check "getcertd signed one CRL so far" \
	grep_cmd "^1$" grep -c "signed CRL number" "$W/der.log"

check "dave enrolls (to be revoked)" \
	enroll /plain/scep dave --identity dave@strongswan.org --subject "CN=dave"
serial=$(openssl x509 -in "$C/dave.pem" -noout -serial | cut -d= -f2)
check "the operator revokes dave's certificate" \
	tb_getcertd winnetou der revoke "$serial"
check "GetCRL after the revocation" get_crl "$C/crl3.pem"
pem2der "$C/crl3.pem" "$D/crl-revoked.der"
check "the CRL with a revocation is DER" \
	python3 "$DERCHECK" --crl "$D/crl-revoked.der"
check "a new CRL lists dave's serial" \
	grep_cmd "Serial Number: $serial" \
	openssl crl -in "$D/crl-revoked.der" -inform der -noout -text \
	-CAfile "$CA"
check "its CRL number is the next one" \
	[ "$(crl_number "$D/crl-revoked.der")" -gt \
	  "$(crl_number "$D/crl-empty.der")" ]

# hand-broken copies: each deviation must fail the check
python3 - "$D" <<'EOF_PY'
import sys
d = sys.argv[1]
def rd(n):
    return open('%s/%s' % (d, n), 'rb').read()
def wr(n, b):
    open('%s/%s' % (d, n), 'wb').write(b)
cert = rd('cert.der')
assert cert[1] == 0x82
# outer length in long form with a leading zero octet
wr('bad-length.der', b'\x30\x83\x00' + cert[2:])
crl = rd('crl-revoked.der')
wr('bad-trailing.der', crl + b'\x00')
rep = rd('certrep.der')
wr('bad-certrep.der', rep + b'\x05\x00')
ca = rd('getcacert.der')
wr('bad-cacert.der', b'\x30\x83\x00' + ca[2:])
wr('bad-integer.der', bytes.fromhex('3004020200 01'.replace(' ', '')))
wr('bad-boolean.der', bytes.fromhex('30030101 01'.replace(' ', '')))
wr('bad-set.der', bytes.fromhex('3106 020102 020101'.replace(' ', '')))
wr('bad-time.der', b'\x30\x0f\x17\x0d' + b'2601010000000')
wr('bad-bits.der', bytes.fromhex('30040302 0181'.replace(' ', '')))
wr('bad-octets.der', bytes.fromhex('3006 2404 04020000'.replace(' ', '')))
wr('empty-seq-crl.der', crl)
EOF_PY
check "a certificate with a non-minimal length fails" \
	not python3 "$DERCHECK" --cert "$D/bad-length.der"
check "a CRL with a trailing byte fails" \
	not python3 "$DERCHECK" --crl "$D/bad-trailing.der"
check "a CertRep with trailing bytes fails" \
	not python3 "$DERCHECK" --any "$D/bad-certrep.der"
check "a GetCACert reply with a non-minimal length fails" \
	not python3 "$DERCHECK" --any "$D/bad-cacert.der"
for bad in integer boolean set time bits octets; do
	check "the strict walker refuses a bad $bad" \
		not python3 "$DERCHECK" --any "$D/bad-$bad.der"
done
check "a CRL with revocations fails the no-revokedCertificates check" \
	not python3 "$DERCHECK" --crl-no-revoked "$D/crl-revoked.der"

# EKU: no issued certificate passes as a TLS server certificate
EKUS="^ *TLS Web Client Authentication, "
EKUS="$EKUS(ipsec Internet Key Exchange|1.3.6.1.5.5.7.3.17)$"
check "carol's certificate: EKU clientAuth and ipsecIKE, no serverAuth" \
	grep_cmd "$EKUS" openssl x509 -in "$C/carol.pem" -noout -ext extendedKeyUsage
check "a certificate for winnetou's host name from the host policy" \
	enroll /host/scep host --identity hostie@strongswan.org \
	--subject "CN=hostie"
check "its subject is winnetou's host name" \
	grep_cmd "CN *= *winnetou.strongswan.org" \
	openssl x509 -in "$C/host.pem" -noout -subject
check "the control: a certificate from the eku = none policy" \
	enroll /noeku/scep noeku --identity hostie2@strongswan.org \
	--subject "CN=hostie2"
check "getcertd warned about eku = none at start" \
	grep_cmd "WARNING: getcertd.policies.noeku.eku = none" cat "$W/der.log"

# s_server <port> <cert> <key>: a TLS server in winnetou for 60 seconds
servers=
s_server()
{
	tb_exec winnetou timeout 60 openssl s_server -quiet -www \
		-accept "$1" -cert "$2" -key "$3" > "$W/s_server-$1.log" 2>&1 &
	servers="$servers $!"
}
s_server 4430 "$W/tlsCert.pem" "$W/tlsKey.pem"
s_server 4431 "$C/carol.pem" "$C/carol.key"
s_server 4432 "$C/host.pem" "$C/host.key"
s_server 4433 "$C/noeku.pem" "$C/noeku.key"
for port in 4430 4431 4432 4433; do
	tb_wait 10 tb_exec winnetou bash -c "ss -ltn | grep -q ':$port '"
done
https()
{
	tb_exec carol curl -s --max-time 10 -o /dev/null --cacert "$CA" \
		"https://winnetou.strongswan.org:$1/"
}
s_client()
{
	echo | tb_exec carol timeout 10 openssl s_client -verify_return_error \
		-verify_hostname winnetou.strongswan.org -CAfile "$CA" \
		-connect "winnetou.strongswan.org:$1" 2>&1
}
check "the setup: curl accepts winnetou's serverAuth certificate" https 4430
check "the setup: s_client accepts it" \
	grep_cmd "Verify return code: 0" s_client 4430
check "the control: curl accepts a host-named certificate without EKU" \
	https 4433
check "the control: s_client accepts it" \
	grep_cmd "Verify return code: 0" s_client 4433
check "curl refuses carol's certificate as a TLS server's" not https 4431
check "s_client refuses carol's certificate" not s_client 4431
check "curl refuses the host-named certificate getcertd issued" \
	not https 4432
check "s_client refuses it: unsuitable certificate purpose" \
	grep_cmd "unsuitable certificate purpose" not s_client 4432

# user names that look like host names or addresses
check "a challenge CN that is a host name is refused" \
	grep_cmd "badRequest" expect_rc 3 enroll /plain/scep h1 \
	--identity ca.example.org --subject "CN=ca.example.org"
check "getcertd logs the refused host name" \
	grep_cmd "user name 'ca.example.org' refused: looks like a host name" \
	cat "$W/der.log"
check "a challenge CN that is an IPv4 address is refused" \
	expect_rc 3 enroll /plain/scep h2 --identity 10.1.0.1 \
	--subject "CN=10.1.0.1"
check "getcertd logs the refused address" \
	grep_cmd "user name '10.1.0.1' refused: an IP address" cat "$W/der.log"
(umask 077; echo pw > "$C/password")
check "an HTTP Basic user named like a host is refused before RADIUS" \
	expect_rc 3 tb_exec carol timeout 60 "$ENROLL" \
	--url "$URL/scep" --ca-cert "$CA" --user www.strongswan.org \
	--password-file "$C/password" --identity www@strongswan.org \
	--out-key "$C/h3.key" --out-cert "$C/h3.pem"
check "getcertd logs it as an invalid user name" \
	grep_cmd "user name 'www.strongswan.org' refused: looks like a host name" \
	cat "$W/der.log"
check "a dotted RADIUS-style name (john.doe) is refused by default" \
	expect_rc 3 enroll /plain/scep jd --identity john.doe@strongswan.org \
	--subject "CN=john.doe"

# allow_dotted_users = yes lets john.doe enroll (EKU still protects)
tb_getcertd_conf winnetou dotted 8082 no "allow_dotted_users = yes"
tb_getcertd_start winnetou dotted || return 1
check "with allow_dotted_users, john.doe enrolls" \
	tb_exec carol timeout 60 "$ENROLL" --plain-http \
	--ra-fingerprint "$(tb_ra_fingerprint)" \
	--url "http://winnetou.strongswan.org:8082/plain/scep" \
	--ca-cert "$CA" --challenge-file "$C/challenge" --identity john.doe@strongswan.org \
	--subject "CN=john.doe" --out-key "$C/jd.key" --out-cert "$C/jd.pem"
check "but not as an IP address" \
	expect_rc 3 tb_exec carol timeout 60 "$ENROLL" --plain-http \
	--ra-fingerprint "$(tb_ra_fingerprint)" \
	--url "http://winnetou.strongswan.org:8082/plain/scep" \
	--ca-cert "$CA" --challenge-file "$C/challenge" --identity 10.1.0.2 \
	--subject "CN=10.1.0.2" --out-key "$C/ip.key" --out-cert "$C/ip.pem"

# a policy that asks for serverAuth is a configuration error
tb_getcertd_conf winnetou server 8083 no "policies {
		server {
			path = /server/scep
			subject = CN=%u
			auth = challenge
			challenge_password = secret
			eku = serverAuth
		}
	}"
check "eku = serverAuth: getcertd refuses to start" \
	grep_cmd "eku: serverAuth refused" not tb_exec winnetou timeout 20 \
	"$TB_GETCERTD" --config "$W/server.conf" --foreground

# end the background jobs started here (and their children) by PID
for job in $servers $proxy; do
	for pid in $(ps -o pid= --ppid "$job") $job; do
		kill "$pid" 2>/dev/null
	done
done
tb_getcertd_stop winnetou dotted
tb_getcertd_stop winnetou der
check "getcertd removed its pid file on shutdown" not test -e "$W/der.pid"
