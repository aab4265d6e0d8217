#!/bin/bash
#
# Benchmark: reboot storm against getcertd. The clients of a gateway that
# just rebooted all enroll at once: STORM (10000) SCEP PKCSReq, each on a new
# TLS connection (full handshake), all started within RAMP (1) second, by
# build/bench/scep_load in carol against a fresh getcertd on winnetou with
# its default connection settings (plus STORM_SETTINGS). Every answer is
# verified (CA signature, transactionID, nonce, SUCCESS, a certificate for
# the request's key) after the clock stops.
#
# Reports requests, errors, time to drain (first request started to last
# answer received), p50/p99/max latency, getcertd's peak RSS (VmHWM) and
# threads, and, sampled every second while the storm runs, the most
# connections getcertd had accepted and the longest listen queue the kernel
# held for it. An error is any request that did not end in a verified
# certificate: a connection the client gave up on (connect or total timeout
# TIMEOUT s; the kernel's SYN retransmissions meanwhile are no error), an
# HTTP status other than 200 (503 included: scep_load does not retry), an
# unverifiable answer. Exit status 0 only if errors = 0 and the peak RSS is
# at most MAX_RSS_MIB (128).
#
# With LIMITS="1000 5000 10000" the storm runs once per value with
# connection_limit set to it (and listen_backlog to the storm size), to
# measure getcertd's memory per accepted connection; the pass/fail applies
# to the default run only, which runs first.
#
# usage: bench/storm.sh
# environment: STORM (10000), RAMP (1, seconds), NKEYS (32 client keys),
#   TIMEOUT (300, client limit per request), MAX_RSS_MIB (128),
#   STORM_SETTINGS (extra getcertd settings lines, separated by ';'),
#   SOMAXCONN (net.core.somaxconn for winnetou's namespace, 16384 as
#   conf/getcertd.opt recommends for bursts beyond connection_limit + 4096;
#   empty: the namespace's own, 4096), LIMITS (see above)
# Run as root after testing/build.sh (getcertd and scep_load must be built).
# Starts no charon.

set -u

STORM=${STORM:-10000}
RAMP=${RAMP:-1}
NKEYS=${NKEYS:-32}
TIMEOUT=${TIMEOUT:-300}
MAX_RSS_MIB=${MAX_RSS_MIB:-128}
STORM_SETTINGS=${STORM_SETTINGS:-}
SOMAXCONN=${SOMAXCONN-16384}
LIMITS=${LIMITS:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TB_DIR=${GETCERT_LOGDIR:-$ROOT/build}/bench-storm
rm -rf "$TB_DIR"
. "$ROOT/testing/testbed.sh"
. "$ROOT/testing/getcertd.sh"
. "$ROOT/bench/lib.sh"
trap tb_teardown EXIT
trap 'exit 130' INT TERM


# sample getcertd while the storm runs, one line a second into <file>:
# threads, VmRSS kB, accepted connections, listen queue length
sample()
{
	local pid=$1 out=$2 ns est q
	ns=$(tb_ns winnetou)
	while kill -0 "$pid" 2>/dev/null; do
		# established on :443, of which Recv-Q of the listener are queued
		est=$(ip netns exec "$ns" ss -Htn state established '( sport = :443 )' | wc -l)
		q=$(ip netns exec "$ns" ss -Hltn '( sport = :443 )' | awk '{ print $2; exit }')
		echo "$(awk '/^Threads/ { t = $2 } /^VmRSS/ { r = $2 } END { print t, r }' \
			/proc/$pid/status 2>/dev/null) $(( est - ${q:-0} )) ${q:-0}" >> "$out"
		sleep 1
	done
}

# one storm: <name> [settings...]; results in $R/<name>*, summary line in
# $R/<name>.sum: rc hwm_kB threads max_accepted max_queue max_threads alive
storm()
{
	local name=$1 pid spid rc hwm threads alive=yes
	shift
	tb_getcertd_conf winnetou "$name" 443 yes "$@" || return 1
	tb_getcertd_start winnetou "$name" || return 1
	pid=$(getcertd_pid "$name") || { log "no getcertd process for $name"; return 1; }
	log "$name: $STORM requests within ${RAMP}s, new TLS connection each" \
		"(getcertd pid $pid, $(awk '/^VmRSS/ { print $2 }' /proc/$pid/status) kB" \
		"before; $(grep -o 'spawning .*' "$TB_DIR/winnetou/$name.log"))"
	sample "$pid" "$R/$name.samples" &
	spid=$!
	tb_exec carol timeout $((2 * TIMEOUT + 600)) sh -c \
		'ulimit -n 65536 2>/dev/null; exec "$@"' sh "$LOAD" \
		--cacert "$PKI/caCert.pem" --new-connections --ra "$PKI/raCert.pem" \
		--timeout "$TIMEOUT" --ramp "$RAMP" --prefix "$name" "$GURL" \
		"$PKI/caCert.pem" "$STORM" "$STORM" secret "$NKEYS" \
		> "$R/$name" 2> "$R/$name.err"
	rc=$?
	if [ -r "/proc/$pid/status" ]; then
		hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status)
		threads=$(awk '/^Threads/ { print $2 }' /proc/$pid/status)
	else
		alive=no
	fi
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	cat "$R/$name" >&2
	if [ "$rc" -ne 0 ] || [ "$alive" = no ]; then
		log "$name had errors (scep_load exit $rc, getcertd alive: $alive):"
		cat "$R/$name.err" >&2
		log "getcertd log, libmicrohttpd messages and failures:"
		{ grep '^http: ' "$TB_DIR/winnetou/$name.log"
		  grep -E 'answered 503|PKIOperation' "$TB_DIR/winnetou/$name.log" |
			grep -v 'result=issued status=200'; } |
			sed 's/^[^:]*: //' | sort | uniq -c | sort -rn | head -20 >&2
	fi
	echo "$rc ${hwm:-} ${threads:-} $(awk '$3 > a { a = $3 } $4 > q { q = $4 }
		$1 > t { t = $1 } END { print a + 0, q + 0, t + 0 }' \
		"$R/$name.samples" 2>/dev/null) $alive" > "$R/$name.sum"
	tb_getcertd_stop winnetou "$name"
}

# ---- test bed ---------------------------------------------------------------

bench_testbed || exit 1

if [ -n "$SOMAXCONN" ]; then
	tb_exec winnetou sysctl -qw net.core.somaxconn="$SOMAXCONN" || exit 1
fi
SOMAX=$(tb_exec winnetou cat /proc/sys/net/core/somaxconn)
SYNB=$(tb_exec winnetou cat /proc/sys/net/ipv4/tcp_max_syn_backlog)
PORTS=$(tb_exec carol cat /proc/sys/net/ipv4/ip_local_port_range | tr '\t' '-')
if [ $(( ${PORTS#*-} - ${PORTS%-*} )) -lt "$STORM" ]; then
	log "carol's ephemeral ports $PORTS are fewer than $STORM"
	exit 1
fi

settings=()
if [ -n "$STORM_SETTINGS" ]; then
	IFS=';' read -r -a settings <<< "$STORM_SETTINGS"
fi
storm storm "${settings[@]}" || exit 1
for l in $LIMITS; do
	storm "limit$l" "${settings[@]}" "connection_limit = $l" \
		"listen_backlog = $STORM" || exit 1
done

# ---- report -----------------------------------------------------------------

S=$R/storm
read -r RC HWM THREADS ACC QMAX TMAX ALIVE < "$S.sum"
echo
echo "reboot storm: $STORM SCEP enrollments started within ${RAMP}s, new TLS"
echo "connection each; getcertd on winnetou, scep_load on carol, $(nproc) CPUs"
printf 'requests %s, verified %s, errors %s\n' "$(field requests "$S")" \
	"$(field ok "$S")" "$(field errors "$S")"
printf 'started within %s s; time to drain (first start to last answer) %s s\n' \
	"$(field started_s "$S")" "$(field seconds "$S")"
printf 'latency p50 %s ms, p99 %s ms, max %s ms\n' "$(field p50_ms "$S")" \
	"$(field p99_ms "$S")" "$(field max_ms "$S")"
printf 'getcertd peak RSS (VmHWM) %s MiB (limit %s), threads %s (most seen %s)\n' \
	"$(mib "$HWM")" "$MAX_RSS_MIB" "${THREADS:--}" "$TMAX"
printf 'most connections accepted at once %s, longest listen queue %s\n' \
	"$ACC" "$QMAX"
printf 'somaxconn %s, tcp_max_syn_backlog %s (winnetou); settings: %s\n' \
	"$SOMAX" "$SYNB" "${STORM_SETTINGS:-defaults}"
printf 'getcertd log: %s issued, %s answered 503, %s libmicrohttpd messages\n' \
	"$(grep -c 'result=issued status=200' "$TB_DIR/winnetou/storm.log")" \
	"$(grep -c 'answered 503' "$TB_DIR/winnetou/storm.log")" \
	"$(grep -c '^http: ' "$TB_DIR/winnetou/storm.log")"
for l in $LIMITS; do
	read -r rc hwm threads acc qmax tmax alive < "$R/limit$l.sum"
	printf 'connection_limit %6s: peak RSS %6s MiB, most accepted %5s, errors %s, drain %s s\n' \
		"$l" "$(mib "$hwm")" "$acc" "$(field errors "$R/limit$l")" \
		"$(field seconds "$R/limit$l")"
done
[ "$ALIVE" = yes ] && [ "$(field errors "$S")" = 0 ] &&
	[ -n "$HWM" ] && [ "$HWM" -le $((MAX_RSS_MIB * 1024)) ]
