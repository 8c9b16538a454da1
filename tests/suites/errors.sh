#!/bin/sh
# Upstream's error-message cases (../shared/corpus/errors/cases.tsv, see
# its README): exact stderr and exit status, run from shared/corpus.
# The cases pass -S and no -M (the running kernel's features); here -S is
# replaced by $AACC_ERRORS_FLAG, by default full compilation against the
# Debian 6.1 kernel's features, so the result does not depend on the
# machine (--syntax-only checks the front end alone).
# Usage: errors.sh BUILD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: errors.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
C=$top/../shared/corpus
if [ ! -f "$C/errors/cases.tsv" ]; then
	echo "errors: $C/errors not found, skipping" >&2
	exit 77
fi
PARSER=$B/apparmor_parser
[ -x "$PARSER" ] || { echo "errors: $PARSER not built" >&2; exit 1; }
FLAG=${AACC_ERRORS_FLAG:--S -M $top/../shared/features/linux-6.1-debian.features}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$C" || exit 2
tab=$(printf '\t')
pass=0 fail=0
while IFS=$tab read -r name args profile setup expect stderr; do
	case $name in '#'*|'') continue ;; esac
	D=$(mktemp -d "$T/case.XXXXXX")
	D=$(cd "$D" && pwd -P)
	case $setup in
	dangling-symlink) ln -s does-not-exist.sd "$D/non-existant-target.sd" ;;
	esac
	profile=$(printf '%s' "$profile" | sed "s#@PROFILE_DIR@#$D#g")
	[ "$args" = - ] && args=
	# shellcheck disable=SC2086
	timeout 60 "$PARSER" --config-file=./parser.conf $FLAG -I errors \
		$args "$profile" > /dev/null 2> "$T/raw"
	rc=$?
	grep -v -x -e 'Cache read/write disabled: interface file missing. (Kernel needs AppArmor 2.4 compatibility patch.)' \
		-e 'WARNING: Kernel does not support compressed policies. Defaulting to uncompressed' \
		"$T/raw" > "$T/got"
	if [ "$stderr" = - ]; then
		: > "$T/want"
	else
		printf '%s' "$stderr" | sed "s#@PROFILE_DIR@#$D#g" |
			awk '{ gsub(/\\n/, "\n"); gsub(/\\t/, "\t"); gsub(/\\\\/, "\\"); printf "%s", $0 }' \
			> "$T/want"
	fi
	ok=1
	case $expect in
	success) [ $rc -eq 0 ] || ok=0 ;;
	*) { [ $rc -ne 0 ] && [ $rc -lt 124 ]; } || ok=0 ;;
	esac
	cmp -s "$T/got" "$T/want" || ok=0
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $rc (want $expect)"
		echo "  want stderr:"; sed 's/^/    /' "$T/want"
		echo "  got stderr:"; sed 's/^/    /' "$T/raw"
	fi
done < errors/cases.tsv
echo "errors: $pass passed, $fail failed (with $FLAG for -S)"
[ $fail -eq 0 ]
