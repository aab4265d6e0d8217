# the client: everything it emits is canonical DER

PROBE=$TB_ROOT/../build/src/libgetcert/tests/scep_probe
DERCHECK=$TB_ROOT/der-check.py
D=$TB_DIR/client
mkdir -p "$D"

# the client's engine against the in-process test CA with an RA, which
# keeps every request, its decrypted content and self-signed signers
check "the engine sends its seven requests" \
	"$PROBE" emit "$D"

# <n>-<messageType>: what each request is
REQUESTS="1-19:PKCSReq-with-subjectAltName-and-challengePassword
2-20:CertPoll 3-17:RenewalReq-with-subjectAltName 4-21:GetCert 5-22:GetCRL
6-19:PKCSReq-with-challengePassword-only
7-19:PKCSReq-with-a-long-challengePassword"
for r in $REQUESTS; do
	n=${r%%:*}
	what=$(echo "${r#*:}" | tr - ' ')
	check "$what: the PKIMessage is DER, signed attributes sorted as signed" \
		python3 "$DERCHECK" --cms "$D/$n.der"
	case $n in
		*-19|*-17)
			check "$what: the PKCS#10 request in it is DER" \
				python3 "$DERCHECK" --csr "$D/$n-content.der"
			;;
		*)
			check "$what: its IssuerAndSerialNumber/IssuerAndSubject is DER" \
				python3 "$DERCHECK" --any "$D/$n-content.der"
			;;
	esac
done
for n in 1-19 2-20 6-19 7-19; do
	check "the self-signed certificate signing $n is DER" \
		python3 "$DERCHECK" --cert "$D/$n-signer.der"
done

# helpers on der-check.py's walker:
#   envelope <dir> <n>: take the envelope out of the SignedData <n>.der,
#     write it as <n>-envelope.der, decrypt it with python3-cryptography
#     and compare with what the CA read
#   swap <in> <out> csr|cms: swap the first two elements of the attributes
#     of a request or of the signed attributes of a PKIMessage
cat > "$D/client.py" <<'EOF_PY'
import importlib.util, sys
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_der_private_key
from cryptography.hazmat.primitives.serialization import pkcs7
spec = importlib.util.spec_from_file_location('dercheck', sys.argv[1])
dc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dc)
def signer_info(msg):
    sd = dc.children(dc.children(msg, 'm')[1], 'm')[0]
    return sd, dc.children(dc.children(sd, 'sd')[-1], 'sis')[0]
def envelope(d, n):
    msg = open('%s/%s.der' % (d, n), 'rb').read()
    sd, _ = signer_info(msg)
    encap = dc.children(dc.children(sd, 'sd')[2], 'encap')
    octets = dc.children(encap[1], 'encap')[0]
    _, _, _, start, end = dc.header(octets, 0, 'encap')
    env = octets[start:end]
    open('%s/%s-envelope.der' % (d, n), 'wb').write(env)
    cert = x509.load_der_x509_certificate(
        open(d + '/recipient.der', 'rb').read())
    key = load_der_private_key(
        open(d + '/recipient-key.der', 'rb').read(), None)
    plain = pkcs7.pkcs7_decrypt_der(env, cert, key, [])
    if plain != open('%s/%s-content.der' % (d, n), 'rb').read():
        sys.exit('%s: decrypted content differs' % n)
def swap(src, out, kind):
    data = open(src, 'rb').read()
    if kind == 'csr':
        info = dc.children(data, 'csr')[0]
        attrs = dc.children(info, 'info')[3]
    else:
        attrs = dc.children(signer_info(data)[1], 'si')[3]
    a, b = dc.children(attrs, 'set')[:2]
    at = data.index(a + b)
    open(out, 'wb').write(data[:at] + b + a + data[at + len(a) + len(b):])
globals()[sys.argv[2]](*sys.argv[3:])
EOF_PY
for r in $REQUESTS; do
	n=${r%%:*}
	check "$n: python3-cryptography decrypts the envelope to the request" \
		python3 "$D/client.py" "$DERCHECK" envelope "$D" "$n"
	check "$n: the EnvelopedData is DER" \
		python3 "$DERCHECK" --cms "$D/$n-envelope.der"
done

# hand-broken copies: the first two attributes of a SET OF swapped
check "the setup: a request with its attributes swapped" \
	python3 "$D/client.py" "$DERCHECK" swap "$D/7-19-content.der" \
	"$D/bad-csr.der" csr
check "the setup: a PKIMessage with its signed attributes swapped" \
	python3 "$D/client.py" "$DERCHECK" swap "$D/1-19.der" "$D/bad-cms.der" cms
check "a request with its attributes swapped fails the check" \
	not python3 "$DERCHECK" --csr "$D/bad-csr.der"
check "a PKIMessage with its signed attributes swapped fails the check" \
	not python3 "$DERCHECK" --cms "$D/bad-cms.der"

# getcert-enroll's output files, from getcertd: key, certificate and CRL
. "$TB_ROOT/servers.sh"
. "$TB_ROOT/getcertd.sh"
C=$TB_DIR/carol
ENROLL=$TB_ROOT/../build/src/getcert-enroll/getcert-enroll
URL=http://winnetou.strongswan.org:8080/plain/scep
mkdir -p "$C"
tb_getcertd_conf winnetou plain 8080 no
tb_getcertd_start winnetou plain || return 1
check "carol enrolls with getcert-enroll (SAN and challengePassword)" \
	tb_exec carol env GETCERT_CHALLENGE=secret timeout 60 "$ENROLL" \
	--plain-http --url "$URL" --ca-cert "$TB_DIR/pki/caCert.pem" \
	--ra-fingerprint "$(tb_ra_fingerprint)" \
	--identity carol@strongswan.org --subject "CN=carol" \
	--out-key "$C/carol.key" --out-cert "$C/carol.pem"
check "getcert-enroll fetches the CRL" \
	tb_exec carol timeout 60 "$ENROLL" --plain-http --url "$URL" \
	--ca-cert "$TB_DIR/pki/caCert.pem" --ra-fingerprint "$(tb_ra_fingerprint)" \
	--renew-cert "$C/carol.pem" \
	--renew-key "$C/carol.key" --identity carol@strongswan.org \
	--get-crl "$C/crl.pem"
# PEM to DER without re-encoding
for f in carol.key carol.pem crl.pem; do
	sed -n '/^-----BEGIN/,/^-----END/{/^-----/d;p}' "$C/$f" |
		base64 -d > "$D/out-$f.der"
done
check "the key getcert-enroll writes is DER" \
	python3 "$DERCHECK" --any "$D/out-carol.key.der"
check "the certificate it writes is DER" \
	python3 "$DERCHECK" --cert "$D/out-carol.pem.der"
check "the CRL it writes is DER" \
	python3 "$DERCHECK" --crl "$D/out-crl.pem.der"
tb_getcertd_stop winnetou plain
