#!/bin/sh
# Builds the libFuzzer target fuzz_parse.c against BUILD's libraries
# (made by `make fuzz` with clang and -fsanitize=fuzzer-no-link) and runs
# it for $FUZZ_SECONDS (default 60) on a corpus seeded from tests/,
# examples/ and ../shared/corpus when present. Crashes and hangs land in
# BUILD/fuzz-artifacts/; copy each into tests/fuzz/regressions/ (the
# cli_options suite replays them).
# Usage: tests/fuzz/run.sh BUILD
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: run.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
CLANG=${CLANG:-clang}
SECS=${FUZZ_SECONDS:-60}
clang_libs=""
for l in libparser.a libdfa.a libcommon.a; do
	[ -f "$B/$l" ] && clang_libs="$clang_libs $B/$l"
done
"$CLANG" -std=c11 -D_GNU_SOURCE -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I"$top/include" -o "$B/fuzz_parse" "$top/tests/fuzz/fuzz_parse.c" \
	$clang_libs -lapparmor -lm
C=$top/../shared/corpus
seeds=$B/fuzz-seeds
rm -rf "$seeds"
mkdir -p "$seeds" "$B/fuzz-corpus" "$B/fuzz-artifacts"
i=0
for d in "$top/tests" "$top/examples" "$C/simple_tests" "$C/errors"; do
	[ -d "$d" ] || continue
	find "$d" -type f \( -name '*.sd' -o -path '*/profiles/*' \
		-o -path '*/regressions/*' \) -size -16k -print
done > "$B/fuzz-seed-list"
while IFS= read -r f; do
	i=$((i + 1))
	cp "$f" "$seeds/seed$i"
done < "$B/fuzz-seed-list"
echo "fuzz: $i seed files, running for ${SECS}s"
export FUZZ_FEATURES="${FUZZ_FEATURES:-$C/features_files/features.all}"
[ -d "$C/simple_tests" ] && export FUZZ_INCLUDE="$C/simple_tests"
# Quoted and directory includes are relative to the working directory:
# run deep inside an empty tree, so "include ../" finds nothing big.
rm -rf "$B/fuzz-cwd"
mkdir -p "$B/fuzz-cwd/1/2/3/4/5"
cd "$B/fuzz-cwd/1/2/3/4/5"
"$B/fuzz_parse" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$B/fuzz-artifacts/" \
	-max_len=8192 -dict="$top/tests/fuzz/apparmor.dict" \
	-print_final_stats=1 "$B/fuzz-corpus" "$seeds"
