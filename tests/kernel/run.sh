#!/bin/sh
# Kernel tests: compiles the profiles in tests/kernel/suite/ with the
# compiler under test, boots Debian's kernel under qemu (TCG) with a
# busybox initramfs holding the blobs, the probe and the checks, loads
# the blobs, runs every check in enforce mode and again with the profiles
# compiled in complain mode (the negative control), and compares.
#
# usage: tests/kernel/run.sh [BUILD]
# env:   AACC_KERNEL_COMPILER  compiler to test (default: DEFAULT_COMPILER)
#        AACC_KERNEL_EXTENSIONS=0|1  run "#@ REQUIRES aacc" files (default:
#                              1 when the compiler is not 3.0.8)
#        AACC_KERNEL_CONTROL=0 skip the complain-mode pass
#        AACC_KERNEL_ONLY=GLOB only suite files matching GLOB
#        AACC_KERNEL_CORPUS=0  skip loading the compiled Debian profiles
#        AACC_KERNEL_CLI=0     skip the stage where the compiler under test
#                              loads policy itself (cli/scenario.sh)
#        AACC_KERNEL_BOOT=full its boot step loads all of /etc/apparmor.d,
#                              not three of its profiles
#        AACC_KERNEL_NOVM=1    only compile the suite (and corpus); no VM
#        AACC_KERNEL_TIMEOUT   seconds before the VM is killed (480)
#        AACC_KERNEL_VERBOSE=1 print every check, not only failures
#        AACC_KERNEL_DMESG=1   keep the VM's apparmor audit lines in the log
#        AACC_KERNEL_SMP       guest CPUs (1: measured faster under TCG)
#        AACC_KERNEL_CACHE     kernel cache directory (fetch-kernel.sh)
# exit:  0 all passed, 1 a failure, 77 skipped (no qemu, kernel, features)
set -u

# The compiler under test: our build. Debian's 3.0.8 is still a valid
# subject (AACC_KERNEL_COMPILER=/sbin/apparmor_parser): the suite and the
# cli scenario were first validated with it.
DEFAULT_COMPILER='$B/apparmor_parser'

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
B=${1:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
work=$B/kernel
suite=$here/suite
skip() { echo "kernel: skipped: $*" >&2; exit 77; }
die() { echo "kernel: FAILED: $*" >&2; exit 1; }

compiler=${AACC_KERNEL_COMPILER:-$(eval echo "$DEFAULT_COMPILER")}

# --- host tools ------------------------------------------------------------
static_busybox() {
	[ -x /bin/busybox ] || return 1
	if command -v readelf >/dev/null; then
		! readelf -l /bin/busybox | grep -q 'program interpreter'
	else
		dpkg-query -W -f='${Status}' busybox-static 2>/dev/null |
			grep -q 'ok installed'
	fi
}
need_pkgs() {
	p=""
	command -v qemu-system-x86_64 >/dev/null || p="$p qemu-system-x86"
	static_busybox || p="$p busybox-static"
	command -v cpio >/dev/null || p="$p cpio"
	command -v xz >/dev/null || p="$p xz-utils"
	command -v gcc >/dev/null || p="$p gcc libc6-dev"
	echo "$p"
}
missing=$(need_pkgs)
if [ -n "$missing" ] && [ "$(id -u)" -eq 0 ]; then
	echo "kernel: installing$missing" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $missing >/dev/null 2>&1; }
	missing=$(need_pkgs)
fi
[ -z "$missing" ] || skip "missing packages:$missing (run as root to install them)"

feat=$top/../shared/features/linux-6.1-debian.features
[ -r "$feat" ] || skip "no features file $feat (../shared is absent)"
[ -x "$compiler" ] || skip "compiler $compiler not built"

kernel=$("$here/fetch-kernel.sh") || skip "no kernel image (see fetch-kernel.sh messages)"

if [ -z "${AACC_KERNEL_EXTENSIONS:-}" ]; then
	if "$compiler" --version 2>/dev/null | grep -q 'Novell'; then
		AACC_KERNEL_EXTENSIONS=0
	else
		AACC_KERNEL_EXTENSIONS=1
	fi
fi

# --- build the probe, the runner and the blobs --------------------------------
rm -rf "$work"
mkdir -p "$work/root/bin" "$work/root/kt/enforce" "$work/root/kt/complain" ||
	die "cannot create $work"
warn="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings -Wundef -Wformat=2"
for p in probe runner; do
	gcc -std=c11 -D_GNU_SOURCE -static -O2 $warn -o "$work/$p" \
		"$here/$p.c" || die "cannot build $p.c"
done
cp "$work/probe" "$work/root/bin/probe"
cp "$work/runner" "$work/root/bin/ktrun"
cp /bin/busybox "$work/root/bin/busybox"
cp "$here/init.sh" "$work/root/init"
chmod 755 "$work/root/init"

# The compiler under test goes into the VM too, with the shared libraries
# it needs (libapparmor, libc, the loader), for cli/scenario.sh: it loads,
# replaces and removes policy itself there.
if [ "${AACC_KERNEL_CLI:-1}" != 0 ]; then
	cp -L "$compiler" "$work/root/bin/apparmor_parser" ||
		die "cannot copy $compiler"
	for lib in $(ldd "$compiler" 2>/dev/null |
		sed -n 's|.*=> \(/[^ ]*\) .*|\1|p; s|^[[:space:]]*\(/[^ ]*\) .*|\1|p'); do
		mkdir -p "$work/root$(dirname "$lib")"
		cp -L "$lib" "$work/root$lib" || die "cannot copy $lib"
	done
	mkdir -p "$work/root/kt/cli/include" "$work/root/etc/apparmor"
	cp -a "$here/cli/src" "$work/root/kt/cli/src"
	cp "$here/cli/scenario.sh" "$work/root/kt/cli/scenario.sh"
	cp "$suite/include/kt-base" "$work/root/kt/cli/include/"
	cp "$feat" "$work/root/kt/cli/features"
	[ "$AACC_KERNEL_EXTENSIONS" = 1 ] && : > "$work/root/kt/cli/aacc"
	# the boot step loads this machine's /etc/apparmor.d with Debian's
	# parser.conf and pinned policy features, as apparmor.service does:
	# every directory (abstractions, tunables, ...) and, unless
	# AACC_KERNEL_BOOT=full, only a few profile files (the whole set takes
	# 45 s under TCG with our compiler, 200 s with 3.0.8, longer than the
	# VM's timeout with a sanitizer build)
	mkdir -p "$work/root/etc/apparmor.d"
	for f in /etc/apparmor.d/*; do
		if [ ! -d "$f" ] && [ "${AACC_KERNEL_BOOT:-}" != full ]; then
			case ${f##*/} in
			bin.ping|sbin.klogd|usr.sbin.identd) ;;
			*) continue ;;
			esac
		fi
		cp -a "$f" "$work/root/etc/apparmor.d/" ||
			die "cannot copy $f"
	done
	pf=/usr/share/apparmor-features/features
	if [ -r /etc/apparmor/parser.conf ] && [ -r $pf ]; then
		mkdir -p "$work/root$(dirname $pf)"
		cp $pf "$work/root$pf"
		cp /etc/apparmor/parser.conf "$work/root/etc/apparmor/"
	else
		echo 'policy-features=/kt/cli/features' \
			> "$work/root/etc/apparmor/parser.conf"
	fi
	echo 'Include=/kt/cli/include' >> "$work/root/etc/apparmor/parser.conf"
fi

passes="enforce"
[ "${AACC_KERNEL_CONTROL:-1}" = 0 ] || passes="enforce complain"
echo "$passes" > "$work/root/kt/passes"

files=""
nskip=0
for f in "$suite"/*.sd; do
	n=$(basename "$f" .sd)
	case $n in ${AACC_KERNEL_ONLY:-*}) ;; *) continue ;; esac
	if grep -q '^#@ REQUIRES aacc' "$f" && [ "$AACC_KERNEL_EXTENSIONS" != 1 ]; then
		nskip=$((nskip + 1))
		continue
	fi
	files="$files $f"
done
[ -n "$files" ] || die "no suite files selected"

# A file that does not compile is left out of the VM; its checks count as
# failed, in both passes.
cfail=0
good=""
for f in $files; do
	n=$(basename "$f" .sd)
	ok=1
	for mode in enforce complain; do
		flag=""
		[ $mode = complain ] && flag=-C
		if ! "$compiler" --config-file=/dev/null -QS $flag -M "$feat" \
			-I "$suite/include" "$f" > "$work/root/kt/$mode/$n.bin" \
			2> "$work/$n.$mode.err"; then
			echo "kernel: $compiler failed on $n.sd ($mode):" >&2
			sed 's/^/  /' "$work/$n.$mode.err" >&2
			ok=0
		fi
	done
	if [ $ok = 1 ]; then
		good="$good $f"
	else
		rm -f "$work/root/kt/enforce/$n.bin" "$work/root/kt/complain/$n.bin"
		cfail=$((cfail + $(grep -c '^#@ CHECK ' "$f")))
	fi
done
[ -n "$good" ] || die "no suite file compiles"

# The Debian profiles (apparmor, apparmor-profiles, apparmor-profiles-extra)
# compiled with the same compiler: every blob must load. Compiled in
# parallel; a profile the compiler refuses is only counted.
ncorpus=0
nrefused=0
if [ "${AACC_KERNEL_CORPUS:-1}" != 0 ]; then
	mkdir -p "$work/root/kt/corpus"
	for d in /etc/apparmor.d /usr/share/apparmor/extra-profiles; do
		[ -d "$d" ] || continue
		find "$d" -maxdepth 1 -type f ! -name README ! -name '*.md' |
			LC_ALL=C sort
	done > "$work/corpus.list"
	# Reuse the blobs of an earlier run when the compiler binary, the
	# features and every file under the profile directories are the same.
	key=$( (cat "$compiler" "$feat"; find /etc/apparmor.d \
		/usr/share/apparmor/extra-profiles -type f 2>/dev/null |
		LC_ALL=C sort | xargs cat) | md5sum | cut -c1-16)
	cache=$B/kernel-corpus/$key
	if [ ! -f "$cache/done" ]; then
		rm -rf "$B/kernel-corpus"
		mkdir -p "$cache"
		export compiler feat cache
		tr '\n' '\0' < "$work/corpus.list" |
		xargs -0 -r -P "$(nproc)" -n 1 sh -c '
			n=$(echo "$1" | sed "s|^/etc/apparmor.d/|etc.|; s|^/usr/share/apparmor/extra-profiles/|extra.|")
			"$compiler" --config-file=/dev/null -QS -M "$feat" "$1" \
				> "$cache/$n.bin" 2> "$cache/$n.err" ||
				rm -f "$cache/$n.bin"' sh
		: > "$cache/done"
	fi
	cp "$cache"/*.bin "$work/root/kt/corpus/" 2>/dev/null
	ncorpus=$(ls "$work/root/kt/corpus" | wc -l)
	nrefused=$(($(wc -l < "$work/corpus.list") - ncorpus))
fi

# checks file: per suite file an AREA line, its fixtures, its checks
awk '
FNR == 1 { n = FILENAME; sub(/.*\//, "", n); sub(/\.sd$/, "", n);
	   print "AREA " n }
/^#@ (DIR|FILE|BIN|XATTR|MOUNT) / { sub(/^#@ /, ""); print }
/^#@ CHECK / { sub(/^#@ CHECK /, ""); print "CHECK " n ":" FNR " " $0 }
' $good > "$work/root/kt/checks"
nchecks=$(grep -c '^CHECK ' "$work/root/kt/checks")

if [ "${AACC_KERNEL_NOVM:-0}" = 1 ]; then
	echo "kernel: compiled $(echo $good | wc -w) suite files ($nchecks checks), $cfail checks in files that did not compile; $ncorpus Debian blobs, $nrefused profiles refused; no VM run"
	[ $cfail = 0 ]
	exit
fi

(cd "$work/root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet |
	gzip -1) > "$work/initrd.gz" || die "cannot pack the initramfs"

# --- boot --------------------------------------------------------------------
echo "kernel: $nchecks checks from $(echo $good | wc -w) files ($nskip files need our compiler and were left out), compiler $compiler, kernel $kernel" >&2
start=$(date +%s)
timeout "${AACC_KERNEL_TIMEOUT:-480}" qemu-system-x86_64 -accel tcg -cpu max \
	-m 512 -smp "${AACC_KERNEL_SMP:-1}" -display none -nodefaults -no-reboot -serial stdio \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 apparmor=1 security=apparmor kt.dmesg=${AACC_KERNEL_DMESG:-0}" \
	< /dev/null > "$work/serial.log" 2>&1
qrc=$?
tr -d '\r' < "$work/serial.log" > "$work/serial.txt"
echo "kernel: VM ran $(($(date +%s) - start)) s (qemu exit $qrc), log $work/serial.txt" >&2

# --- results -------------------------------------------------------------------
grep '^KT LOAD FAIL\|^KT ABORT' "$work/serial.txt" >&2
[ "${AACC_KERNEL_DMESG:-0}" = 1 ] ||
	grep '^KT DMESG' "$work/serial.txt" >&2
bad=0
grep -q '^KT LOAD FAIL\|^KT ABORT' "$work/serial.txt" && bad=1
for p in $passes; do
	if [ "${AACC_KERNEL_VERBOSE:-0}" = 1 ]; then
		grep "^KT $p \(PASS\|FAIL\) " "$work/serial.txt" | cut -d' ' -f2- >&2
	fi
	if ! grep -q "^KT $p SUMMARY" "$work/serial.txt"; then
		echo "kernel: $p pass: no summary (crash, hang or timeout); last lines:" >&2
		tail -n 15 "$work/serial.txt" | sed 's/^/  /' >&2
		bad=1
	fi
done

# corpus: every compiled Debian profile loads
if [ "$ncorpus" -gt 0 ]; then
	lok=$(grep -c '^KT CORPUS OK ' "$work/serial.txt")
	lfail=$(grep -c '^KT CORPUS FAIL ' "$work/serial.txt")
	grep '^KT CORPUS FAIL \|^KT CORPUS DMESG' "$work/serial.txt" | cut -d' ' -f2- >&2
	echo "kernel: Debian profiles: $lok of $ncorpus blobs loaded, $lfail rejected ($nrefused profiles not compiled by $compiler)"
	[ "$lok" -eq "$ncorpus" ] || bad=1
fi

# the compiler under test loading policy in the VM (cli/scenario.sh):
# every check passes and the scenario ran to its end
if [ "${AACC_KERNEL_CLI:-1}" != 0 ]; then
	# lines ending "# aacc" check what only our compiler does
	cw=$(grep -E '^[[:space:]]*(ck_[a-z]+ |CHECK |\[ .* && ck_)' \
		"$here/cli/scenario.sh" | if [ "$AACC_KERNEL_EXTENSIONS" = 1 ]
		then cat; else grep -v '# aacc$'; fi | wc -l)
	cp=$(grep -c '^KT cli PASS ' "$work/serial.txt")
	cf=$(grep -c '^KT cli FAIL ' "$work/serial.txt")
	[ "${AACC_KERNEL_VERBOSE:-0}" = 1 ] &&
		grep '^KT cli \(PASS\|FAIL\) ' "$work/serial.txt" | cut -d' ' -f2- >&2
	grep '^KT cli FAIL \|^KT cli OUT ' "$work/serial.txt" | cut -d' ' -f2- >&2
	if ! grep -q '^KT cli END' "$work/serial.txt"; then
		echo "kernel: cli: the scenario did not end (crash, hang or timeout)" >&2
		bad=1
	fi
	who=$(sed -n 's/^KT cli BEGIN //p' "$work/serial.txt")
	echo "kernel: cli ($who): $cp passed, $cf failed," \
		"$((cw - cp - cf)) missing of $cw checks"
	[ "$cf" -eq 0 ] && [ "$cp" -eq "$cw" ] || bad=1
fi

# enforce: every check must pass
ep=$(grep -c '^KT enforce PASS ' "$work/serial.txt")
ef=$(grep -c '^KT enforce FAIL ' "$work/serial.txt")
if [ "${AACC_KERNEL_VERBOSE:-0}" != 1 ]; then
	grep '^KT enforce FAIL ' "$work/serial.txt" | cut -d' ' -f2- >&2
fi
[ "$ef" -eq 0 ] && [ "$((ep + ef))" -eq "$nchecks" ] || bad=1
if [ $cfail -gt 0 ]; then
	ef=$((ef + cfail))
	bad=1
	echo "kernel: $cfail checks failed because their file did not compile"
fi
echo "kernel: enforce: $ep passed, $ef failed"

# complain: exactly the checks expecting a DENY fail, except those marked
# "explicit" (a deny rule) or "always" (refused in complain mode too)
if [ "${AACC_KERNEL_CONTROL:-1}" != 0 ]; then
	awk '$1 == "CHECK" && $(NF) == "DENY" { print $2 }' \
		"$work/root/kt/checks" | LC_ALL=C sort > "$work/control.want"
	grep '^KT complain FAIL ' "$work/serial.txt" | cut -d' ' -f4 |
		LC_ALL=C sort > "$work/control.got"
	cp=$(grep -c '^KT complain PASS ' "$work/serial.txt")
	cf=$(wc -l < "$work/control.got")
	cw=$(wc -l < "$work/control.want")
	ce=$(awk '$1 == "CHECK" && $(NF - 1) == "DENY" && $(NF) != "DENY"' \
		"$work/root/kt/checks" | wc -l)
	LC_ALL=C comm -23 "$work/control.want" "$work/control.got" |
		sed 's/^/kernel: control: passed in complain mode, but it is a denial check: /' >&2
	LC_ALL=C comm -13 "$work/control.want" "$work/control.got" |
		sed 's/^/kernel: control: failed in complain mode, but it is not a denial check: /' >&2
	if cmp -s "$work/control.want" "$work/control.got" &&
	   [ "$((cp + cf))" -eq "$nchecks" ]; then
		echo "kernel: control (complain mode): $cf failed as required ($cw denial checks), $cp passed (incl. $ce denials that hold in complain mode)"
	else
		echo "kernel: control (complain mode): MISMATCH: $cf failed, $cw denial checks expected to fail"
		bad=1
	fi
fi

echo "kernel: $ep passed, $ef failed"
exit $bad
