#!/bin/sh
# Front-end benchmark (issue 2, `make bench-fe`): the time our
# apparmor_parser --syntax-only takes for the whole Debian corpus
# (apparmor-profiles + apparmor-profiles-extra, with /etc/apparmor.d's
# abstractions and tunables) in ONE process, and the fixed cost per
# profile (an empty profile, a profile including abstractions/base).
# Median of RUNS (default 5) runs; wall seconds, CPU seconds, peak RSS.
# A benchmark, not a test. Usage: tests/bench/fe.sh BUILD
set -u
B=${1:?usage: tests/bench/fe.sh BUILD}
RUNS=${RUNS:-5}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$top/$B ;; esac
P=$B/apparmor_parser
[ -x "$P" ] || { echo "bench-fe: $P is not built" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-fe: /usr/bin/time is required (package time)" >&2; exit 2; }
feat=$top/examples/abi/linux-6.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files=""
for f in /etc/apparmor.d/* /usr/share/apparmor/extra-profiles/*; do
	[ -f "$f" ] || continue
	case $(basename "$f") in README|*.md) continue ;; esac
	files="$files $f"
done
nfiles=$(echo $files | wc -w)
[ "$nfiles" -gt 0 ] || { echo "bench-fe: no Debian profiles installed (apparmor-profiles, apparmor-profiles-extra)" >&2; exit 2; }

printf 'profile empty {\n}\n' > "$tmp/empty"
printf 'include <tunables/global>\nprofile withbase {\n  include <abstractions/base>\n}\n' > "$tmp/base"

# measure NAME ARGS...: RUNS runs, prints the median wall, cpu and rss
measure() {
	name=$1
	shift
	: > "$tmp/times"
	i=0
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "bench-fe: $name failed (exit $rc):" >&2
			head -5 "$tmp/err" >&2
			return 1
		fi
		tail -1 "$tmp/t" >> "$tmp/times"
		i=$((i + 1))
	done
	sort -n "$tmp/times" | awk -v name="$name" -v n="$RUNS" '
		{ w[NR] = $1; c[NR] = $2 + $3; m[NR] = $4 }
		END { k = int((n + 1) / 2);
		      printf "%-34s %9.3f %9.3f %9.1f\n", name, w[k], c[k], m[k] / 1024 }'
}

common="--config-file=/dev/null -M $feat -I /etc/apparmor.d"
echo "front end (--syntax-only), median of $RUNS runs"
printf '%-34s %9s %9s %9s\n' case wall_s cpu_s rss_MB
measure "Debian corpus ($nfiles files, 1 process)" $P $common --syntax-only $files
measure "empty profile" $P $common --syntax-only "$tmp/empty"
measure "profile with abstractions/base" $P $common --syntax-only "$tmp/base"
measure "Debian corpus -p (1 process)" $P $common -p $files
