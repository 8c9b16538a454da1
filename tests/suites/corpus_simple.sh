#!/bin/sh
# Runs upstream's simple tests (../shared/corpus/simple_tests) as the
# corpus README says: stdin, a working directory named tst, and
# --config-file=./parser.conf -M features.all -I $PWD/simple_tests, with
# $AACC_CORPUS_FLAG (default -S, full compilation), plus every
# $AACC_GENERATED_STEP-th test of generated_tests.tsv (default 200; 0
# skips them, 1 runs all 42,799). Prints agreement per directory and in
# total (TODO and DISABLED tests reported apart, generated tests on their
# own line), writes the disagreements to BUILD/corpus-simple.txt and
# fails when agreement drops below tests/corpus/threshold (simple tests)
# or tests/corpus/threshold_generated (percent), or any test crashes
# (signal, timeout, exit >= 124, sanitizer report).
# Usage: corpus_simple.sh BUILD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: corpus_simple.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
C=$top/../shared/corpus
if [ ! -d "$C/simple_tests" ] || [ ! -f "$C/simple_tests.tsv" ]; then
	echo "corpus_simple: $C/simple_tests not found, skipping" >&2
	exit 77
fi
PARSER=$B/apparmor_parser
if [ ! -x "$PARSER" ]; then
	echo "corpus_simple: $PARSER not built" >&2
	exit 1
fi
FLAG=${AACC_CORPUS_FLAG:--S}
GSTEP=${AACC_GENERATED_STEP:-200}
TMO=${AACC_CORPUS_TIMEOUT:-60}
JOBS=${AACC_CORPUS_JOBS:-2}
threshold=$(cat "$top/tests/corpus/threshold")
gthreshold=$(cat "$top/tests/corpus/threshold_generated")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/tst" "$T/in" "$T/err"
ln -s "$C/simple_tests" "$T/tst/simple_tests"
: > "$T/tst/parser.conf"
export PARSER FLAG TMO
export FEATURES="$C/features_files/features.all"
export INDIR="$T/in" OUTDIR="$T/err"
start=$(date +%s)
perl "$top/tests/corpus/strip_headers.pl" "$C/simple_tests" "$T/in" \
	< "$C/simple_tests.tsv" > "$T/list" || exit 2
if [ "$GSTEP" -gt 0 ] && [ -f "$C/generated_tests.tsv" ]; then
	perl "$top/tests/corpus/unpack_generated.pl" "$GSTEP" "$T/in" \
		< "$C/generated_tests.tsv" >> "$T/list" || exit 2
fi
cd "$T/tst" || exit 2
xargs -P "$JOBS" -n 100 sh "$top/tests/corpus/simple_batch.sh" \
	< "$T/list" > "$T/results.tsv"
cd "$top" || exit 2
end=$(date +%s)
sort "$T/results.tsv" > "$B/corpus-simple-results.tsv"
: > "$B/corpus-simple.txt"
awk -F'\t' -v out="$B/corpus-simple.txt" -v thr="$threshold" \
	-v gthr="$gthreshold" -v gstep="$GSTEP" \
	-v secs=$((end - start)) -v flag="$FLAG" -v errdir="$T/err" \
	-v dirsum="$T/dirs" -v verdict="$T/verdict" '
function dir(p,   i) { i = index(p, "/"); return i ? substr(p, 1, i - 1) : "." }
function errinfo(p,   key, f, l, n) {
	key = p; gsub("/", "_", key)
	if (p ~ /^generated_/) key = "gen_" key
	f = errdir "/" key
	first = ""; san = 0; n = 0
	while ((getline l < f) > 0) {
		if (!n++) first = l
		if (l ~ /(Address|Leak|Memory|UndefinedBehavior)Sanitizer|runtime error:/) san = 1
	}
	close(f)
	gsub("\t", " ", first)
}
{
	errinfo($1)
	d = dir($1)
	crashed = san || $5 >= 124
	agree = !crashed && (($2 == "PASS" && $5 == 0) || ($2 == "FAIL" && $5 != 0))
	if (crashed) { crash++; crashes = crashes "  " $1 " (rc " $5 (san ? ", sanitizer" : "") ")\n" }
	if ($1 ~ /^generated_/) {
		gtotal++
		if (agree) { gok++; next }
	} else if ($4 != "-") { dis++; if (agree) dis_ok++; next }
	if ($3 != "-") {
		todo++
		if (agree) { todo_pass++; todos = todos "  " $1 " (TODO passed unexpectedly)\n" }
		next
	}
	if ($1 !~ /^generated_/) {
		tot[d]++; total++
		if (agree) { ok[d]++; okn++; next }
	}
	got = ($5 == 0) ? "PASS" : "FAIL"
	if (crashed) got = "CRASH(rc " $5 ")"
	printf "%s\texpect %s\tgot %s\t%s\n", $1, $2, got, first > out
	bad++
}
END {
	for (d in tot)
		printf "%-22s %4d/%-4d %6.1f%%\n", d, ok[d], tot[d], 100 * ok[d] / tot[d] > dirsum
	close(dirsum)
	pct = total ? 100 * okn / total : 0
	printf "total (%s): %d/%d agree = %.2f%% (threshold %s%%), %d disagree, %d crashed, %ds\n", flag, okn, total, pct, thr, bad, crash, secs
	printf "TODO tests: %d (%d passed unexpectedly); DISABLED tests (run truncated, not counted): %d (%d meet EXRESULT)\n", todo, todo_pass, dis, dis_ok
	gpct = gtotal ? 100 * gok / gtotal : 100
	if (gtotal)
		printf "generated tests (every %dth, %s): %d/%d agree = %.2f%% (threshold %s%%)\n", gstep, flag, gok, gtotal, gpct, gthr
	if (todos != "") printf "%s", todos
	if (crash) printf "crashes:\n%s", crashes
	printf "disagreements listed in %s\n", out
	print ((pct + 1e-9 < thr || gpct + 1e-9 < gthr || crash) ? 1 : 0) > verdict
}' "$B/corpus-simple-results.tsv" > "$T/summary"
printf '%-22s %9s %7s\n' directory agree percent
LC_ALL=C sort "$T/dirs"
cat "$T/summary"
[ "$(cat "$T/verdict")" = 0 ]
