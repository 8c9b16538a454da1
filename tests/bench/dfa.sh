#!/bin/sh
# The DFA-engine benchmark of issue 3 (`make bench-dfa`): generates the rule
# sets of dfa_gen.py, times aa-dfa and Debian's apparmor_parser 3.0.8 on
# each, cross-checks aa-dfa's answers against aaglob.py and writes the table
# to BUILD/bench-dfa.txt (raw figures in BUILD/bench-dfa.json). Not a test.
# Usage: tests/bench/dfa.sh BUILD [dfa_bench.py options, e.g. --cases lit1k]
# Environment: APPARMOR_PARSER (default /sbin/apparmor_parser).
set -u
B=${1:?usage: tests/bench/dfa.sh BUILD [options]}
shift
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
case $B in
/*) ;;
*) B=$top/$B ;;
esac
if [ ! -x "$B/aa-dfa" ]; then
	echo "bench-dfa: $B/aa-dfa is not built" >&2
	exit 2
fi
if ! command -v python3 >/dev/null; then
	echo "bench-dfa: python3 is required" >&2
	exit 2
fi
export PYTHONDONTWRITEBYTECODE=1
feat="$top/../shared/features/linux-6.1-debian.features"
exec python3 "$here/dfa_bench.py" --aa-dfa "$B/aa-dfa" \
	--apparmor-parser "${APPARMOR_PARSER:-/sbin/apparmor_parser}" \
	--features "$feat" --out "$B/bench-dfa.txt" "$@"
