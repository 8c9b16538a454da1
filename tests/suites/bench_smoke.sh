#!/bin/sh
# Smoke test of `make bench` (tests/bench/bench.sh): one run of our parser
# and Debian's 3.0.8 on three small generated profiles (a 100-value
# variable, 600 exec rules with 60 named targets that 3.0.8 refuses, 200
# dbus rules), no fixed-cost items, and checks that the table and
# BUILD/bench-smoke/report.txt carry every section, the refusal and a
# PASS or MISS verdict per target, and that the generators write the same
# profiles twice. It proves the script works; the
# figures it prints mean nothing.
# Usage: bench_smoke.sh BUILD. Skips (77) without 3.0.8, python3 or cc.
B=${1:?usage: bench_smoke.sh BUILD}
cd "$(dirname "$0")/../.." || exit 2
theirs=${APPARMOR_PARSER:-/sbin/apparmor_parser}
if [ ! -x "$theirs" ]; then
	echo "bench_smoke: $theirs (apparmor_parser 3.0.8) is not installed" >&2
	exit 77
fi
if ! command -v python3 >/dev/null || ! command -v "${CC:-cc}" >/dev/null; then
	echo "bench_smoke: needs python3 and a C compiler" >&2
	exit 77
fi
for p in apparmor_parser aa-policy; do
	if [ ! -x "$B/$p" ]; then
		echo "bench_smoke: $B/$p is not built" >&2
		exit 77
	fi
done
if [ ! -f ../shared/features/linux-6.1-debian.features ]; then
	echo "bench_smoke: ../shared/features/linux-6.1-debian.features is missing" >&2
	exit 77
fi
log=$(mktemp) || exit 2
gen=
trap 'rm -f "$log"; [ -z "$gen" ] || rm -rf "$gen"' EXIT
out=$B/bench-smoke
rm -rf "$out"
# bench.sh writes into BUILD/bench; the smoke run keeps its own directory
BENCH_RUNS=1 tests/bench/bench.sh "$B" --small --corpora stress \
	--no-fixed --quiet --timeout 60 --out "$out" >"$log" 2>&1
rc=$?
fail() {
	echo "bench_smoke: $*" >&2
	cat "$log" >&2
	exit 1
}
[ $rc -eq 0 ] || fail "bench.sh exited $rc"
rep=$out/report.txt
[ -s "$rep" ] || fail "$rep was not written"
cmp -s "$rep" "$log" || fail "the report file differs from the printed table"
for want in '^== per corpus' '^stress  *per profile: sum of medians (-1)  *2 ' \
	'^stress  *1 process -j[0-9]* (-1) ' '^== refused inputs' \
	'^stress  *exec-named  *3\.0\.8 refused (exit 1' \
	'too many specified profile transitions' \
	'^== the five slowest profiles' '^== every stress profile' \
	'^stress  *var100  *1 ' \
	'^stress  *dbus200  *1 ' '^== targets' \
	'^stress set CPU .*  \(PASS\|MISS\)$' \
	'^peak RSS .*  \(PASS\|MISS\)$' '^DFA states .*  \(PASS\|MISS\)$' \
	'^blob bytes .*  \(PASS\|MISS\)$' '^load average'; do
	grep -q -- "$want" "$rep" || fail "no line matching '$want' in the report"
done
# every measured row has numbers in each column pair
grep '^stress  *\(per profile\|1 process\|var100\|dbus200\)' "$rep" |
	grep -v ' | *[0-9.]* *[0-9.]* *[0-9.]*x | ' >/dev/null &&
	fail "a row without figures"
# the generators are deterministic: a second run writes the same bytes
gen=$(mktemp -d) || exit 2
PYTHONDONTWRITEBYTECODE=1 python3 tests/bench/bench_gen.py "$gen" var100 \
	exec-named dbus200 || fail "bench_gen.py failed"
for f in var100 exec-named dbus200; do
	cmp -s "$gen/$f" "$out/stress/$f" ||
		fail "bench_gen.py wrote a different $f the second time"
done
echo "bench_smoke: report has every section, generators are deterministic"
exit 0
