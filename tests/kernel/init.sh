#!/bin/busybox sh
# /init of the kernel-test initramfs. Stage 1 copies the initramfs into a
# tmpfs and switch_roots into it (pivot_root cannot leave rootfs). Stage 2
# mounts the pseudo file systems, loads the enforce blobs (one write each),
# runs the checks, replaces them with the complain blobs, runs the checks
# again, lets the compiler under test load policy itself (cli/scenario.sh),
# loads the compiled Debian profiles, and powers off. Every result line
# starts with "KT ".
bb=/bin/busybox
if [ ! -e /.stage2 ]; then
	$bb mkdir -p /newroot
	$bb mount -t tmpfs -o mode=0755 tmpfs /newroot
	for d in /*; do
		case $d in /newroot|/proc|/sys|/dev|/root) ;;
		*) $bb cp -a $d /newroot/ ;;
		esac
	done
	$bb touch /newroot/.stage2
	exec $bb switch_root /newroot /init
fi

$bb --install -s /bin
mkdir -p /proc /sys /dev /tmp /mnt
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t securityfs securityfs /sys/kernel/security
mount -t tmpfs tmpfs /tmp
echo 0 > /proc/sys/kernel/printk_ratelimit
echo 0 > /proc/sys/kernel/yama/ptrace_scope 2>/dev/null
ip link set lo up 2>/dev/null

echo "KT BOOT $(uname -r) $(cut -d' ' -f1 /proc/uptime)"
if [ ! -e /sys/kernel/security/apparmor/.replace ]; then
	echo "KT ABORT apparmor is not enabled"
	poweroff -f
fi

# pass NAME: load /kt/NAME/*.bin, then run the checks
pass() {
	grep -q 'kt.dmesg=1' /proc/cmdline || dmesg -c > /dev/null
	if ! /bin/ktrun load /kt/$1/*.bin; then
		dmesg | grep 'apparmor="STATUS"' | sed 's/^/KT DMESG /'
	fi
	/bin/ktrun run $1 /kt/checks
}

for p in $(cat /kt/passes); do
	pass "$p"
done
# The compiler under test loads policy itself (before the Debian
# profiles, so that none of them attaches to its programs).
if [ -x /bin/apparmor_parser ] && [ -f /kt/cli/scenario.sh ]; then
	dmesg -c > /dev/null
	sh /kt/cli/scenario.sh
fi
# The compiled Debian profiles: each must load (one write each).
if [ -d /kt/corpus ]; then
	dmesg -c > /dev/null
	/bin/ktrun load /kt/corpus/*.bin | sed 's/^KT LOAD /KT CORPUS /'
	dmesg | grep 'apparmor="STATUS"' | grep 'error=' |
		sed 's/^/KT CORPUS DMESG /'
fi
if grep -q 'kt.dmesg=1' /proc/cmdline; then
	dmesg | grep 'apparmor=' | sed 's/^/KT DMESG /'
fi
echo "KT DONE $(cut -d' ' -f1 /proc/uptime)"
poweroff -f
