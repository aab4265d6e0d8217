#!/bin/bash
#
# Run test bed scenarios: each directory below testing/scenarios holds a
# description, the hosts' configuration (hosts/<host>/...) and data files in
# the form of strongSwan's testing/ (see evaltest.sh): pretest.dat starts the
# daemons, evaltest.dat lists the checks, posttest.dat cleans up. Where a
# check needs timing (loops, concurrent initiations), evaluate.sh does it in
# shell, after evaltest.dat. Every scenario gets a fresh test bed that is
# always torn down.
#
# usage: run-scenarios.sh [scenario ...]     (default: all)
# Prints one PASS/FAIL line per scenario and ends with
# "scenarios: N passed, N failed"; exits non-zero if any failed.
#
# Environment: GETCERT_LOGDIR (default build/testbed) keeps each scenario's
# logs; SCENARIO_TIMEOUT (default 300 s) bounds a scenario.

set -u

ROOT=$(cd "$(dirname "$0")" && pwd)
# canonical: the deb-* scenarios compare it with paths the kernel shows
# (/proc/PID/root, /proc/PID/maps), which have no ".."
LOGDIR=$(realpath -m "${GETCERT_LOGDIR:-$ROOT/../build/testbed}")
SCENARIO_TIMEOUT=${SCENARIO_TIMEOUT:-300}

[ "$(id -u)" = 0 ] || { echo "run-scenarios: must run as root" >&2; exit 1; }

# check <description> <command...>: one check of a scenario
check()
{
	# the command may use any name but _tb_*
	local _tb_what=$1 _tb_output
	shift
	CHECKS=$((CHECKS + 1))
	if _tb_output=$("$@" 2>&1); then
		echo "    ok    $_tb_what"
	else
		echo "    FAIL  $_tb_what"
		printf '%s\n' "$_tb_output" | tail -15 | sed 's/^/          | /'
		CHECK_FAILED=1
	fi
	printf '### %s\n%s\n' "$_tb_what" "$_tb_output" >> "$TB_DIR/checks.log"
}

# grep_log <host> <regex> [timeout]: the host's charon log matches, waiting
# up to timeout seconds (default 5)
grep_log()
{
	local host=$1 re=$2 timeout=${3:-5}
	if ! tb_wait "$timeout" grep -Eq -- "$re" "$TB_DIR/$host/charon.log"; then
		echo "no line matching '$re' in $host's charon.log"
		return 1
	fi
	grep -E -m 3 -- "$re" "$TB_DIR/$host/charon.log"
}

# grep_cmd <regex> <command...>: the command succeeds and prints a match
grep_cmd()
{
	local re=$1 out
	shift
	out=$("$@" 2>&1) || { printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out" | grep -Eq -- "$re" && return 0
	printf '%s\n' "$out"
	echo "(no match for '$re')"
	return 1
}

# not <command...>: the command fails
not()
{
	! "$@"
}

# exactly <n> <command...>: the command prints n
exactly()
{
	local c
	c=$("${@:2}")
	echo "$c (expected $1)"
	[ "$c" = "$1" ]
}

# expect_rc <code> <command...>: the command exits with that code
expect_rc()
{
	local want=$1 rc
	shift
	"$@"
	rc=$?
	[ $rc -eq "$want" ] && return 0
	echo "(exit code $rc, expected $want)"
	return 1
}

# no_grep_log <host> <regex>: the host's charon log has no such line
no_grep_log()
{
	if grep -E -- "$2" "$TB_DIR/$1/charon.log"; then
		return 1
	fi
	return 0
}

run_scenario()
{
	local name=$1
	(
		SCENARIO=$ROOT/scenarios/$name
		TB_ID=$BASHPID
		TB_DIR=$LOGDIR/$name
		rm -rf "$TB_DIR"
		. "$ROOT/testbed.sh"
		trap tb_teardown EXIT
		trap 'exit 130' INT TERM
		CHECKS=0
		CHECK_FAILED=0
		tb_net_up || exit 1
		tb_pki || { tb_log "pki failed"; exit 1; }
		. "$ROOT/charon.sh"
		. "$ROOT/evaltest.sh"
		for f in "$ROOT"/checks/*.sh; do
			[ -f "$f" ] && . "$f"
		done
		PKI=$TB_DIR/pki
		if [ -f "$SCENARIO/pretest.dat" ]; then
			tb_eval_file "$SCENARIO/pretest.dat" pre ||
				{ tb_log "scenario setup failed"; exit 1; }
		fi
		if [ -f "$SCENARIO/evaltest.dat" ]; then
			tb_eval_file "$SCENARIO/evaltest.dat" eval
		fi
		if [ -f "$SCENARIO/evaluate.sh" ]; then
			. "$SCENARIO/evaluate.sh" ||
				{ tb_log "scenario setup failed"; exit 1; }
		fi
		if [ -f "$SCENARIO/posttest.dat" ]; then
			tb_eval_file "$SCENARIO/posttest.dat" post
		fi
		[ "$CHECKS" -gt 0 ] || { tb_log "scenario made no checks"; exit 1; }
		exit $CHECK_FAILED
	) &
	local pid=$! rc watchdog
	(
		trap 'kill $sleeper 2>/dev/null; exit 0' TERM
		sleep "$SCENARIO_TIMEOUT" </dev/null >/dev/null 2>&1 &
		sleeper=$!
		wait $sleeper
		echo "    FAIL  timeout after ${SCENARIO_TIMEOUT}s"
		kill -TERM $pid
	) 2>/dev/null &
	watchdog=$!
	wait $pid
	rc=$?
	kill $watchdog 2>/dev/null
	wait $watchdog 2>/dev/null
	return $rc
}

trap 'echo "run-scenarios: interrupted" >&2; kill -TERM $(jobs -p) 2>/dev/null; wait; exit 130' INT TERM

if [ $# -gt 0 ]; then
	scenarios="$*"
else
	scenarios=$(cd "$ROOT/scenarios" && ls -d */ | tr -d /)
fi

passed=0
failed=0
mkdir -p "$LOGDIR"
for s in $scenarios; do
	if [ ! -f "$ROOT/scenarios/$s/evaltest.dat" ] &&
	   [ ! -f "$ROOT/scenarios/$s/evaluate.sh" ]; then
		echo "FAIL  $s: no such scenario"
		failed=$((failed + 1))
		continue
	fi
	echo "scenario $s:"
	if run_scenario "$s"; then
		echo "PASS  $s"
		passed=$((passed + 1))
	else
		echo "FAIL  $s (logs in $LOGDIR/$s)"
		failed=$((failed + 1))
	fi
done

# nothing of any test bed may be left behind
left=$(ip netns list 2>/dev/null | grep -E '^gc[0-9]+-' || true)
left="$left$(ls -d /etc/netns/gc[0-9]*-* 2>/dev/null || true)"
if [ -n "$left" ]; then
	echo "FAIL  test bed cleanup: namespaces left: $left"
	failed=$((failed + 1))
fi

echo "scenarios: $passed passed, $failed failed"
[ $failed -eq 0 ]
