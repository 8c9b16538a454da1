#!/bin/sh
# Smoke test of the DFA benchmark (tests/bench/): generates the small cases
# (every glob construct with probe strings,
# the /sys chain and its subtraction form, 2000 overlapping patterns with
# 50 exec-style values, a 200-value variable in 100 rules) and checks that
# aa-dfa answers every sample string as the reference matcher does.
# Usage: bench_dfa_smoke.sh BUILD. Skips (77) without aa-dfa or python3.
B=${1:?usage: bench_dfa_smoke.sh BUILD}
cd "$(dirname "$0")/../.." || exit 2
if [ ! -x "$B/aa-dfa" ]; then
	echo "bench_dfa_smoke: $B/aa-dfa is not built" >&2
	exit 77
fi
if ! command -v python3 >/dev/null || [ ! -x /usr/bin/time ]; then
	echo "bench_dfa_smoke: needs python3 and /usr/bin/time" >&2
	exit 77
fi
export PYTHONDONTWRITEBYTECODE=1
out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT
python3 tests/bench/dfa_bench.py --aa-dfa "$B/aa-dfa" --no-aa --runs 1 \
	--timeout 60 --cases edge,sys-chain,sys-sub,exec2k,var200 \
	--out "$out/bench-dfa.txt" >"$out/log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	cat "$out/log" >&2
	for f in "$out"/bench-dfa-repro/*.rules; do
		[ -f "$f" ] || continue
		echo "--- reproducer $f" >&2
		cat "$f" "${f%.rules}.expected" >&2
	done
fi
exit $rc
