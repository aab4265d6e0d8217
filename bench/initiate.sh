#!/bin/bash
#
# Benchmark: what enrollment adds to the connection path. In the test bed
# (getcertd over TLS on winnetou, FreeRADIUS on alice, the configuration of
# the charon-enroll scenario), N times: a fresh charon on carol (restarted,
# untimed), `swanctl --initiate` that must enroll first (timed), the IKE_SA
# terminated, then `swanctl --initiate` again with the certificate in
# memory (timed). Reports the median of each, the milliseconds enrollment
# adds and the ratio, the plugin's own "(N ms)", and per enrollment the HTTP
# requests (getcertd's log) and TLS handshakes (TCP connections winnetou
# accepted, /proc/net/snmp PassiveOpens of its namespace).
#
# usage: bench/initiate.sh [N]     (N runs, default 10)
# Run as root after testing/build.sh (testing/test.sh does that).

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

tb_net_up || exit 1
tb_pki || exit 1
tb_getcert_ca || exit 1
PKI=$TB_DIR/pki
tb_getcert_hosts "$PKI/caCert.pem" no || exit 1
C=$TB_DIR/carol
GLOG=$TB_DIR/winnetou/tls.log

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

# getcertd's request lines from carol
requests()
{
	grep -c "^192\.168\.0\.100 " "$GLOG"
}

enroll=()
again=()
plugin=()
req=0
hs=0
for i in $(seq "$N"); do
	[ "$i" = 1 ] || tb_charon_stop carol
	tb_charon_start carol "$HOSTS" || exit 1
	r0=$(requests)
	a0=$(tb_tcp_accepts winnetou)
	ms=$(initiate) || fail "run $i: initiate with enrollment"
	enroll+=("$ms")
	req=$((req + $(requests) - r0))
	hs=$((hs + $(tb_tcp_accepts winnetou) - a0))
	[ "$(gc_log_ms carol enrolled | wc -l)" = 1 ] ||
		fail "run $i: not exactly one 'enrolled' line in carol's log"
	plugin+=("$(gc_log_ms carol enrolled)")
	terminate || fail "run $i: terminate"
	ms=$(initiate) || fail "run $i: initiate with the certificate in memory"
	again+=("$ms")
	[ "$(gc_log_ms carol enrolled | wc -l)" = 1 ] ||
		fail "run $i: the second initiate enrolled again"
	terminate || fail "run $i: terminate"
	printf 'run %2d: %5d ms enrolling, %5d ms provisioned\n' "$i" \
		"${enroll[-1]}" "${again[-1]}" >&2
done

E=$(printf '%s\n' "${enroll[@]}" | median)
A=$(printf '%s\n' "${again[@]}" | median)
P=$(printf '%s\n' "${plugin[@]}" | median)
echo
echo "swanctl --initiate on carol, $N runs, getcertd over TLS, RSA 2048 keys"
printf '%-44s %10s\n' "" "median ms"
printf '%-44s %10s\n' "initiate, must enroll first" "$E"
printf '%-44s %10s\n' "initiate, certificate in memory" "$A"
printf '%-44s %10s\n' "added by enrollment" "$((E - A))"
printf '%-44s %10s\n' "enrollment as the plugin logs it" "$P"
awk -v e="$E" -v a="$A" 'BEGIN { printf "%-44s %10.2f\n", "ratio enrolling / provisioned", (a ? e / a : 0) }'
awk -v r="$req" -v h="$hs" -v n="$N" 'BEGIN {
	printf "%-44s %10.1f\n", "HTTP requests per enrollment (getcertd log)", r / n
	printf "%-44s %10.1f\n", "TLS handshakes per enrollment (TCP accepts)", h / n }'
echo "(wall time of swanctl --initiate, key generation included; the"
echo " charon restart before each enrolling initiate is not timed)"
