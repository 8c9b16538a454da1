#!/bin/sh
# Runs a batch of upstream simple tests the way upstream's simple.pl does
# (../shared/corpus/README.md section 1): the test's text, already
# stripped of its #= header lines (strip_headers.pl), on stdin, in the
# working directory "tst" holding simple_tests/ and parser.conf. Prints
# one line per test: PATH<TAB>EXPECT<TAB>TODO<TAB>DISABLED<TAB>RC.
# Environment: PARSER, FEATURES, FLAG (--syntax-only or -S), TMO
# (seconds), INDIR (stripped inputs), OUTDIR (stderr per test).
# Usage: simple_batch.sh PATH EXPECT TODO DISABLED KEY [PATH ...]
set -u
while [ $# -ge 5 ]; do
	timeout -k 5 "$TMO" "$PARSER" --config-file=./parser.conf \
		-M "$FEATURES" $FLAG -I "$PWD/simple_tests" \
		< "$INDIR/$5" >/dev/null 2>"$OUTDIR/$5"
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" $?
	shift 5
done
