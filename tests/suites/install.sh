#!/bin/sh
# `make install` (issue 5): installs the already-built programs of BUILD
# into a temporary DESTDIR with PREFIX=/usr and then PREFIX=/opt/aacc, and
# checks every file, its mode, that nothing lands outside DESTDIR/PREFIX,
# and that the installed apparmor_parser's --version keeps 3.0.8's first
# line and names this project on the second. The programs are marked with
# make's -o so the install never rebuilds them (BUILD may be a sanitizer
# build). Usage: install.sh BUILD
B=${1:?usage: install.sh BUILD}
cd "$(dirname "$0")/../.." || exit 2
progs=$B/apparmor_parser
for t in tools/aa_*.c; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .c | tr _ -)
	progs="$progs $B/$n"
done
for p in $progs; do
	if [ ! -x "$p" ]; then
		echo "install: $p is not built" >&2
		exit 77
	fi
done
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
nfail=0
fail() {
	echo "install: FAIL: $*" >&2
	nfail=$((nfail + 1))
}
# check_mode FILE MODE
check_mode() {
	if [ ! -f "$1" ]; then
		fail "$1 was not installed"
		return 1
	fi
	got=$(stat -c %a "$1")
	[ "$got" = "$2" ] || fail "$1 has mode $got, expected $2"
}

name=$(sed -n 's/^AC_INIT(\[\([^]]*\)\].*/\1/p' configure.ac)
[ -n "$name" ] || name=aacc
olds=""
for p in $progs; do
	olds="$olds -o $p"
done
i=0
for prefix in /usr /opt/aacc; do
	i=$((i + 1))
	dest=$tmp/dest$i
	d=$dest$prefix
	# shellcheck disable=SC2086
	if ! make -s B="$B" DESTDIR="$dest" PREFIX="$prefix" $olds \
		install >"$tmp/log" 2>&1; then
		cat "$tmp/log" >&2
		fail "make install PREFIX=$prefix failed"
		continue
	fi
	check_mode "$d/sbin/apparmor_parser" 755
	for p in $progs; do
		n=$(basename "$p")
		[ "$n" = apparmor_parser ] && continue
		check_mode "$d/bin/$n" 755
	done
	for m in man8/apparmor_parser.8 man5/apparmor.d.5 man1/aa-dfa.1 \
		man1/aa-policy.1; do
		check_mode "$d/share/man/$m" 644 || continue
		cmp -s "man/$(basename "$m")" "$d/share/man/$m" ||
			fail "$d/share/man/$m differs from man/$(basename "$m")"
	done
	# nothing outside DESTDIR/PREFIX
	stray=$(find "$dest" -type f | grep -v "^$d/" | head -3)
	[ -z "$stray" ] || fail "installed outside $d: $stray"
done

v=$("$tmp/dest1/usr/sbin/apparmor_parser" --version 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "installed apparmor_parser --version exited $rc"
echo "$v" | sed -n 1p | grep -q '^AppArmor parser version [0-9][0-9.]*$' ||
	fail "first --version line is not 'AppArmor parser version N.N.N': $v"
echo "$v" | sed -n 2p | grep -q "^$name version [0-9]" ||
	fail "second --version line does not name $name: $v"
if [ $nfail -ne 0 ]; then
	exit 1
fi
echo "install: $(echo "$progs" | wc -w) programs and 4 man pages installed with DESTDIR and PREFIX"
exit 0
