#!/bin/sh
# Finds Debian's kernel for this release in the cache, downloading and
# unpacking it only when missing, and prints the path of the image to
# boot: the ELF vmlinux unpacked from the bzImage (qemu boots it through
# PVH, about twice as fast) or, if that cannot be had, the bzImage.
# Cache: $AACC_KERNEL_CACHE, default /var/cache/aacc-kernel (or
# ~/.cache/aacc-kernel when that is not writable), one directory per
# package version. Exits 77 with a reason when no kernel can be had.
set -u
say() { echo "fetch-kernel: $*" >&2; }

# The package linux-image-amd64 depends on, with its exact version, e.g.
# "Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)": one apt-cache call.
dep=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
	sed -n 's/^Depends: .*\(linux-image-[0-9][^ ,]*\) (= \([^)]*\)).*/\1 \2/p' |
	head -n 1)
pkg=${dep% *}
ver=${dep#* }

# A cache that already holds the kernel is used even when it is read-only
# (a user run after a root run); otherwise the first writable one.
primary=${AACC_KERNEL_CACHE:-/var/cache/aacc-kernel}
fallback=${XDG_CACHE_HOME:-$HOME/.cache}/aacc-kernel
cache=""
for c in "$primary" "$fallback"; do
	if [ -n "$pkg" ] && [ -n "$ver" ] && [ -s "$c/${pkg}_$ver/vmlinuz" ]; then
		cache=$c
		break
	fi
done
if [ -z "$cache" ]; then
	for c in "$primary" "$fallback"; do
		if mkdir -p "$c" 2>/dev/null && [ -w "$c" ]; then
			cache=$c
			break
		fi
	done
fi
[ -n "$cache" ] || { say "no writable cache directory ($primary, $fallback)"; exit 77; }

if [ -z "$pkg" ] || [ -z "$ver" ]; then
	# No apt metadata: use the newest kernel already cached.
	dir=$(ls -d "$primary"/linux-image-*_* "$fallback"/linux-image-*_* \
		2>/dev/null | sort -V | tail -n 1)
	if [ -z "$dir" ]; then
		say "apt-cache cannot name linux-image-amd64's kernel and none is cached in $primary"
		exit 77
	fi
else
	dir=$cache/${pkg}_$ver
fi

if [ ! -s "$dir/vmlinuz" ]; then
	tmp=$(mktemp -d "$cache/.dl.XXXXXX") || exit 77
	say "downloading $pkg $ver into $dir"
	if ! (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>&1); then
		say "apt-get download $pkg=$ver failed"
		rm -rf "$tmp"
		exit 77
	fi
	if ! dpkg-deb -x "$tmp"/*.deb "$tmp/x"; then
		rm -rf "$tmp"
		exit 77
	fi
	mkdir -p "$dir"
	cp "$tmp"/x/boot/config-* "$dir/config" &&
		mv "$tmp"/x/boot/vmlinuz-* "$dir/vmlinuz"
	rm -rf "$tmp"
	[ -s "$dir/vmlinuz" ] || { say "no vmlinuz in $pkg"; exit 77; }
fi

# The bzImage carries the kernel as an xz stream: find the xz magic
# (FD 37 7A 58 5A 00) and decompress from there; keep it if it is ELF.
if [ ! -s "$dir/vmlinux" ] && [ ! -e "$dir/vmlinux.none" ] && [ -w "$dir" ]; then
	for off in $(LC_ALL=C grep -obUa "$(printf '\3757zXZ')" \
			"$dir/vmlinuz" 2>/dev/null | cut -d: -f1); do
		tail -c +$((off + 1)) "$dir/vmlinuz" |
			xz -dc --single-stream > "$dir/vmlinux.$$" 2>/dev/null
		if [ "$(head -c 4 "$dir/vmlinux.$$" | od -An -c | tr -d ' ')" = '177ELF' ]; then
			mv "$dir/vmlinux.$$" "$dir/vmlinux"
			break
		fi
	done
	rm -f "$dir/vmlinux.$$"
	[ -s "$dir/vmlinux" ] || : > "$dir/vmlinux.none"
fi

if [ -s "$dir/vmlinux" ] && [ "${AACC_KERNEL_BZIMAGE:-0}" != 1 ]; then
	echo "$dir/vmlinux"
else
	echo "$dir/vmlinuz"
fi
