#!/bin/sh
# aa-policy end to end on blobs compiled by Debian's apparmor_parser 3.0.8:
# dump and query small profiles, diff a profile against itself and against
# a one-rule change, reject malformed blobs with exit 2 and an offset, and
# diff every Debian profile compiled with and without -O no-minimize /
# -O equiv (all must be equal). Usage: aa_policy.sh BUILD_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: aa_policy.sh BUILD_DIR}
case $B in /*) ;; *) B="$top/$B" ;; esac
AP=/sbin/apparmor_parser
FEAT="$top/../shared/features/linux-6.1-debian.features"
POL="$B/aa-policy"

[ -x "$AP" ] || { echo "aa_policy: $AP not installed" >&2; exit 77; }
[ -f "$FEAT" ] || { echo "aa_policy: $FEAT missing" >&2; exit 77; }
[ -x "$POL" ] || { echo "aa_policy: $POL not built" >&2; exit 1; }

T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
checks=0

ok() { checks=$((checks + 1)); }
bad() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL: $*"
}

compile() { # out profile-file [options...]
	out=$1 src=$2
	shift 2
	"$AP" -QS -M "$FEAT" --config-file=/dev/null -I /etc/apparmor.d "$@" \
		"$src" >"$out" 2>"$T/ap.err" || {
		echo "aa_policy: apparmor_parser failed on $src:" >&2
		cat "$T/ap.err" >&2
		exit 2
	}
}

expect() { # name expected-rc command...
	name=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		bad "$name: exit $rc, expected $want"
		sed 's/^/    /' "$T/out" "$T/err" | head -20
	fi
}

has() { # name pattern file
	if grep -q -- "$2" "$3"; then ok; else
		bad "$1: no line matching '$2' in output"
		sed 's/^/    /' "$3" | head -20
	fi
}

cat >"$T/small.sd" <<'EOF'
profile small {
  /etc/hostname r,
  owner /tmp/own rw,
  /usr/bin/tool px -> helper,
  capability chown,
  network inet stream,
  signal send set=(term) peer=helper,
  ptrace read peer=helper,
  mount fstype=tmpfs tmpfs -> /mnt/,
  set rlimit nofile <= 1024,
  ^hat { /tmp/hat r, }
}
EOF
sed 's#/etc/hostname r,#/etc/hostname rw,#' "$T/small.sd" >"$T/small2.sd"
compile "$T/small.bin" "$T/small.sd"
compile "$T/small2.bin" "$T/small2.sd"
compile "$T/small_nomin.bin" "$T/small.sd" -O no-minimize -O equiv

# dump
expect dump 0 "$POL" dump "$T/small.bin"
has dump-name '^profile small$' "$T/out"
has dump-hat '^profile small//hat$' "$T/out"
has dump-hatflag 'flags *0x1 hat' "$T/out"
has dump-caps 'caps.allow *0x1 chown' "$T/out"
has dump-rlimit 'rlimits *mask 0x80 nofile=1024' "$T/out"
has dump-xtable 'xtable *\[0\] (exec index 4) helper' "$T/out"
has dump-mediates 'mediates.* signal(10' "$T/out"
expect dump-states 0 "$POL" dump --states --profile small//hat "$T/small.bin"
has dump-states-edge '-> [0-9]' "$T/out"

# query
expect query-read 0 "$POL" query "$T/small.bin" small file /etc/hostname r
has query-read-other 'other: r$' "$T/out"
expect query-write 1 "$POL" query "$T/small.bin" small file /etc/hostname w
expect query-shadow 1 "$POL" query "$T/small.bin" small file /etc/shadow
expect query-owner 0 "$POL" query "$T/small.bin" small file /tmp/own
has query-owner-half 'owner: wra' "$T/out"
has query-owner-other 'other: -' "$T/out"
expect query-owner-mode 0 "$POL" query "$T/small.bin" small file /tmp/own owner:rw
expect query-other-mode 1 "$POL" query "$T/small.bin" small file /tmp/own rw
expect query-exec 0 "$POL" query "$T/small.bin" small file /usr/bin/tool x
has query-exec-target 'exec: xtable entry helper' "$T/out"
expect query-cap 0 "$POL" query "$T/small.bin" small capability chown
expect query-cap-no 1 "$POL" query "$T/small.bin" small capability sys_admin
expect query-net 0 "$POL" query "$T/small.bin" small network inet stream connect
expect query-net-no 1 "$POL" query "$T/small.bin" small network inet dgram
expect query-sig 0 "$POL" query "$T/small.bin" small signal send term peer=helper
expect query-sig-no 1 "$POL" query "$T/small.bin" small signal send hup peer=helper
expect query-ptrace 0 "$POL" query "$T/small.bin" small ptrace read peer=helper
expect query-ptrace-no 1 "$POL" query "$T/small.bin" small ptrace trace peer=helper
expect query-mount 0 "$POL" query "$T/small.bin" small mount point=/mnt/ \
	source=tmpfs fstype=tmpfs
expect query-mount-no 1 "$POL" query "$T/small.bin" small mount point=/mnt/ \
	source=tmpfs fstype=ext4
expect query-hat 0 "$POL" query "$T/small.bin" small//hat file /tmp/hat r
expect query-noprofile 2 "$POL" query "$T/small.bin" nosuch file /x
expect query-badclass 2 "$POL" query "$T/small.bin" small frob x

# diff
expect diff-self 0 "$POL" diff "$T/small.bin" "$T/small.bin"
expect diff-layout 0 "$POL" diff "$T/small.bin" "$T/small_nomin.bin"
expect diff-onerule 1 "$POL" diff "$T/small.bin" "$T/small2.bin"
has diff-onerule-string 'file "/etc/hostname"' "$T/out"
has diff-onerule-old '- owner: r; other: r' "$T/out"
has diff-onerule-new '+ owner: wra; other: wra' "$T/out"

# malformed input
head -c 100 "$T/small.bin" >"$T/trunc.bin"
expect malformed-trunc 2 "$POL" dump "$T/trunc.bin"
has malformed-trunc-offset 'malformed policy: offset [0-9]' "$T/err"
printf 'garbage' >"$T/garbage.bin"
expect malformed-garbage 2 "$POL" diff "$T/garbage.bin" "$T/small.bin"
has malformed-garbage-msg 'expected the "version" U32' "$T/err"
expect missing-file 2 "$POL" dump "$T/nonexistent.bin"

# every Debian profile, compiled with different layouts
for dir in /etc/apparmor.d /usr/share/apparmor/extra-profiles; do
	[ -d "$dir" ] || continue
	files=$(find "$dir" -maxdepth 1 -type f ! -name README | sort)
	[ -n "$files" ] || continue
	tag=$(basename "$dir")
	# shellcheck disable=SC2086
	"$AP" -QS -M "$FEAT" --config-file=/dev/null -I /etc/apparmor.d \
		$files >"$T/$tag.a.bin" 2>"$T/ap.err" ||
		{ bad "apparmor_parser failed on $dir"; continue; }
	# shellcheck disable=SC2086
	"$AP" -QS -M "$FEAT" --config-file=/dev/null -I /etc/apparmor.d \
		-O no-minimize -O equiv $files >"$T/$tag.b.bin" 2>"$T/ap.err" ||
		{ bad "apparmor_parser -O no-minimize failed on $dir"; continue; }
	expect "debian-$tag" 0 "$POL" diff "$T/$tag.a.bin" "$T/$tag.b.bin"
	cat "$T/out" | tail -n 1
	expect "debian-$tag-dump" 0 "$POL" dump "$T/$tag.b.bin"
done

echo "aa_policy: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
