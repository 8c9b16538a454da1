#!/bin/sh
# make-check entry for the kernel tests (tests/kernel/run.sh): boots
# Debian's kernel under qemu (TCG), loads the test suite's blobs and runs
# every check in enforce mode plus the complain-mode control. Exits 77
# with the reason when qemu, the kernel image or ../shared is missing.
# Usage: tests/suites/kernel.sh BUILD
cd "$(dirname "$0")/../.." || exit 2
if ! command -v qemu-system-x86_64 >/dev/null && [ "$(id -u)" -ne 0 ]; then
	echo "kernel: skipped: qemu-system-x86_64 is not installed (scripts/install-deps.sh)" >&2
	exit 77
fi
exec tests/kernel/run.sh "${1:-build}"
