#!/bin/bash
#
# Benchmark: getcertd under sustained load. In the test bed (getcertd over
# TLS on winnetou with its default settings, build/bench/scep_load on
# carol), SCEP issuance for DURATION seconds: rounds of CHUNK PKCSReq, CONC
# in flight, a new TLS connection each, until the time is up. getcertd's
# resident memory (VmRSS) is sampled every SAMPLE seconds throughout.
#
# Prints per round the rate and errors, then: requests, errors, the RSS
# after the first round (the working set, warm) and at the end, its
# maximum, the growth from the first round to the end, and the slope of a
# least-squares line through the samples after the first round (KiB per
# minute). Exits non-zero if a request failed or the RSS grew by more than
# MAX_GROWTH KiB (2048) after the first round: memory must stay flat.
#
# usage: bench/sustained.sh [DURATION]    (seconds, default 600)
# environment: CHUNK (5000), CONC (16), NKEYS (32), SAMPLE (5)
# Run as root after testing/build.sh.

set -u

DURATION=${1:-600}
CHUNK=${CHUNK:-5000}
CONC=${CONC:-16}
NKEYS=${NKEYS:-32}
SAMPLE=${SAMPLE:-5}
MAX_GROWTH=${MAX_GROWTH:-2048}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TB_DIR=${GETCERT_LOGDIR:-$ROOT/build}/bench-sustained
rm -rf "$TB_DIR"
. "$ROOT/testing/testbed.sh"
. "$ROOT/testing/servers.sh"
. "$ROOT/testing/getcertd.sh"
. "$ROOT/bench/lib.sh"
SAMPLER=""
cleanup()
{
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null && wait "$SAMPLER" 2>/dev/null
	tb_teardown
}
trap cleanup EXIT
trap 'exit 130' INT TERM


bench_testbed || exit 1

tb_getcertd_conf winnetou sustained 443 yes || exit 1
getcertd_start sustained || exit 1
PID=$(getcertd_pid sustained) || { log "no getcertd process"; exit 1; }
warmup "$R/warmup" "$GURL" "$PKI/caCert.pem" "$PKI/raCert.pem" || exit 1

# VmRSS (KiB) with the seconds since the start, every SAMPLE seconds
(
	t0=$SECONDS
	while [ -r "/proc/$PID/status" ]; do
		echo "$((SECONDS - t0)) $(awk '/^VmRSS/ { print $2 }' /proc/$PID/status)"
		sleep "$SAMPLE"
	done
) > "$R/rss" &
SAMPLER=$!

log "sustained: rounds of $CHUNK requests, $CONC in flight, new connection" \
	"each, for ${DURATION}s (getcertd pid $PID)"
START=$SECONDS
round=0 requests=0 errors=0 rss_first="" t_first=0
while [ $((SECONDS - START)) -lt "$DURATION" ]; do
	round=$((round + 1))
	load "$R/round-$round" 900 --cacert "$PKI/caCert.pem" --new-connections \
		--ra "$PKI/raCert.pem" --prefix "r$round" "$GURL" "$PKI/caCert.pem" \
		"$CHUNK" "$CONC" secret "$NKEYS" > /dev/null
	rc=$?
	if [ $rc -gt 1 ] || [ ! -r "/proc/$PID/status" ]; then
		log "round $round failed (scep_load exit $rc, getcertd alive:" \
			"$([ -r "/proc/$PID/status" ] && echo yes || echo no)):"
		tail -5 "$R/round-$round.err" >&2
		errors=$((errors + CHUNK))
		break
	fi
	n=$(field ok "$R/round-$round")
	e=$(field errors "$R/round-$round")
	requests=$((requests + CHUNK))
	errors=$((errors + e))
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/$PID/status)
	if [ -z "$rss_first" ]; then
		rss_first=$rss
		t_first=$((SECONDS - START))
	fi
	printf 'round %3d at %4ds: %s certs/s, %s ok, %s errors, RSS %s MiB\n' \
		"$round" "$((SECONDS - START))" "$(field rate "$R/round-$round")" \
		"$n" "$e" "$(mib "$rss")"
done
ELAPSED=$((SECONDS - START))
RSS_END=$(awk '/^VmRSS/ { print $2 }' /proc/$PID/status 2>/dev/null)
kill "$SAMPLER" 2>/dev/null
wait "$SAMPLER" 2>/dev/null
SAMPLER=""
ISSUED=$(grep -c 'PKIOperation PKCSReq .*result=issued status=200' \
	"$TB_DIR/winnetou/sustained.log")
getcertd_stop sustained

# samples after the first round: maximum and least-squares slope
read -r RSS_MAX SLOPE < <(awk -v t0="$t_first" '$1 >= t0 && $2 > 0 {
		n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2
		if ($2 > max) max = $2
	}
	END {
		d = n * sxx - sx * sx
		printf "%d %.1f\n", max, (n > 1 && d > 0) ? 60 * (n * sxy - sx * sy) / d : 0
	}' "$R/rss")
GROWTH=$(( ${RSS_END:-0} - ${rss_first:-0} ))

echo
echo "getcertd sustained load: ${ELAPSED}s, $round rounds of $CHUNK PKCSReq,"
echo "$CONC in flight, new TLS connection each, RSA 2048 CA and client keys"
printf 'requests %d, errors %d, issued (getcertd log) %d\n' \
	"$requests" "$errors" "$ISSUED"
printf 'RSS after round 1: %s MiB; at the end: %s MiB; maximum after round 1: %s MiB\n' \
	"$(mib "$rss_first")" "$(mib "$RSS_END")" "$(mib "$RSS_MAX")"
printf 'RSS growth after round 1: %d KiB; slope %s KiB/min (samples every %ss in %s)\n' \
	"$GROWTH" "$SLOPE" "$SAMPLE" "$R/rss"
[ "$errors" -eq 0 ] && [ "$GROWTH" -le "$MAX_GROWTH" ]
