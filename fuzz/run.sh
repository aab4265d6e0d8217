#!/bin/bash
#
# Build the libgetcert fuzz targets (a fuzzing build, configure
# --enable-fuzzing CC=clang, in build/fuzzing) and run each of them on a
# temporary copy of its committed corpus (fuzz/corpus/<target>).
#
# usage: fuzz/run.sh [seconds] [target...]
#
#   seconds     time per target (default 10), ignored if FUZZ_RUNS is set
#   target      fuzz_caps fuzz_ca_certs fuzz_cms fuzz_certrep
#               fuzz_www_authenticate fuzz_scep_request fuzz_est_client
#               fuzz_est_keygen
#               fuzz_radius fuzz_getcertd fuzz_est fuzz_keypkg fuzz_spki
#               (default: all)
#
# environment:
#   FUZZ_RUNS=N         run N executions per target (-runs=N) instead
#   FUZZ_ARGS="..."     further libFuzzer options
#   FUZZ_KEEP_CORPUS=1  keep the grown corpus in fuzz/out/corpus/<target>
#   FUZZ_BUILD=DIR      the fuzzing build directory (default build/fuzzing),
#                       configured here if it is not yet
#
# Prints "PASS <target>: N runs ..." or "FAIL <target>: ..." per target and
# exits non-zero if any target crashed, leaked, timed out or did not run.
# Logs and reproducers stay in fuzz/out/logs and fuzz/out/artifacts.

set -u

FUZZ_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
ROOT=$(dirname "$FUZZ_DIR")
B=${FUZZ_BUILD:-$ROOT/build/fuzzing}
ALL_TARGETS="fuzz_caps fuzz_ca_certs fuzz_cms fuzz_certrep"
ALL_TARGETS+=" fuzz_www_authenticate fuzz_scep_request fuzz_est_client"
ALL_TARGETS+=" fuzz_est_keygen"
ALL_TARGETS+=" fuzz_radius fuzz_getcertd fuzz_est fuzz_keypkg fuzz_spki"

seconds=10
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
	seconds=$1
	shift
fi
targets="${*:-$ALL_TARGETS}"
for t in $targets; do
	case " $ALL_TARGETS " in
		*" $t "*) ;;
		*) echo "unknown target '$t' (known: $ALL_TARGETS)" >&2; exit 2 ;;
	esac
done
if [ -n "${FUZZ_RUNS:-}" ] && ! [[ "$FUZZ_RUNS" =~ ^[0-9]+$ ]]; then
	echo "FUZZ_RUNS must be a number" >&2
	exit 2
fi

mkdir -p "$FUZZ_DIR/out/logs" "$FUZZ_DIR/out/artifacts"
# configured once against the strongSwan tree of deps.sh, then make builds
# what changed
build()
{
	. "${GETCERT_CACHE:-/var/cache/getcert}/strongswan.env" || return 1
	cd "$ROOT" || return 1
	if [ ! -x configure ] || [ configure.ac -nt configure ]; then
		autoreconf -fi || return 1
	fi
	mkdir -p "$B" && cd "$B" || return 1
	if [ ! -f Makefile ] || [ "$ROOT/configure" -nt Makefile ] ||
	   ! grep -q "^strongswan_src = $SS_SRC\$" Makefile; then
		"$ROOT/configure" -q --enable-fuzzing --with-strongswan-src="$SS_SRC" \
			CC="${FUZZ_CC:-clang}" CFLAGS="-g -O1" || return 1
	fi
	# shellcheck disable=SC2086
	make -s -j"$(nproc)" -C fuzz $targets
}
if ! (build) >"$FUZZ_DIR/out/logs/build.log" 2>&1; then
	cat "$FUZZ_DIR/out/logs/build.log" >&2
	echo "FAIL build (log: $FUZZ_DIR/out/logs/build.log)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/getcert-fuzz.XXXXXX")
cleanup() {
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# leak detection on, UBSan findings are fatal (also compiled in)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

if [ -n "${FUZZ_RUNS:-}" ]; then
	bound="-runs=$FUZZ_RUNS"
else
	bound="-max_total_time=$seconds"
fi

failed=0
for t in $targets; do
	corpus="$tmp/$t/corpus"
	artifacts="$FUZZ_DIR/out/artifacts/$t"
	log="$FUZZ_DIR/out/logs/$t.log"
	mkdir -p "$corpus" "$artifacts"
	if [ -d "$FUZZ_DIR/corpus/$t" ]; then
		cp -r "$FUZZ_DIR/corpus/$t/." "$corpus/"
	fi
	# shellcheck disable=SC2086
	"$B/fuzz/$t" "$corpus" $bound -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} >"$log" 2>&1
	rc=$?
	done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)
	final=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	cov=$(sed -n 's/.*[[:space:]]cov: \([0-9]*\).*/\1/p' <<<"$final")
	ft=$(sed -n 's/.*[[:space:]]ft: \([0-9]*\).*/\1/p' <<<"$final")
	corp=$(sed -n 's/.*[[:space:]]corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$final")
	execs=$(sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p' <<<"$final")
	if [ $rc -eq 0 ] && [ -n "$done_line" ]; then
		runs=$(awk '{print $2}' <<<"$done_line")
		secs=$(awk '{print $5}' <<<"$done_line")
		echo "PASS $t: $runs runs in $secs s (exec/s: ${execs:-?}," \
			 "cov: ${cov:-?}, ft: ${ft:-?}, corp: ${corp:-?})"
		if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
			rm -rf "$FUZZ_DIR/out/corpus/$t"
			mkdir -p "$FUZZ_DIR/out/corpus"
			cp -r "$corpus" "$FUZZ_DIR/out/corpus/$t"
		fi
	else
		failed=1
		reason=$(grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|ERROR: libFuzzer' "$log")
		repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		echo "FAIL $t: exit $rc: ${reason:-no 'Done' line}"
		echo "     log: $log${repro:+, reproducer: $repro}"
	fi
done
exit $failed
