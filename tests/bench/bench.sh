#!/bin/sh
# `make bench` (issue 5): our apparmor_parser against Debian's 3.0.8 on
# apparmor-profiles, apparmor-profiles-extra and a generated stress set,
# one process per profile and one process per directory with -j, plus the
# fixed cost per profile. Prints the table and writes it to
# BUILD/bench/report.txt. A benchmark, not a test (see README.md).
# Usage: tests/bench/bench.sh BUILD [bench.py options]
# Environment: BENCH_RUNS (default 5), BENCH_JOBS (default: online CPUs),
# BENCH_TIMEOUT (CPU seconds per run, default 300), APPARMOR_PARSER
# (default /sbin/apparmor_parser), BENCH_FEATURES (default the shared
# linux-6.1-debian.features).
set -u
B=${1:?usage: tests/bench/bench.sh BUILD [options]}
shift
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
case $B in
/*) ;;
*) B=$top/$B ;;
esac
for p in apparmor_parser aa-policy; do
	if [ ! -x "$B/$p" ]; then
		echo "bench: $B/$p is not built" >&2
		exit 2
	fi
done
if ! command -v python3 >/dev/null; then
	echo "bench: python3 is required" >&2
	exit 2
fi
theirs=${APPARMOR_PARSER:-/sbin/apparmor_parser}
if [ ! -x "$theirs" ]; then
	echo "bench: $theirs (Debian's apparmor_parser 3.0.8, package apparmor) is not installed" >&2
	exit 2
fi
feat=${BENCH_FEATURES:-$top/../shared/features/linux-6.1-debian.features}
if [ ! -f "$feat" ]; then
	echo "bench: features file $feat is missing" >&2
	exit 2
fi
mkdir -p "$B/bench" || exit 2
# the measuring helper (see runm.c), rebuilt when its source is newer
runm=$B/bench/runm
if [ ! -x "$runm" ] || [ -n "$(find "$here/runm.c" -newer "$runm")" ]; then
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
		-o "$runm" "$here/runm.c" || exit 2
fi
jobs=${BENCH_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
export PYTHONDONTWRITEBYTECODE=1
exec python3 "$here/bench.py" --ours "$B/apparmor_parser" \
	--aa-policy "$B/aa-policy" --runm "$runm" --theirs "$theirs" --features "$feat" \
	--out "$B/bench" --runs "${BENCH_RUNS:-5}" --jobs "$jobs" \
	--timeout "${BENCH_TIMEOUT:-300}" "$@"
