#!/bin/sh
# The policy cache through the command line (spec/cli.md 6, 7.6): -W
# writes exactly the -S bytes into upstream's feature directory, the next
# run reads it, touching an included file or damaging the entry makes it
# recompile and rewrite, -T skips reading, --purge-cache and
# --print-cache-dir. Directory names are cross-checked with 3.0.8 when
# /sbin/apparmor_parser is installed.
# Usage: cache.sh BUILD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: cache.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
P=$B/apparmor_parser
UP=/sbin/apparmor_parser
F=$top/../shared/features/linux-6.1-debian.features
[ -x "$P" ] || { echo "cache: $P not built" >&2; exit 1; }
[ -r "$F" ] || { echo "cache: $F missing, skipped" >&2; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
fail=0 n=0

ok() { n=$((n + 1)); echo "ok $1"; }
bad() {
	n=$((n + 1)) fail=$((fail + 1))
	echo "FAIL $1"
	for f in got.err got.out; do
		[ -s $f ] && sed "s/^/    $f> /" $f
	done
	return 0
}
# expect NAME TEST...: pass when the test command succeeds
expect() {
	name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
has() { grep -qxF -- "$1" got.err; }
hasnt() { ! grep -qF -- "$1" got.err; }
mtime() { stat -c %y "$1"; }

mkdir -p inc/abstractions
printf '/etc/passwd r,\n/etc/group r,\n' > inc/abstractions/mine
printf 'profile prof /usr/bin/prof {\n  #include <abstractions/mine>\n  /tmp/** rw,\n}\n' > prof
touch -d '2020-01-01 00:00:00.25' prof
touch -d '2020-01-02 00:00:00.5' inc/abstractions/mine
A="--config-file=/dev/null -M $F -I $T/inc"

if "$P" $A --print-cache-dir -L "$T/c" > got.out 2> got.err; then :; fi
if grep -q 'not implemented' got.err; then
	echo "cache: the CLI still refuses cache options: $(cat got.err)" >&2
	exit 77
fi
dir=$(cat got.out)
id=${dir##*/}
expect "print-cache-dir names a directory under the location" \
	test "$dir" = "$T/c/$id"
if [ -x "$UP" ]; then
	"$UP" $A --print-cache-dir -L "$T/c" > up.out 2> up.err
	expect "print-cache-dir equals 3.0.8's" test "$(cat up.out)" = "$dir"
else
	expect "directory name is 3.0.8's for linux 6.1 (6b0d76a2.0)" \
		test "$id" = 6b0d76a2.0
fi
expect "print-cache-dir creates nothing" test ! -e "$T/c"

# -QS -W: the entry holds exactly the -S bytes
"$P" $A -QS -W -L "$T/c" prof > s.out 2> got.err
rc=$?
entry=$dir/prof
expect "-QS -W exits 0" test $rc -eq 0
expect "-QS -W writes the entry" test -f "$entry"
expect "entry equals -S output" cmp -s s.out "$entry"
expect "entry is mode 0600" test "$(stat -c %a "$entry")" = 600
expect "feature directory is mode 0700" test "$(stat -c %a "$dir")" = 700
expect ".features holds the features" cmp -s "$F" "$dir/.features"
expect "entry mtime is the newest input's" \
	test "$(mtime "$entry")" = "$(mtime inc/abstractions/mine)"
expect "no temporary file left" test "$(ls -A "$dir" | wc -l)" -eq 2
if [ -x "$UP" ]; then
	"$UP" $A -QS -W -L "$T/up" prof > up.out 2> up.err
	expect "3.0.8 writes into the same directory name" \
		test -f "$T/up/$id/prof"
	"$P" $A -k -Q -L "$T/up" prof > got.out 2> got.err
	expect "an entry 3.0.8 wrote is a valid hit for us" \
		has "Cache hit: $T/up/$id/prof"
fi

# second run reads it
"$P" $A -k -Q -L "$T/c" prof > got.out 2> got.err
expect "second run hits" has "Cache hit: $entry"
expect "second run reports the primary location" \
	has "Cache: added primary location '$T/c'"
expect "second run does not miss" hasnt "Cache miss"

# touching an included abstraction invalidates it
touch -d '2020-01-03 00:00:00.75' inc/abstractions/mine
"$P" $A -k --debug-cache -Q -W -L "$T/c" prof > got.out 2> got.err
expect "touched abstraction: miss" has "Cache miss: prof"
expect "touched abstraction: --debug-cache names it where it is included" \
	has "Warning from prof (prof line 2): $P: file '$T/inc/abstractions/mine' is newer than cache file"
expect "touched abstraction: rewritten" has "Wrote cache: $entry"
expect "rewritten entry has the abstraction's mtime" \
	test "$(mtime "$entry")" = "$(mtime inc/abstractions/mine)"
"$P" $A -k -Q -L "$T/c" prof > got.out 2> got.err
expect "after rewrite: hit again" has "Cache hit: $entry"

# a file added to an included directory invalidates it: 3.0.8 counts
# the directory's mtime (checked: it misses, and stamps the entry with it)
mkdir -p inc/mine.d
printf '/etc/hosts r,\n' > inc/mine.d/one
printf 'profile dprof {\n  #include <mine.d>\n}\n' > dprof
touch -d '2020-01-01 00:00:00' dprof inc/mine.d/one inc/mine.d
"$P" $A -Q -W -L "$T/c" dprof > got.out 2> got.err
printf '/etc/shadow r,\n' > inc/mine.d/two
touch -d '2020-01-01 00:00:00' inc/mine.d/two
"$P" $A -k -Q -L "$T/c" dprof > got.out 2> got.err
expect "file added to an included directory: miss" has "Cache miss: dprof"
rm -f "$dir/dprof"

# touching the profile itself
touch -d '2020-01-04 00:00:00' prof
"$P" $A -k -Q -L "$T/c" prof > got.out 2> got.err
expect "touched profile: miss" has "Cache miss: prof"
"$P" $A -Q -W -L "$T/c" prof > got.out 2> got.err
expect "touched profile: rewritten with its mtime" \
	test "$(mtime "$entry")" = "$(mtime prof)"

# a different features file uses a different directory
cp "$F" f2
printf 'extra {yes\n}\n' >> f2
"$P" --config-file=/dev/null -M f2 -I "$T/inc" --print-cache-dir \
	-L "$T/c" > got.out 2> got.err
dir2=$(cat got.out)
expect "other features: other directory" test -n "$dir2" -a "$dir2" != "$dir"
"$P" --config-file=/dev/null -M f2 -I "$T/inc" -Q -W -L "$T/c" prof \
	> got.out 2> got.err
expect "other features: entry written there" test -f "$dir2/prof"
expect "other features: first directory kept" test -f "$entry"
if [ -x "$UP" ]; then
	"$UP" --config-file=/dev/null -M f2 --print-cache-dir -L "$T/c" \
		> up.out 2> up.err
	expect "other features: 3.0.8 names it the same" \
		test "$(cat up.out)" = "$dir2"
fi

# a truncated entry is detected, recompiled and rewritten
"$P" $A -QS -L "$T/c" prof > s.out 2> got.err
size=$(stat -c %s "$entry")
for cut in 1 15 16 100 $((size / 2)) $((size - 1)); do
	cp "$entry" saved
	truncate -s "$cut" "$entry"
	"$P" $A -k -Q -W -L "$T/c" prof > got.out 2> got.err
	expect "truncated to $cut: miss" has "Cache miss: prof"
	expect "truncated to $cut: rewritten" cmp -s s.out "$entry"
done

# an empty entry, with 3.0.8's --debug-cache text
: > "$entry"
"$P" $A -k --debug-cache -Q -W -L "$T/c" prof > got.out 2> got.err
expect "empty entry: named as 3.0.8 does" has \
	"Warning from prof (prof line 1): $P: Invalid or missing cache file '$entry' (No such file or directory)"
expect "empty entry: rewritten" cmp -s s.out "$entry"

# a corrupted header likewise
printf 'V' | dd of="$entry" bs=1 seek=3 conv=notrunc 2> /dev/null
"$P" $A -k --debug-cache -Q -W -L "$T/c" prof > got.out 2> got.err
expect "corrupt header: miss" has "Cache miss: prof"
expect "corrupt header: --debug-cache says so" \
	grep -qF "cache file '$entry' has wrong header" got.err
expect "corrupt header: rewritten" cmp -s s.out "$entry"

# a complain-mode entry (bit 11 of the version word) is not used
cp "$entry" saved
b13=$(od -An -tu1 -j13 -N1 "$entry" | tr -d ' ')
printf "\\$(printf %o $((b13 | 8)))" |
	dd of="$entry" bs=1 seek=13 conv=notrunc 2> /dev/null
touch -d '2030-01-01' "$entry"
"$P" $A -k --debug-cache -Q -L "$T/c" prof > got.out 2> got.err
expect "complain entry: miss" has "Cache miss: prof"
expect "complain entry: wrong version" \
	grep -qF "cache file '$entry' has wrong version" got.err
cp saved "$entry"

# -T skips reading; with -W it rewrites
touch -d '2030-01-01' "$entry"
"$P" $A -k -Q -T -L "$T/c" prof > got.out 2> got.err
expect "-k -T: reports the miss as 3.0.8 does (CLI must open the cache handle under -k)" has "Cache miss: prof"
expect "-T: no hit" hasnt "Cache hit"
"$P" $A -k -Q -T -W -L "$T/c" prof > got.out 2> got.err
expect "-T -W: rewritten" has "Wrote cache: $entry"
expect "-T -W: mtime back to the newest input" \
	test "$(mtime "$entry")" = "$(mtime prof)"

# -K neither reads nor writes
rm -f "$entry"
"$P" $A -Q -K -W -L "$T/c" prof > got.out 2> got.err
expect "-K -W: nothing written" test ! -e "$entry"

# a missing location without -W only turns the cache off
"$P" $A -k -Q -L "$T/none" prof > got.out 2> got.err
rc=$?
expect "missing location: exit 0" test $rc -eq 0
expect "missing location: -k note" \
	has "Cache read/write disabled: Policy cache is invalid: No such file or directory"
expect "missing location: nothing created" test ! -e "$T/none"

# one that cannot be created with -W only turns writing off
"$P" $A -k -Q -W -L "$T/no/such/dir" prof > got.out 2> got.err
rc=$?
expect "uncreatable location: exit 0" test $rc -eq 0
expect "uncreatable location: -k lines as 3.0.8" test "$(cat got.err)" = \
	"Cache write disabled: Cannot create cache '$T/no/such/dir': No such file or directory
Cache miss: prof"

# a location that is a file is fatal
: > notadir
"$P" $A -Q -W -L "$T/notadir" prof > got.out 2> got.err
rc=$?
expect "file as location: exit 1" test $rc -eq 1
expect "file as location: message" \
	has "Failed setting up policy cache ($T/notadir): Not a directory"

# read-only locations: used when the primary lacks the entry, reported
# in 3.0.8's words; a rewrite goes to the primary only
rm -rf "$T/ro" "$T/pr"
touch -d '2022-01-01' prof inc/abstractions/mine
"$P" $A -Q -W -L "$T/ro" prof > got.out 2> got.err
cp "$T/ro/$id/prof" ro.saved
"$P" $A -k -Q -W -L "$T/pr,$T/ro,$T/none" prof > got.out 2> got.err
expect "read-only location: lines as 3.0.8" test "$(cat got.err)" = \
	"Cache: added primary location '$T/pr'
Warning from stdin (line 1): Cache: added readonly location '$T/ro'
Warning from stdin (line 1): Cache: failed to add read only location '$T/none', does not contain valid cache directory for the specified feature set
Cache hit: $T/ro/$id/prof"
touch -d '2022-01-02' prof
"$P" $A -k -Q -W -L "$T/pr,$T/ro" prof > got.out 2> got.err
expect "read-only location: stale entry rewritten in the primary" \
	has "Wrote cache: $T/pr/$id/prof"
expect "read-only location: left untouched" cmp -s ro.saved "$T/ro/$id/prof"

# a failed write only warns, as 3.0.8 does, and leaves no temporary file
"$P" $A -Q -W -L "$T/c" prof > got.out 2> got.err
rm -f "$entry"
mkdir -p "$entry/x"
"$P" $A -Q -W -L "$T/c" prof > got.out 2> got.err
rc=$?
expect "failed write: exit 0" test $rc -eq 0
expect "failed write: the warning" test "$(cat got.err)" = \
	"Warning from prof (prof line 5): Warning failed to write cache: $entry"
expect "failed write: no temporary file" \
	test "$(ls -A "$dir" | tr '\n' ' ')" = ".features prof "
rm -rf "$entry"

# -k and --debug-cache lines equal 3.0.8's for write, hit, stale include
if [ -x "$UP" ]; then
	touch -d '2021-01-01' prof inc/abstractions/mine
	for who in up ours; do
		if [ $who = up ]; then X=$UP; else X=$P; fi
		L=$T/k-$who
		: > k.$who
		"$X" $A -k --debug-cache -Q -W -L "$L" prof >> k.$who 2>&1
		"$X" $A -k --debug-cache -Q -W -L "$L" prof >> k.$who 2>&1
		touch -d '2021-01-02' inc/abstractions/mine
		"$X" $A -k --debug-cache -Q -W -L "$L" prof >> k.$who 2>&1
		touch -d '2021-01-01' inc/abstractions/mine
		sed -i -e "s|$X|PROG|g" -e "s|$L|LOC|g" k.$who
	done
	if cmp -s k.up k.ours; then
		ok "-k --debug-cache output equals 3.0.8's"
	else
		bad "-k --debug-cache output equals 3.0.8's"
		diff k.up k.ours | sed 's/^/    /'
	fi
fi

# --purge-cache empties the first location and keeps it
"$P" $A -Q -W -L "$T/c" prof > got.out 2> got.err
"$P" $A --purge-cache -L "$T/c" > got.out 2> got.err
rc=$?
expect "--purge-cache exits 0" test $rc -eq 0
expect "--purge-cache keeps the location" test -d "$T/c"
expect "--purge-cache empties it" test -z "$(ls -A "$T/c")"

echo "cache: $((n - fail))/$n passed"
[ $fail -eq 0 ]
