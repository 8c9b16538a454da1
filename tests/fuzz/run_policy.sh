#!/bin/sh
# Builds the libFuzzer target for the blob reader (fuzz_policy.c) with
# clang -fsanitize=fuzzer,address,undefined and runs it for a while on a
# seed corpus of blobs compiled by /sbin/apparmor_parser (if present).
# Usage: tests/fuzz/run_policy.sh [BUILD_DIR] [SECONDS]
# Crashes are left as BUILD_DIR/fuzz-policy/crash-*; exit 1 if any.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-build-fuzz-policy}
secs=${2:-${FUZZ_SECONDS:-120}}
cd "$top" || exit 2
command -v clang >/dev/null || { echo "run_policy: clang not found" >&2; exit 77; }
out="$top/$B/fuzz-policy"
mkdir -p "$out/corpus" || exit 2
clang -std=c11 -D_GNU_SOURCE -O1 -g -Iinclude \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-o "$out/fuzz_policy" tests/fuzz/fuzz_policy.c \
	backend/policy_read.c backend/policy_query.c backend/policy_diff.c \
	lib/arena.c || exit 2
ap=/sbin/apparmor_parser
feat="$top/../shared/features/linux-6.1-debian.features"
if [ -x "$ap" ] && [ -f "$feat" ]; then
	# the 6.1 features plus policy/diff_encode, so seeds also carry
	# diff-encoded states (6.1 loads them although it does not advertise it)
	sed 's/^policy {/policy {diff_encode {yes\
}\
/' "$feat" >"$out/features-de"
	n=0
	for prof in 'profile a { /etc/hostname r, }' \
		'profile b /usr/bin/b* xattrs=(user.x=y) { /x/** rwk, /bin/c px -> a, capability chown, }' \
		'profile c { network inet stream, signal send set=(term) peer=a, ptrace read peer=b, mount fstype=ext4 /dev/sda1 -> /mnt/, umount /m/, pivot_root oldroot=/o/ /n/, ^h { owner /t w, } }' \
		'profile :ns:d flags=(complain) { set rlimit nofile <= 10, deny /e w, audit /f r, change_profile -> a, link subset /l -> /t, }'; do
		n=$((n + 1))
		printf '%s\n' "$prof" | "$ap" -QS -M "$feat" --config-file=/dev/null \
			> "$out/corpus/seed$n" 2>/dev/null || rm -f "$out/corpus/seed$n"
		printf '%s\n' "$prof" | "$ap" -QS -M "$feat" --config-file=/dev/null \
			-O equiv > "$out/corpus/seed${n}eq" 2>/dev/null ||
			rm -f "$out/corpus/seed${n}eq"
		printf '%s\n' "$prof" | "$ap" -QS -M "$out/features-de" \
			--config-file=/dev/null -O diff-encode \
			> "$out/corpus/seed${n}de" 2>/dev/null ||
			rm -f "$out/corpus/seed${n}de"
	done
	# a real Debian profile with diff-encoded and equivalence-class DFAs
	if [ -f /etc/apparmor.d/sbin.klogd ]; then
		"$ap" -QS -M "$out/features-de" --config-file=/dev/null \
			-I /etc/apparmor.d -O diff-encode -O equiv \
			/etc/apparmor.d/sbin.klogd >"$out/corpus/klogd" \
			2>/dev/null || rm -f "$out/corpus/klogd"
	fi
fi
cd "$out" || exit 2
rm -f crash-* leak-* timeout-*
./fuzz_policy -max_total_time="$secs" -max_len=65536 -timeout=10 \
	-print_final_stats=1 corpus >fuzz.log 2>&1
rc=$?
tail -n 20 fuzz.log
if ls crash-* leak-* timeout-* >/dev/null 2>&1; then
	echo "run_policy: failures found in $out" >&2
	exit 1
fi
[ $rc -eq 0 ] || exit 1
echo "run_policy: no crash in ${secs}s"
