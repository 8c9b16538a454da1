#!/bin/sh
# Installs the Debian packages needed to build and test the compiler.
# Idempotent: does nothing heavy when every package is already present.
set -e
PKGS="build-essential autoconf automake pkg-config flex bison re2c \
libcmocka-dev libapparmor-dev clang apparmor apparmor-profiles \
apparmor-profiles-extra python3 time qemu-system-x86 busybox-static cpio \
xz-utils zstd"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: missing packages:$missing (run as root)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi
