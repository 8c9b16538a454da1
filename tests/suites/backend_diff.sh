#!/bin/sh
# Differential test of the backend against Debian's apparmor_parser 3.0.8:
# small profiles covering each rule kind, then every Debian profile
# (/etc/apparmor.d, /usr/share/apparmor/extra-profiles), compiled by both
# with the 6.1 features and compared with `aa-policy diff` (file, policydb
# and attachment automata, xtable targets, caps, flags, rlimits).
# Our side is compiled by the test-only driver mode of test_be_compile.
# Usage: backend_diff.sh BUILD   (exit 0 pass, 77 skip, 1 fail)
set -u
B=${1:?usage: backend_diff.sh BUILD}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B="$top/$B" ;; esac
shared="$(cd "$top" && git rev-parse --show-toplevel 2>/dev/null)/../shared"
feat="$shared/features/linux-6.1-debian.features"
ref=/sbin/apparmor_parser
drv="$B/tests/test_be_compile"
diff="$B/aa-policy"
# Debian profiles that must compare equal (measured: 124 of 142 compile
# and compare; the rest differ through variable expansion, see the report)
min_equal=${BACKEND_DIFF_MIN_EQUAL:-120}

[ -f "$feat" ] || { echo "backend_diff: no $feat" >&2; exit 77; }
[ -x "$ref" ] || { echo "backend_diff: no $ref (oracle)" >&2; exit 77; }
[ -x "$drv" ] && [ -x "$diff" ] ||
	{ echo "backend_diff: $drv or $diff not built" >&2; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in" "$tmp/ref" "$tmp/our"

oracle() { # file out
	"$ref" -QS -M "$feat" --config-file=/dev/null -I /etc/apparmor.d \
		"$1" >"$2" 2>/dev/null
}

ours() { # outdir files...
	o=$1
	shift
	BE_DRIVER_OUT=$o BE_DRIVER_FEATURES=$feat \
		BE_DRIVER_INCLUDE=/etc/apparmor.d "$drv" "$@" 2>>"$tmp/our.err"
}

# --- small profiles, one rule kind each ------------------------------------
# Known divergence, not tested here: `deny X x` over an ix rule also
# removes the m that ix implied (language.md 3.2.3 and upstream's
# equality corpus); 3.0.8 keeps that m.
w() { cat >"$tmp/in/$1.sd"; }
w file <<'EOF'
profile file {
  /tmp/r r, /tmp/w w, owner /tmp/o rw, /tmp/k k, /tmp/m m, /tmp/a a,
  audit /tmp/au r, deny /tmp/d r, /tmp/g/** rw, deny /tmp/g/secret w,
  other /srv/** r, deny owner /srv/x r, audit deny /tmp/ad w,
  /usr/{bin,sbin}/* r, /opt/[a-c]?/** rwk, file /etc/hosts r,
}
EOF
w exec <<'EOF'
profile exec {
  /bin/* rix, /bin/a px, /bin/b Px, /bin/c cx, /bin/d Cix, /bin/e pux,
  /bin/f CUx, /bin/g ux, /bin/h Ux, /bin/i px -> target,
  /bin/j cx -> kid, /bin/k px -> &stk, /bin/l Px -> :ns:name,
  unsafe /bin/m Px, safe /bin/n px, /sbin/o rmix, deny /sbin/o x,
  profile kid { /bin/true rix, }
}
EOF
w link <<'EOF'
profile link {
  link /a -> /b, link subset /c -> /d, /e l, owner link /h -> /i,
  /j rwl, /k rw, link /k -> /j, /x rwl, deny /x l, l /n -> /m,
}
EOF
w cp <<'EOF'
profile cp {
  change_profile -> foo, change_profile /bin/x -> bar,
  change_profile unsafe /bin/y -> bar, change_profile -> &stk,
  deny change_profile -> baz, change_profile /bin/w,
}
profile cp2 { change_profile, }
EOF
w hats <<'EOF'
profile zeta { ^zh { /a r, } profile ac { /b r, } /c r, }
profile alpha flags=(complain) { }
profile kill flags=(kill, audit, attach_disconnected, chroot_relative) { }
EOF
w caps <<'EOF'
profile caps {
  capability net_raw, audit capability sys_admin, deny capability sys_module,
  deny capability mknod, capability bpf, audit capability checkpoint_restore,
  audit deny capability chown,
}
profile allcaps { capability, }
EOF
w rlimit <<'EOF'
profile rlimit {
  set rlimit nofile <= 1024, set rlimit as <= 1G, set rlimit cpu <= 10,
  set rlimit stack <= 8M, set rlimit nproc <= 100,
}
EOF
w net <<'EOF'
profile net { network inet stream, audit network netlink raw, deny network packet, }
profile net2 { network, }
profile net3 { network inet, network tcp, network raw, deny network inet dgram, }
profile net4 { unix, unix (send) type=dgram, network unix, }
EOF
w ipc <<'EOF'
profile ipc {
  signal send set=(hup, term) peer=foo, signal receive set=rtmin+2,
  deny signal (send) set=kill, audit signal receive peer=unconfined,
  signal set=exists, ptrace (read, tracedby) peer=bar, ptrace peer=a*,
}
profile ipc2 { signal, ptrace, }
EOF
w mount <<'EOF'
profile mount {
  mount fstype=tmpfs options=(rw,nosuid) tmpfs -> /run/x/,
  mount options in (ro,nodev) /dev/a -> /mnt/,
  mount options=(bind) /a/ -> /b/, mount options=(rprivate) -> /p/,
  remount options=(ro) /r/, umount /mnt/, pivot_root oldroot=/old/ /new/,
}
profile mount2 { mount, umount, pivot_root, }
EOF
w attach <<'EOF'
profile a1 /{,usr/}bin/ping { }
profile a2 /a{b,cd}e { }
profile a3 /x/{,usr/}bin* { }
profile a4 /a[bc]d { }
profile a5 /a?b { }
profile a7 /ab{c,d}/** { }
/usr/bin/plain { }
/usr/bin/glob* { }
EOF

fail=0
for f in "$tmp"/in/*.sd; do
	n=$(basename "$f" .sd)
	if ! oracle "$f" "$tmp/ref/$n.bin"; then
		echo "backend_diff: oracle rejects $n" >&2
		fail=1
		continue
	fi
	if ! ours "$tmp/our" "$f"; then
		echo "FAIL small/$n: not compiled"
		fail=1
		continue
	fi
	if "$diff" diff "$tmp/ref/$n.bin" "$tmp/our/$n.sd.bin" >"$tmp/d" 2>&1
	then
		echo "ok   small/$n"
	else
		echo "FAIL small/$n"
		head -20 "$tmp/d"
		fail=1
	fi
done

# --- Debian's profiles -------------------------------------------------------
if [ "${BACKEND_DIFF_SKIP_DEBIAN:-0}" = 1 ] || [ ! -d /etc/apparmor.d ]; then
	echo "backend_diff: Debian profiles skipped"
	exit $fail
fi
mkdir -p "$tmp/deb/ref" "$tmp/deb/our"
list=$(find /etc/apparmor.d /usr/share/apparmor/extra-profiles \
	-maxdepth 1 -type f ! -name README 2>/dev/null | sort)
eq=0 ne=0 nc=0 nr=0
for f in $list; do
	k=$(echo "$f" | tr / _)
	oracle "$f" "$tmp/deb/ref/$k.bin" || { nr=$((nr + 1)); continue; }
	cp "$f" "$tmp/deb/$k" 2>/dev/null
done
ours "$tmp/deb/our" $(ls "$tmp/deb/ref" | sed "s|\.bin$||; s|^|$tmp/deb/|")
for r in "$tmp"/deb/ref/*.bin; do
	k=$(basename "$r")
	if [ ! -f "$tmp/deb/our/$k" ]; then
		nc=$((nc + 1))
		echo "not compiled: $k"
	elif "$diff" diff "$r" "$tmp/deb/our/$k" >"$tmp/d" 2>&1; then
		eq=$((eq + 1))
	else
		ne=$((ne + 1))
		echo "differs: $k: $(sed -n 2p "$tmp/d")"
	fi
done
echo "debian: equal=$eq differ=$ne not-compiled=$nc oracle-rejected=$nr"
if [ "$eq" -lt "$min_equal" ]; then
	echo "FAIL debian: $eq equal, need $min_equal"
	fail=1
fi
exit $fail
