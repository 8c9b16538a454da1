#!/bin/sh
# Every profile of Debian's apparmor-profiles (/etc/apparmor.d, top-level
# files) and apparmor-profiles-extra (/usr/share/apparmor/extra-profiles)
# passes --syntax-only with -I /etc/apparmor.d, and its -p output
# re-parses to the same IR (equal -d dumps). Skips when the packages are
# not installed.
# Usage: debian_profiles.sh BUILD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: debian_profiles.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
E=/usr/share/apparmor/extra-profiles
if [ ! -d /etc/apparmor.d/abstractions ] || [ ! -d "$E" ]; then
	echo "debian_profiles: apparmor-profiles/apparmor-profiles-extra not installed, skipping" >&2
	exit 77
fi
PARSER=$B/apparmor_parser
[ -x "$PARSER" ] || { echo "debian_profiles: $PARSER not built" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/base" "$T/work"
ARGS="--config-file=/dev/null -b $T/base -I /etc/apparmor.d"
F=$top/../shared/features/linux-6.1-debian.features
[ -f "$F" ] && ARGS="$ARGS -M $F"
export PARSER ARGS WORK="$T/work"
# Top-level regular files, minus the names a directory load skips.
for d in /etc/apparmor.d "$E"; do
	find "$d" -mindepth 1 -maxdepth 1 -type f \
		! -name '.*' ! -name README ! -name '*.dpkg-*' \
		! -name '*.pacsave' ! -name '*.pacnew' ! -name '*.rpmnew' \
		! -name '*.rpmsave' ! -name '*.orig' ! -name '*.rej' \
		! -name '*~' -print0
done | sort -z > "$T/list"
start=$(date +%s)
xargs -0 -P 2 -n 1 sh "$top/tests/corpus/debian_one.sh" < "$T/list" \
	> "$T/results"
end=$(date +%s)
total=$(grep -c '^ok \|^FAIL ' "$T/results")
bad=$(grep -c '^FAIL ' "$T/results")
grep -v '^ok ' "$T/results"
echo "debian_profiles: $((total - bad))/$total profiles pass --syntax-only and the -p round trip ($((end - start))s)"
[ "$total" -gt 0 ] && [ "$bad" -eq 0 ]
