#!/bin/bash
#
# Run every test of getcert on this machine, from nothing: install the
# dependencies, build strongSwan (cached) and getcert, run the unit tests and
# the test bed scenarios. Ends with one line "N passed, N failed" and exits
# non-zero if anything failed.

set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

fail()
{
	echo "$*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

testing/deps.sh || fail "test: installing dependencies failed"
testing/build.sh || fail "test: build failed"

passed=0
failed=0

# unit tests: strongSwan's runner prints one + per passed and one - per
# failed test function (and loop iteration) after "Running case '...':",
# possibly continued on a line of its own
echo "== unit tests"
make -s -C build check > build/check.out 2>&1
unit_rc=$?
unit_pass=0
unit_fail=0
for log in build/src/libgetcert/tests/libgetcert_tests.log \
		   build/src/libcharon/plugins/getcert/tests/getcert_tests.log \
		   build/src/getcertd/tests/getcertd_tests.log; do
	if [ ! -f "$log" ]; then
		unit_fail=$((unit_fail + 1))
		continue
	fi
	grep -E "Running (suite|case)|Passed|Failure|Warning" "$log" | sed 's/^/  /'
	marks=$(awk '/^ +Running case .*: / { sub(/^[^:]*: /, ""); print; next }
				 /^[-+~!]+/ { match($0, /^[-+~!]+/);
							  print substr($0, 1, RLENGTH) }' "$log")
	unit_pass=$((unit_pass + $(printf '%s' "$marks" | tr -cd '+~' | wc -c)))
	unit_fail=$((unit_fail + $(printf '%s' "$marks" | tr -cd '!-' | wc -c)))
done
if [ $unit_rc -ne 0 ] && [ "$unit_fail" -eq 0 ]; then
	# the runner died or did not build: count that as a failure
	tail -30 build/check.out
	unit_fail=1
fi
echo "unit tests: $unit_pass passed, $unit_fail failed"
passed=$((passed + unit_pass))
failed=$((failed + unit_fail))

# fuzz targets: a bounded smoke run each (fuzz/README.md: long runs)
echo "== fuzz smoke (${FUZZ_SMOKE_SECONDS:-10} s per target)"
fuzz/run.sh "${FUZZ_SMOKE_SECONDS:-10}" > build/fuzz.out 2>&1
fuzz_rc=$?
grep -E '^(PASS|FAIL) ' build/fuzz.out | sed 's/^/  /'
fuzz_pass=$(grep -c '^PASS ' build/fuzz.out)
fuzz_fail=$(grep -c '^FAIL ' build/fuzz.out)
if [ $fuzz_rc -ne 0 ] && [ "$fuzz_fail" -eq 0 ]; then
	tail -20 build/fuzz.out
	fuzz_fail=1
fi
passed=$((passed + fuzz_pass))
failed=$((failed + fuzz_fail))

# the Debian packages, built as a user builds them (Debian's strongSwan
# source configured as Debian does, unit tests against Debian's libraries,
# lintian); the deb-* scenarios install them
echo "== Debian packages"
if testing/build-debs.sh "$ROOT/build/debs" > build/debs.out 2>&1; then
	echo "  PASS build-debs: $(ls build/debs | tr '\n' ' ')"
	passed=$((passed + 1))
else
	tail -30 build/debs.out | sed 's/^/  /'
	echo "  FAIL build-debs (log: build/debs.out, build/deb/build.log)"
	failed=$((failed + 1))
fi
export GETCERT_DEBS=$ROOT/build/debs
# the deb-* scenarios' Debian root with the stock strongSwan packages
# (cached in /var/cache/getcert), made before the scenarios' timeouts run
testing/debroot.sh cache > build/debroot.out 2>&1 ||
	{ tail -20 build/debroot.out; echo "test: making the Debian root failed"; }

echo "== scenarios"
# charon-renewal pings through 5 minutes of renewals when allowed 420 s
SCENARIO_TIMEOUT=${SCENARIO_TIMEOUT:-420} testing/run-scenarios.sh |
	tee build/scenarios.out
line=$(grep -E '^scenarios: [0-9]+ passed, [0-9]+ failed$' build/scenarios.out)
if [ -n "$line" ]; then
	set -- $line
	passed=$((passed + $2))
	failed=$((failed + $4))
else
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
