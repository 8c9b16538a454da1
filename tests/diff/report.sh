#!/bin/sh
# Issue 4 closing figures: per Debian profile, the DFA states (xmatch,
# policydb and file automata of every profile and hat in the blob, dead
# state included, as `aa-policy dump` reads them) and blob bytes of our
# apparmor_parser against Debian's 3.0.8, then totals and ratios. Reuses
# the blobs debian.sh wrote under OUT, or runs debian.sh first.
# "more-states" counts profiles where ours has more states than 3.0.8's
# (it must be 0: ours are minimal).
# Usage: report.sh BUILD [OUT]
set -u
B=${1:?usage: report.sh BUILD [OUT]}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
case $B in /*) ;; *) B="$top/$B" ;; esac
if [ $# -ge 2 ]; then
	OUT=$2
else
	OUT=$(mktemp -d)
	trap 'rm -rf "$OUT"' EXIT
fi
[ -f "$OUT/results" ] || "$here/debian.sh" "$B" "$OUT" >/dev/null
[ -f "$OUT/results" ] || exit 1

states() { # blob: total states of every automaton
	"$B/aa-policy" dump "$1" 2>/dev/null |
		awk '$1 ~ /^(xmatch|policydb|file)$/ && $3 == "states," {s += $2}
		     END {print s + 0}'
}

printf '%-44s %9s %9s %7s %10s %10s %7s\n' profile states-3.0.8 states-ours \
	ratio bytes-3.0.8 bytes-ours ratio
while read -r n st; do
	r="$OUT/ref/$n.bin" o="$OUT/ours/$n.bin"
	[ -s "$r" ] && [ -s "$o" ] || continue
	rs=$(states "$r") os=$(states "$o")
	rb=$(wc -c <"$r") ob=$(wc -c <"$o")
	echo "$n $rs $os $rb $ob $st"
done <"$OUT/results" | awk '
function ratio(a, b) { return b ? sprintf("%.3f", a / b) : "-" }
{
	printf "%-44s %9d %9d %7s %10d %10d %7s%s\n", $1, $2, $3,
	       ratio($3, $2), $4, $5, ratio($5, $4),
	       $6 == "equal" ? "" : "  (" $6 ")"
	rs += $2; os += $3; rb += $4; ob += $5; n++
	if ($3 > $2) more++
	if ($3 < $2) fewer++
	if ($5 > $4) bigger++
}
END {
	printf "%-44s %9d %9d %7s %10d %10d %7s\n", "TOTAL (" n " profiles)",
	       rs, os, ratio(os, rs), rb, ob, ratio(ob, rb)
	printf "more-states=%d fewer-states=%d bigger-blobs=%d\n",
	       more + 0, fewer + 0, bigger + 0
}'
