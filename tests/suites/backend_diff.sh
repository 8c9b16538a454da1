#!/bin/sh
# Differential test of the backend against Debian's apparmor_parser 3.0.8:
# small profiles covering each rule kind, then every Debian profile
# (/etc/apparmor.d, /usr/share/apparmor/extra-profiles, by
# tests/diff/debian.sh), compiled by our apparmor_parser and by 3.0.8 with
# the same options and the 6.1 features, compared with `aa-policy diff`
# (file, policydb and attachment automata, xtable targets, caps, flags,
# rlimits). Fails on any difference not explained in tests/diff/allow.list.
# Usage: backend_diff.sh BUILD   (exit 0 pass, 77 skip, 1 fail)
set -u
B=${1:?usage: backend_diff.sh BUILD}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B="$top/$B" ;; esac
shared="$(cd "$top" && git rev-parse --show-toplevel 2>/dev/null)/../shared"
feat="$shared/features/linux-6.1-debian.features"
ref=/sbin/apparmor_parser
diff="$B/aa-policy"

[ -f "$feat" ] || { echo "backend_diff: no $feat" >&2; exit 77; }
[ -x "$ref" ] || { echo "backend_diff: no $ref (oracle)" >&2; exit 77; }
[ -x "$B/apparmor_parser" ] && [ -x "$diff" ] ||
	{ echo "backend_diff: $B/apparmor_parser or $diff not built" >&2; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in" "$tmp/ref" "$tmp/our"

oracle() { # file out
	"$ref" -QS -M "$feat" --config-file=/dev/null -I /etc/apparmor.d \
		"$1" >"$2" 2>/dev/null
}

ours() { # file out
	"$B/apparmor_parser" -QS -M "$feat" --config-file=/dev/null \
		-I /etc/apparmor.d "$1" >"$2" 2>>"$tmp/our.err"
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
	if ! ours "$f" "$tmp/our/$n.bin"; then
		echo "FAIL small/$n: not compiled"
		fail=1
		continue
	fi
	if "$diff" diff "$tmp/ref/$n.bin" "$tmp/our/$n.bin" >"$tmp/d" 2>&1
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
"$top/tests/diff/debian.sh" "$B" "$tmp/deb"
case $? in
0) ;;
77) echo "backend_diff: Debian profiles skipped" ;;
*) fail=1 ;;
esac
exit $fail
