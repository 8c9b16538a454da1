#!/bin/sh
# Checks one Debian profile file for debian_profiles.sh: --syntax-only
# passes, -p output re-parses, and the IR dump (-d) of the original and
# of the -p output are equal. Prints "ok FILE" or "FAIL FILE: reason"
# followed by the diagnostics. Environment: PARSER, ARGS (common
# options), WORK (scratch directory).
# Usage: debian_one.sh FILE
set -u
f=$1
key=$(printf '%s' "$f" | tr '/ ' '__')
w="$WORK/$key/p"
mkdir -p "$WORK/$key"
# shellcheck disable=SC2086
run() { timeout 120 "$PARSER" $ARGS "$@"; }
san() { grep -qE '(Address|Leak|UndefinedBehavior)Sanitizer|runtime error:' "$1"; }
if ! run --syntax-only "$f" > "$w.out" 2> "$w.err" || san "$w.err"; then
	echo "FAIL $f: --syntax-only"; sed 's/^/    /' "$w.err"; exit 0
fi
if ! run -p "$f" > "$w.pp" 2> "$w.err" || san "$w.err"; then
	echo "FAIL $f: -p"; sed 's/^/    /' "$w.err"; exit 0
fi
if ! run -d "$f" > "$w.d1" 2> "$w.err" || san "$w.err"; then
	echo "FAIL $f: -d"; sed 's/^/    /' "$w.err"; exit 0
fi
if ! run -d "$w.pp" > "$w.d2" 2> "$w.err" || san "$w.err"; then
	echo "FAIL $f: -p output does not re-parse"; sed 's/^/    /' "$w.err"
	exit 0
fi
if ! cmp -s "$w.d1" "$w.d2"; then
	echo "FAIL $f: -p output parses to a different IR"
	diff "$w.d1" "$w.d2" | head -20 | sed 's/^/    /'
	exit 0
fi
echo "ok $f"
rm -rf "$WORK/$key"
