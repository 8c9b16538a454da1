#!/bin/sh
# Runs every test against one build directory: the CMocka unit tests in
# BUILD/tests/, then each suite script in tests/suites/ (sorted). A suite
# exits 0 (passed), 77 (skipped, with its reason on stderr) or anything
# else (failed). Usage: tests/run-checks.sh BUILD [unit|suites|NAME...]
set -u
B=${1:?usage: run-checks.sh BUILD [unit|suites|NAME...]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
export CMOCKA_MESSAGE_OUTPUT=${CMOCKA_MESSAGE_OUTPUT:-TAP}
export AACC_BUILD="$top/$B"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0 failed=0 skipped=0
failures=""

want() {
	[ $# -eq 0 ] && return 0
	for w in $sel; do
		case "$w" in
		unit) [ "$1" = unit ] && return 0 ;;
		suites) [ "$1" = suite ] && return 0 ;;
		"$2") return 0 ;;
		esac
	done
	return 1
}
sel="$*"

run_one() { # kind name command...
	kind=$1 name=$2
	shift 2
	if [ -n "$sel" ] && ! want "$kind" "$name"; then
		return
	fi
	echo "=== $kind $name"
	"$@"
	rc=$?
	case $rc in
	0) passed=$((passed + 1)); echo "--- ok $name" ;;
	77) skipped=$((skipped + 1)); echo "--- skipped $name" ;;
	*) failed=$((failed + 1)); failures="$failures $name"
	   echo "--- FAILED $name (exit $rc)" ;;
	esac
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one unit "$(basename "$t")" "$t"
done
for s in tests/suites/*.sh; do
	[ -f "$s" ] || continue
	run_one suite "$(basename "$s" .sh)" sh "$s" "$B"
done

echo
[ -n "$failures" ] && echo "failed:$failures"
echo "checks: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
