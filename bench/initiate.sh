#!/bin/bash
#
# Benchmark: what enrollment adds to the connection path, and EST with an
# ECDSA P-256 key against SCEP with an RSA-2048 key. In the test bed
# (getcertd over TLS on winnetou serving its radius policy over SCEP and
# EST, FreeRADIUS on alice, the configuration of the charon-enroll
# scenario), N rounds; each round measures both protocols, in alternating
# order (SCEP first in odd rounds, EST first in even ones) so that the
# machine's noise hits both alike. For each protocol: a fresh charon on
# carol (restarted, untimed; nothing persists, so it must enroll),
# `swanctl --initiate` that must enroll first (timed), the IKE_SA
# terminated, then `swanctl --initiate` again with the certificate in
# memory (timed, the provisioned anchor). The SCEP profile is the
# charon-enroll scenario's (RSA 2048, the default); the EST profile is the
# same with protocol = est, the EST base URL and key_type = ecdsa,
# key_size = 256.
#
# The plugin generates each profile's next key ahead (at load, and 1 s
# after one was taken): before each timed initiate the bench waits,
# untimed, for the plugin's "next <type> key ready" line, so the enrolling
# initiate takes a ready key (checked: "using the ... key ... generated
# ahead") and no key generation runs during the provisioned one.
#
# Reports, as before, for SCEP/RSA: the median of each, the milliseconds
# enrollment adds and the ratio, the plugin's own "(N ms)", and per
# enrollment the HTTP requests (getcertd's log) and TLS handshakes (TCP
# connections winnetou accepted, /proc/net/snmp PassiveOpens of its
# namespace); then the same for EST/ECDSA, the ratio EST/SCEP (of the
# medians, and the median of the per-round ratios) and each enrolling
# initiate against the provisioned ones.
#
# usage: bench/initiate.sh [N]     (N rounds, default 10)
# Run as root after testing/build.sh (testing/test.sh does that); the
# charons load the shared installed plugin: hold /work/charon.lock.

set -u

N=${1:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TB_DIR=${GETCERT_LOGDIR:-$ROOT/build}/bench-initiate
rm -rf "$TB_DIR"
. "$ROOT/testing/testbed.sh"
. "$ROOT/testing/charon.sh"
trap tb_teardown EXIT
trap 'exit 130' INT TERM

SCENARIO=$ROOT/testing/scenarios/charon-enroll
HOSTS=$SCENARIO/hosts
[ -x "$TB_GETCERTD" ] || { echo "build first: testing/build.sh" >&2; exit 1; }

# carol's EST profile: charon-enroll's with only the protocol, the URL and
# the key changed
EST_HOSTS=$TB_DIR/est-hosts
mkdir -p "$EST_HOSTS/carol/swanctl"
cp "$HOSTS/carol/swanctl/swanctl.conf" "$EST_HOSTS/carol/swanctl/"
sed -e 's|^\([[:space:]]*\)url = https://winnetou.strongswan.org/scep$|\1protocol = est\n\1url = https://winnetou.strongswan.org\n\1key_type = ecdsa\n\1key_size = 256|' \
	"$HOSTS/carol/strongswan.conf" > "$EST_HOSTS/carol/strongswan.conf"
grep -q 'protocol = est' "$EST_HOSTS/carol/strongswan.conf" ||
	{ echo "FAIL: no EST profile made from $HOSTS/carol/strongswan.conf" >&2; exit 1; }

tb_net_up || exit 1
tb_pki || exit 1
# the radius policy on /scep and on /.well-known/est/ (lifetime 10m: no
# renewal within a round)
tb_getcert_ca "policies {" "	radius {" "		est = yes" "	}" "}" || exit 1
PKI=$TB_DIR/pki
tb_getcert_hosts "$PKI/caCert.pem" no || exit 1
C=$TB_DIR/carol
GLOG=$TB_DIR/winnetou/tls.log
grep -q "policy 'radius' on /\.well-known/est/" "$GLOG" ||
	{ echo "FAIL: getcertd does not serve the radius policy over EST" >&2; exit 1; }

fail()
{
	echo "FAIL: $*" >&2
	tail -5 "$C/initiate.out" >&2
	exit 1
}

# initiate home in carol, the milliseconds it took on stdout
initiate()
{
	local t0
	t0=$(now_ms)
	tb_swanctl carol --initiate --child home --timeout 60 \
		>> "$C/initiate.out" 2>&1 || return 1
	echo $(( $(now_ms) - t0 ))
}

terminate()
{
	tb_swanctl carol --terminate --ike home --timeout 10 \
		>> "$C/initiate.out" 2>&1
}

median()
{
	sort -n | awk '{ v[NR] = $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
			  print int(m) }'
}

# median of real numbers, two decimals
fmedian()
{
	sort -g | awk '{ v[NR] = $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
			  printf "%.2f\n", m }'
}

# getcertd's request lines from carol
requests()
{
	grep -c "^192\.168\.0\.100 " "$GLOG"
}

# EST enrollments getcertd issued to carol
est_issued()
{
	grep -c "simpleenroll EST radius user=carol .*result=issued" "$GLOG"
}

# wait (untimed, up to 60 s) until carol's plugin logged "next $1 key
# ready" $2 times: the key of the next enrollment is generated
key_ready()
{
	local end=$((SECONDS + 60))
	until [ "$(grep -c "getcert: profile 'carol': next $1 key ready" \
			   "$C/charon.log")" -ge "$2" ]; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

# the HTTP requests of the last enrollment as the plugin counts them
plugin_requests()
{
	sed -n "s/.*getcert: profile 'carol': \([0-9]*\) HTTP requests, .*/\1/p" \
		"$C/charon.log" | tail -1
}

# one measurement of protocol $1 (scep|est) in round $2: a fresh charon,
# the enrolling initiate, the provisioned one; sets R_E, R_A, R_P (plugin
# ms), R_REQ, R_HS
charon_up=no
measure()
{
	local proto=$1 i=$2 hosts=$HOSTS r0 a0 p0 s0 ms key="RSA 2048 bits"
	local ready="RSA" bits=2048
	[ "$proto" = scep ] ||
		{ hosts=$EST_HOSTS; key="ECDSA 256 bits"; ready="ECDSA"; bits=256; }
	[ "$charon_up" = no ] || tb_charon_stop carol
	tb_charon_start carol "$hosts" || exit 1
	charon_up=yes
	key_ready "$ready" 1 ||
		fail "round $i $proto: no pre-generated $ready key within 60 s"
	r0=$(requests)
	a0=$(tb_tcp_accepts winnetou)
	p0=$(gc_pkcsreqs carol)
	s0=$(est_issued)
	ms=$(initiate) || fail "round $i $proto: initiate with enrollment"
	R_E=$ms
	R_REQ=$(( $(requests) - r0 ))
	R_HS=$(( $(tb_tcp_accepts winnetou) - a0 ))
	[ "$(gc_log_ms carol enrolled | wc -l)" = 1 ] ||
		fail "round $i $proto: not exactly one 'enrolled' line in carol's log"
	R_P=$(gc_log_ms carol enrolled)
	R_PREQ=$(plugin_requests)
	grep -q "getcert: profile 'carol': using the $ready key of $bits bits generated ahead" \
		"$C/charon.log" ||
		fail "round $i $proto: the enrollment did not take the pre-generated key"
	# enrolled over the protocol measured, nothing over the other one
	if [ "$proto" = scep ]; then
		[ "$(gc_pkcsreqs carol)" -gt "$p0" ] && [ "$(est_issued)" = "$s0" ] ||
			fail "round $i $proto: not enrolled over SCEP alone"
	else
		[ "$(est_issued)" = $((s0 + 1)) ] && [ "$(gc_pkcsreqs carol)" = "$p0" ] ||
			fail "round $i $proto: not enrolled over EST alone"
	fi
	terminate || fail "round $i $proto: terminate"
	# the next key, generated after the one taken, is done: the
	# provisioned initiate shares the CPU with no key generation
	key_ready "$ready" 2 ||
		fail "round $i $proto: no next $ready key after the enrollment"
	ms=$(initiate) || fail "round $i $proto: initiate with the certificate in memory"
	R_A=$ms
	[ "$(gc_log_ms carol enrolled | wc -l)" = 1 ] ||
		fail "round $i $proto: the second initiate enrolled again"
	terminate || fail "round $i $proto: terminate"
	# the key is of the type measured (untimed)
	tb_swanctl carol --list-certs 2>&1 | grep -A 12 'CN=carol"' |
		grep -q "$key, has private key" ||
		fail "round $i $proto: carol's certificate has no $key key"
}

enroll=()
again=()
plugin=()
req=0
hs=0
preq=0
est_preq=0
est_enroll=()
est_again=()
est_plugin=()
est_req=0
est_hs=0
ratios=()
for i in $(seq "$N"); do
	order="scep est"
	[ $((i % 2)) = 1 ] || order="est scep"
	for proto in $order; do
		measure "$proto" "$i"
		if [ "$proto" = scep ]; then
			enroll+=("$R_E"); again+=("$R_A"); plugin+=("$R_P")
			req=$((req + R_REQ)); hs=$((hs + R_HS))
			preq=$((preq + R_PREQ))
		else
			est_enroll+=("$R_E"); est_again+=("$R_A"); est_plugin+=("$R_P")
			est_req=$((est_req + R_REQ)); est_hs=$((est_hs + R_HS))
			est_preq=$((est_preq + R_PREQ))
		fi
	done
	ratios+=("$(awk -v e="${est_enroll[-1]}" -v s="${enroll[-1]}" \
		'BEGIN { printf "%.4f", (s ? e / s : 0) }')")
	printf 'run %2d: %5d ms enrolling, %5d ms provisioned\n' "$i" \
		"${enroll[-1]}" "${again[-1]}" >&2
	printf '        %5d ms enrolling over EST/ECDSA, %5d ms provisioned ECDSA (%s first)\n' \
		"${est_enroll[-1]}" "${est_again[-1]}" "${order%% *}" >&2
done

E=$(printf '%s\n' "${enroll[@]}" | median)
A=$(printf '%s\n' "${again[@]}" | median)
P=$(printf '%s\n' "${plugin[@]}" | median)
echo
echo "swanctl --initiate on carol, $N runs, getcertd over TLS, SCEP, RSA 2048"
echo "keys, the key of the enrollment pre-generated (ready before the initiate)"
printf '%-44s %10s\n' "" "median ms"
printf '%-44s %10s\n' "initiate, must enroll first" "$E"
printf '%-44s %10s\n' "initiate, certificate in memory" "$A"
printf '%-44s %10s\n' "added by enrollment (goal <= 15 ms)" "$((E - A))"
printf '%-44s %10s\n' "enrollment as the plugin logs it" "$P"
awk -v e="$E" -v a="$A" 'BEGIN { printf "%-44s %10.2f\n", "ratio enrolling / provisioned", (a ? e / a : 0) }'
awk -v r="$req" -v p="$preq" -v h="$hs" -v n="$N" 'BEGIN {
	printf "%-44s %10.1f\n", "HTTP requests per enrollment (getcertd log)", r / n
	printf "%-44s %10.1f\n", "  as the plugin counts them (goal <= 3)", p / n
	printf "%-44s %10.1f\n", "TLS handshakes per enrollment (TCP accepts)", h / n }'
echo "(wall time of swanctl --initiate; the charon restart before each"
echo " enrolling initiate and the wait for the pre-generated key are not"
echo " timed)"

XE=$(printf '%s\n' "${est_enroll[@]}" | median)
XA=$(printf '%s\n' "${est_again[@]}" | median)
XP=$(printf '%s\n' "${est_plugin[@]}" | median)
XR=$(printf '%s\n' "${ratios[@]}" | fmedian)
echo
echo "same rounds, interleaved (SCEP first in odd rounds, EST in even ones):"
echo "EST (RFC 7030), ECDSA P-256 keys, same getcertd policy"
printf '%-44s %10s\n' "" "median ms"
printf '%-44s %10s\n' "EST initiate, must enroll first" "$XE"
printf '%-44s %10s\n' "EST initiate, certificate in memory" "$XA"
printf '%-44s %10s\n' "added by EST enrollment" "$((XE - XA))"
printf '%-44s %10s\n' "EST enrollment as the plugin logs it" "$XP"
awk -v r="$est_req" -v p="$est_preq" -v h="$est_hs" -v n="$N" 'BEGIN {
	printf "%-44s %10.1f\n", "HTTP requests per EST enrollment", r / n
	printf "%-44s %10.1f\n", "  as the plugin counts them", p / n
	printf "%-44s %10.1f\n", "TLS handshakes per EST enrollment", h / n }'
awk -v e="$E" -v a="$A" -v xe="$XE" -v xa="$XA" -v p="$P" -v xp="$XP" -v r="$XR" 'BEGIN {
	printf "%-44s %10.2f\n", "ratio EST / SCEP enrolling initiate", (e ? xe / e : 0)
	printf "%-44s %10.2f\n", "  median of the per-round ratios", r
	printf "%-44s %10.2f\n", "ratio EST / SCEP as the plugin logs it", (p ? xp / p : 0)
	printf "%-44s %10.2f\n", "ratio SCEP enrolling / RSA provisioned", (a ? e / a : 0)
	printf "%-44s %10.2f\n", "ratio EST enrolling / ECDSA provisioned", (xa ? xe / xa : 0)
	printf "%-44s %10.2f\n", "ratio EST enrolling / RSA provisioned", (a ? xe / a : 0) }'
