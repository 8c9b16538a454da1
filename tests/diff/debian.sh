#!/bin/sh
# Issue 4, proof 2: every profile of Debian's apparmor-profiles
# (/etc/apparmor.d, top-level files) and apparmor-profiles-extra
# (/usr/share/apparmor/extra-profiles), compiled by our apparmor_parser
# and by Debian's 3.0.8 with the same options (-QS, the 6.1 features,
# -I /etc/apparmor.d), compared with `aa-policy diff`. A difference is
# accepted only when tests/diff/allow.list names the profile and the
# reason (3.0.8 wrong per language.md 8.4). Writes, under OUT:
# ours/NAME.bin, ref/NAME.bin, diff/NAME.txt and results (one line per
# profile: NAME STATUS, STATUS one of equal, allowed, differ, ours-failed,
# ref-failed, both-failed).
# Usage: debian.sh BUILD OUT   (exit 0 all explained, 1 otherwise, 77 skip)
set -u
B=${1:?usage: debian.sh BUILD OUT}
OUT=${2:?usage: debian.sh BUILD OUT}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
case $B in /*) ;; *) B="$top/$B" ;; esac
feat=${DIFF_FEATURES:-"$top/../shared/features/linux-6.1-debian.features"}
ref=${DIFF_REF_PARSER:-/sbin/apparmor_parser}
allow="$here/allow.list"

[ -f "$feat" ] || { echo "debian.sh: no $feat" >&2; exit 77; }
[ -x "$ref" ] || { echo "debian.sh: no $ref (oracle)" >&2; exit 77; }
[ -d /etc/apparmor.d ] || { echo "debian.sh: no /etc/apparmor.d" >&2; exit 77; }
for x in apparmor_parser aa-policy; do
	[ -x "$B/$x" ] || { echo "debian.sh: $B/$x not built" >&2; exit 77; }
done
mkdir -p "$OUT/ours" "$OUT/ref" "$OUT/diff" || exit 2
: >"$OUT/results"

# allowed NAME DIFF: true when every difference in DIFF (aa-policy diff
# output) is an entry of allow.list
allowed() {
	awk -v n="$1" '
	/^profile / { p = $0; next }
	/^    / { r = r "\t" substr($0, 5); next }
	/^  / { if (r != "") print r; r = n "\t" p "\t" substr($0, 3); next }
	END { if (r != "") print r }' "$2" >"$2.entries"
	[ -s "$2.entries" ] || return 1
	grep -v '^#' "$allow" | grep -v '^$' >"$2.allow"
	! grep -vxF -f "$2.allow" "$2.entries" >/dev/null
}

compile() { # parser file out
	timeout 300 "$1" -QS -M "$feat" --config-file=/dev/null \
		-I /etc/apparmor.d "$2" >"$3" 2>"$3.err"
}

bad=0
for f in $(find /etc/apparmor.d /usr/share/apparmor/extra-profiles \
	-maxdepth 1 -type f ! -name README 2>/dev/null | sort); do
	n=$(basename "$f")
	[ "${f#/usr/share}" != "$f" ] && n="extra.$n"
	compile "$ref" "$f" "$OUT/ref/$n.bin"
	rr=$?
	compile "$B/apparmor_parser" "$f" "$OUT/ours/$n.bin"
	ro=$?
	if [ $rr -ne 0 ] && [ $ro -ne 0 ]; then
		st=both-failed
	elif [ $rr -ne 0 ]; then
		st=ref-failed
	elif [ $ro -ne 0 ]; then
		st=ours-failed
	elif "$B/aa-policy" diff --max 1000 "$OUT/ref/$n.bin" \
		"$OUT/ours/$n.bin" >"$OUT/diff/$n.txt" 2>&1; then
		st=equal
	elif [ $? -eq 1 ] && allowed "$n" "$OUT/diff/$n.txt"; then
		st=allowed
	else
		st=differ
	fi
	echo "$n $st" >>"$OUT/results"
	case $st in
	equal|both-failed) ;;
	allowed) echo "allowed: $n (see allow.list)" ;;
	*)
		bad=1
		echo "$st: $n"
		[ $st = differ ] && sed -n '1,12p' "$OUT/diff/$n.txt" | sed 's/^/    /'
		[ $st = ours-failed ] && sed -n '1,3p' "$OUT/ours/$n.bin.err" | sed 's/^/    /'
		;;
	esac
done
awk '{c[$2]++; n++} END {printf "debian diff: %d profiles:", n;
	for (k in c) printf " %s=%d", k, c[k]; printf "\n"}' "$OUT/results"
exit $bad
