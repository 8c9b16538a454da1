#!/bin/sh
# Directory loading (../shared/corpus/README.md section 4): -N on a good
# directory exits 0, on one with a dangling symlink or an unparsable file
# exits non-zero, and all three list exactly dirtest.out (sorted), so the
# good entries of a bad directory are still listed and symlinks are
# followed. The shared copy may have lost its symlinks (bar -> foo,
# good_link -> ../goodtarget, as the README names them); a regular file
# of those names holding the target text is turned back into the link in
# a private copy.
# Usage: dirtest.sh BUILD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: dirtest.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
C=$top/../shared/corpus
if [ ! -d "$C/dirtest" ]; then
	echo "dirtest: $C/dirtest not found, skipping" >&2
	exit 77
fi
PARSER=$B/apparmor_parser
[ -x "$PARSER" ] || { echo "dirtest: $PARSER not built" >&2; exit 1; }
T=$(mktemp -d)
trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
cp -a "$C/dirtest" "$T/dirtest"
chmod -R u+w "$T/dirtest"
for f in "$T"/dirtest/*/bar "$T"/dirtest/*/good_link; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	target=$(cat "$f")
	rm -f "$f" && ln -s "$target" "$f"
done
: > "$T/parser.conf"
cd "$T" || exit 2
fail=0
for d in gooddir badlink badprofile; do
	timeout 60 "$PARSER" --config-file=./parser.conf -N "dirtest/$d/" \
		> "$T/out" 2> "$T/err"
	rc=$?
	LC_ALL=C sort "$T/out" > "$T/sorted"
	case $d in
	gooddir) [ $rc -eq 0 ] && good=1 || good=0 ;;
	*) { [ $rc -ne 0 ] && [ $rc -lt 124 ]; } && good=1 || good=0 ;;
	esac
	if grep -qE 'Sanitizer|runtime error:' "$T/err"; then
		good=0
	fi
	if [ $good = 1 ] && cmp -s "$T/sorted" dirtest/dirtest.out; then
		echo "ok $d (exit $rc)"
	else
		echo "FAIL $d: exit $rc"
		echo "  stdout:"; sed 's/^/    /' "$T/out"
		echo "  stderr:"; sed 's/^/    /' "$T/err"
		fail=1
	fi
done
[ $fail -eq 0 ]
