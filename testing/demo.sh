#!/bin/bash
#
# getcert demo: set up the test bed with the enrollment CA getcertd on
# winnetou and FreeRADIUS on alice, start the gateway moon and the client
# carol (real charons, carol with the getcert plugin). carol has no
# certificate: one `swanctl --initiate` enrolls a short-lived certificate
# over HTTPS/SCEP with her RADIUS password, the tunnel comes up and carol
# pings alice through it. Shows the certificate and what enrollment added
# to the initiate, then tears everything down.

set -uo pipefail

ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT/.."

testing/deps.sh || exit 1
testing/build.sh || exit 1

SCENARIO=$ROOT/scenarios/charon-enroll
TB_DIR=${GETCERT_LOGDIR:-$ROOT/../build/testbed}/demo
rm -rf "$TB_DIR"
. "$ROOT/testbed.sh"
. "$ROOT/charon.sh"
trap tb_teardown EXIT
trap 'exit 130' INT TERM

step()
{
	printf '\n== %s\n' "$*"
}

PKI=$TB_DIR/pki
C=$TB_DIR/carol

step "test bed: carol 192.168.0.100 -- moon 192.168.0.1 | 10.1.0.1 -- alice 10.1.0.10, CA winnetou 192.168.0.150"
tb_net_up || exit 1
tb_pki || exit 1

step "alice: FreeRADIUS (user carol, password carol-pw); winnetou: getcertd over HTTPS"
tb_getcert_ca || exit 1
grep "^policy 'radius'" "$TB_DIR/winnetou/tls.log"

step "moon and carol: charon; carol's connection 'home' is bound to the getcert profile 'carol'"
tb_getcert_hosts "$PKI/caCert.pem" yes || exit 1
grep -h "getcert:" "$C/charon.log"

step "carol: her certificates (none issued to her yet)"
tb_swanctl carol --list-certs | grep -E "subject:|^List" || true

step "carol: ping alice without a tunnel (no route, must fail)"
tb_exec carol ping -c 1 -W 1 10.1.0.10 && exit 1

step "carol: swanctl --initiate --child home (enrolls first)"
t0=$(now_ms)
tb_swanctl carol --initiate --child home --timeout 60 | tail -3 || exit 1
wall=$(( $(now_ms) - t0 ))
grep -h "getcert: profile 'carol'" "$C/charon.log"

step "carol: IKE and CHILD SAs"
tb_swanctl carol --list-sas

step "carol: ping alice through the tunnel"
tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10 || exit 1

step "carol's certificate"
tb_swanctl carol --list-certs --pem > "$C/certs.pem" 2>/dev/null
awk -v d="$C" '/-----BEGIN CERTIFICATE-----/ { n++ }
	n { print > (d "/listed-" n ".pem") }' "$C/certs.pem"
cert=""
for f in "$C"/listed-*.pem; do
	if openssl x509 -in "$f" -noout -subject 2>/dev/null | grep -q "CN *= *carol"; then
		cert=$f
		break
	fi
done
if [ -n "$cert" ]; then
	openssl x509 -in "$cert" -noout -subject -serial -startdate -enddate \
		-ext subjectAltName | sed 's/^/  /'
	nb=$(date -d "$(openssl x509 -in "$cert" -noout -startdate | cut -d= -f2)" +%s)
	na=$(date -d "$(openssl x509 -in "$cert" -noout -enddate | cut -d= -f2)" +%s)
	echo "  lifetime: $(( (na - nb) / 60 )) minutes (notBefore backdated by the CA's policy)"
else
	echo "  (not in swanctl --list-certs --pem; the plugin's log line:)"
	grep -h "getcert: profile 'carol': enrolled" "$C/charon.log" | sed 's/^/  /'
fi

step "what enrollment added"
ms=$(gc_log_ms carol enrolled | head -1)
echo "  enrollment (plugin's log): ${ms:-?} ms"
echo "  swanctl --initiate, enrollment included: $wall ms"

step "done; logs in $TB_DIR"
