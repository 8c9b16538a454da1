#!/bin/sh
# Golden front-end cases: each tests/golden/fe/NAME.sd starts with
# "#=ARGS <options>" and "#=EXIT <status>"; apparmor_parser runs on it from
# the top of the tree (with -I tests/golden/fe/inc) and must exit with
# that status and print exactly NAME.err on stderr (missing .err: empty).
# AACC_GOLDEN_UPDATE=1 rewrites the .err files from the current output.
# Usage: golden.sh BUILD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: golden.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
PARSER=$B/apparmor_parser
[ -x "$PARSER" ] || { echo "golden: $PARSER not built" >&2; exit 1; }
cd "$top" || exit 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
for sd in tests/golden/fe/*.sd; do
	name=${sd%.sd}
	args=$(sed -n '1s/^#=ARGS //p' "$sd")
	want=$(sed -n '2s/^#=EXIT //p' "$sd")
	# shellcheck disable=SC2086
	timeout 60 "$PARSER" --config-file=/dev/null $args \
		-I tests/golden/fe/inc "$sd" > /dev/null 2> "$T/err"
	rc=$?
	if [ "${AACC_GOLDEN_UPDATE:-0}" = 1 ]; then
		if [ -s "$T/err" ]; then
			cp "$T/err" "$name.err"
		else
			rm -f "$name.err"
		fi
	fi
	if [ -f "$name.err" ]; then
		cp "$name.err" "$T/want"
	else
		: > "$T/want"
	fi
	if [ "$rc" = "$want" ] && cmp -s "$T/want" "$T/err"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $sd: exit $rc (want $want)"
		diff "$T/want" "$T/err" | sed 's/^/  /'
	fi
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
