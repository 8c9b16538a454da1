#!/bin/sh
# The essential (P0) options of spec/cli.md not covered by cli_options.sh,
# cli_load.sh or cache.sh: -p, -I, -b with disable/ and force-complain/,
# --policy-features and the Debian config file, -K/-T/-W/-L as the CLI
# applies them, -W on stdin, --print-cache-dir and --purge-cache; each
# with exact output, messages and exit status, and compared with
# /sbin/apparmor_parser 3.0.8 where the spec says exact and it is
# installed.
# Usage: cli_p0.sh BUILD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: cli_p0.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
P=$B/apparmor_parser
[ -x "$P" ] || { echo "cli_p0: $P not built" >&2; exit 1; }
F=$top/examples/abi/linux-6.1
REF=/sbin/apparmor_parser
[ -x $REF ] || REF=
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
fail=0 n=0
nl='
'
: > stdin
: > empty.conf

# check NAME RC STDOUT STDERR ARGS...: as in cli_options.sh
check() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 4
	n=$((n + 1))
	printf '%s' "$want_out" > want.out
	printf '%s' "$want_err" > want.err
	"$P" "$@" < stdin > got.out 2> got.err
	rc=$?
	if [ $rc -eq "$want_rc" ] && cmp -s got.out want.out &&
		cmp -s got.err want.err; then
		echo "ok $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $rc (want $want_rc); args: $*"
		echo "  stdout:"; sed 's/^/    > /' got.out | head -20
		echo "  want:"; sed 's/^/    > /' want.out | head -20
		echo "  stderr:"; sed 's/^/    > /' got.err
		echo "  want:"; sed 's/^/    > /' want.err
	fi
}

# same NAME ARGS...: stdout, stderr and exit status equal 3.0.8's, with
# the program name replaced (skipped without 3.0.8)
same() {
	name=$1
	shift
	[ -n "$REF" ] || return 0
	n=$((n + 1))
	"$P" "$@" < stdin > got.out 2> got.err
	rc=$?
	$REF "$@" < stdin > ref.out 2> ref.err
	rrc=$?
	sed "s|$P|apparmor_parser|g" got.err > got.err2
	sed "s|$REF|apparmor_parser|g" ref.err > ref.err2
	if [ $rc = $rrc ] && cmp -s got.out ref.out && cmp -s got.err2 ref.err2
	then
		echo "ok $name (as 3.0.8)"
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $rc, 3.0.8 $rrc; args: $*"
		diff got.out ref.out | head -10
		diff got.err2 ref.err2 | head -10
	fi
}

mkdir -p inc/abstractions base/disable base/force-complain base/abstractions
printf '  /from/inc r,\n' > inc/abstractions/a1
printf '  /from/base r,\n' > base/abstractions/a1
printf 'profile i {\n  include <abstractions/a1>\n}\n' > usesinc
printf 'profile dis { }\n' > base/dis
ln -s ../dis base/disable/dis
printf 'profile fc {\n  /x r,\n}\n' > base/fc
: > base/force-complain/fc
printf 'profile ok { }\n' > base/ok

# -p: includes expanded; a missing include fails with exit 1
"$P" --config-file=empty.conf -I inc -p usesinc > got.out 2> got.err
rc=$?
n=$((n + 1))
if [ $rc = 0 ] && grep -q '/from/inc r,' got.out && ! [ -s got.err ]; then
	echo "ok preprocess_expands_includes"
else
	fail=$((fail + 1)); echo "FAIL preprocess_expands_includes: exit $rc"
	cat got.out got.err
fi
printf 'include <abstractions/nope>\nprofile x { }\n' > stdin
check preprocess_missing_include 1 " ${nl}${nl}##included <abstractions/nope>$nl" \
	"AppArmor parser error at line 1: Could not open 'abstractions/nope'$nl" \
	--config-file=empty.conf -b base -p
printf 'include <abstractions/nope>\nprofile x { }\n' > stdin
same preprocess_missing_include --config-file=empty.conf -M "$F" -b base -p
: > stdin

# -I comes before the base dir in the search path; -b is the last entry
"$P" --config-file=empty.conf -I inc -b base -p usesinc > a.out 2> /dev/null
"$P" --config-file=empty.conf -b base -p usesinc > b.out 2> /dev/null
n=$((n + 1))
if grep -q '/from/inc' a.out && grep -q '/from/base' b.out; then
	echo "ok include_path_order"
else
	fail=$((fail + 1)); echo "FAIL include_path_order"; cat a.out b.out
fi

# -b: disable/ skips (exit 0), force-complain/ warns; -q drops the skip
# note only
check disable_skips 0 "ok$nl" "Skipping profile in base/disable: dis$nl" \
	--config-file=empty.conf -b base -N base/dis base/ok
check disable_quiet 0 "ok$nl" "" \
	--config-file=empty.conf -q -b base -N base/dis base/ok
check force_complain_notice 0 "" \
	"Warning: found fc in base/force-complain, forcing complain mode$nl" \
	--config-file=empty.conf -M "$F" -K -Q -b base -r base/fc
same disable_skips --config-file=empty.conf -M "$F" -b base -N base/dis
same force_complain_notice --config-file=empty.conf -M "$F" -K -Q -q \
	-b base -r base/fc

# force-complain units are not cached, with a cache-class warning
check force_complain_not_cached 0 "" \
	"Warning: found fc in base/force-complain, forcing complain mode${nl}Warning from base/fc (base/fc line 4): Caching disabled for: 'fc' due to force complain$nl" \
	--config-file=empty.conf -M "$F" -Q -W -L fccache -b base -r base/fc
n=$((n + 1))
if [ -z "$(find fccache -type f -name fc 2>/dev/null)" ]; then
	echo "ok force_complain_no_cache_file"
else
	fail=$((fail + 1)); echo "FAIL force_complain_no_cache_file"
fi

# --policy-features and the Debian config file's policy-features pin
printf 'policy-features=%s\n' "$F" > debian.conf
printf 'profile pf {\n  /x r,\n}\n' > pf
"$P" --config-file=empty.conf -M "$F" -QKS pf > m.bin
"$P" --config-file=debian.conf --kernel-features "$F" -QKS pf > c.bin 2> c.err
"$P" --config-file=empty.conf --policy-features "$F" --kernel-features "$F" \
	-QKS pf > p.bin 2> p.err
n=$((n + 1))
if [ -s m.bin ] && cmp -s m.bin c.bin && cmp -s m.bin p.bin &&
	! [ -s c.err ] && ! [ -s p.err ]; then
	echo "ok policy_features_option_and_config_pin"
else
	fail=$((fail + 1)); echo "FAIL policy_features_option_and_config_pin"
	cat c.err p.err
fi
check policy_features_missing 1 "" \
	"Failed to load policy-features from '/nonexistent/f': No such file or directory$nl" \
	--config-file=empty.conf --policy-features /nonexistent/f -N pf

# -W writes the -S bytes; -K writes nothing; -T with -W rewrites; -L
# names the location; stdin warns and exits 0
cdir=$("$P" --config-file=empty.conf -M "$F" -L "$T/cc" --print-cache-dir)
check print_cache_dir 0 "$T/cc/$(basename "$cdir")$nl" "" \
	--config-file=empty.conf -M "$F" -L "$T/cc" --print-cache-dir
n=$((n + 1))
if [ ! -e cc ]; then echo "ok print_cache_dir_creates_nothing"; else
	fail=$((fail + 1)); echo "FAIL print_cache_dir_creates_nothing"; fi
same print_cache_dir --config-file=empty.conf -M "$F" -L "$T/cc,$T/dd" \
	--print-cache-dir
"$P" --config-file=empty.conf -M "$F" -Q -K -W -L "$T/cc" -r pf
n=$((n + 1))
if [ ! -e "$cdir/pf" ]; then echo "ok skip_cache_writes_nothing"; else
	fail=$((fail + 1)); echo "FAIL skip_cache_writes_nothing"; fi
"$P" --config-file=empty.conf -M "$F" -W -L "$T/cc" -S pf > s.bin
n=$((n + 1))
if [ -s s.bin ] && cmp -s s.bin "$cdir/pf"; then
	echo "ok write_cache_holds_stdout_bytes"
else
	fail=$((fail + 1)); echo "FAIL write_cache_holds_stdout_bytes"
fi
printf 'garbage' > "$cdir/pf"
touch -d '2030-01-01' "$cdir/pf"
"$P" --config-file=empty.conf -M "$F" -Q -T -W -L "$T/cc" -r pf
n=$((n + 1))
if cmp -s s.bin "$cdir/pf"; then
	echo "ok skip_read_cache_with_write_rewrites"
else
	fail=$((fail + 1)); echo "FAIL skip_read_cache_with_write_rewrites"
fi
printf 'profile s { }\n' > stdin
check stdin_write_cache_warns 0 "" \
	"Warning from stdin (line 1): $P: cannot use or update cache, disable, or force-complain via stdin$nl" \
	--config-file=empty.conf -M "$F" -Q -W -L "$T/cc" -r
printf 'profile s { }\n' > stdin
same stdin_write_cache_warns --config-file=empty.conf -M "$F" -Q -W \
	-L "$T/cc" -r
: > stdin

# --purge-cache empties the first location and keeps it
check purge_cache 0 "" "" --config-file=empty.conf -M "$F" -L "$T/cc" \
	--purge-cache
n=$((n + 1))
if [ -d cc ] && [ -z "$(ls -A cc)" ]; then
	echo "ok purge_cache_keeps_location"
else
	fail=$((fail + 1)); echo "FAIL purge_cache_keeps_location"; ls -la cc
fi

# -N and -R print no warnings
printf '/bin/foo {\n  /x RW,\n}\n' > dep
check names_silences_warnings 0 "/bin/foo$nl" "" --config-file=empty.conf \
	--warn=all -N dep
check remove_silences_warnings 0 "" "" --config-file=empty.conf -M "$F" \
	--warn=all -Q -R dep
same remove_silences_warnings --config-file=empty.conf -M "$F" --warn=all \
	-Q -R dep

# options 3.0.8 accepts are accepted: -O, -D dumps, --warn, -j forms
check accepted_optimize_dump 0 "pf$nl" "" --config-file=empty.conf \
	-O no-expr-simplify -O minimize -D dfa-stats -D rule-exprs -j x2 \
	--max-jobs=4 -N pf

# -C: complain-mode blobs, never cached
"$P" --config-file=empty.conf -M "$F" -QKS pf > e.bin
"$P" --config-file=empty.conf -M "$F" -C -QKS pf > cm.bin
"$P" --config-file=empty.conf -M "$F" -C -Q -W -L "$T/cm" -r pf
n=$((n + 1))
if [ -s cm.bin ] && ! cmp -s e.bin cm.bin &&
	[ -z "$(find cm -type f -name pf 2>/dev/null)" ]; then
	echo "ok complain_option"
else
	fail=$((fail + 1)); echo "FAIL complain_option"
fi

# -D variables / expanded-variables print the symbol table, load nothing
printf '@{A}=/b /a\n@{B}=@{A}/x\n@{C}=@{B} /y\n$v=true\nprofile p { /x r, }\n' > vars
check dump_variables 0 \
	"@A = \"/a\" \"/b\"$nl@B = \"@{A}/x\"$nl@C = \"/y\" \"@{B}\"$nl\$v = true$nl" "" \
	--config-file=empty.conf -M "$F" -Q -D variables vars
check dump_expanded_variables 0 \
	"@A = \"/b\" \"/a\"$nl@B = \"/b/x\" \"/a/x\"$nl@C = \"/b/x\" \"/a/x\" \"/y\"$nl\$v = true$nl" "" \
	--config-file=empty.conf -M "$F" -Q -D expanded-variables vars
same dump_variables --config-file=empty.conf -M "$F" -Q -D variables vars
same dump_expanded_variables --config-file=empty.conf -M "$F" -Q \
	-D expanded-variables vars

# --create-cache-dir: -W with a deprecated-class warning
check create_cache_dir_quiet_by_default 0 "" "" --config-file=empty.conf \
	-M "$F" --create-cache-dir -Q -L "$T/ccd" -r pf
check create_cache_dir_deprecated 0 "" \
	"Warning from stdin (line 1): The --create-cache-dir option is deprecated. Please use --write-cache.$nl" \
	--config-file=empty.conf -M "$F" --warn=deprecated --create-cache-dir \
	-Q -K -r pf

# -D stats: one line per input on stderr, in our own format; implies -T
"$P" --config-file=empty.conf -M "$F" -QK -D stats pf > got.out 2> got.err
rc=$?
n=$((n + 1))
if [ $rc = 0 ] && ! [ -s got.out ] && grep -qE \
	'^Stats for pf: 1 profiles, [0-9]+ DFA states written, [0-9]+ built before minimization, [0-9]+ bytes$' \
	got.err; then
	echo "ok dump_stats"
else
	fail=$((fail + 1)); echo "FAIL dump_stats: exit $rc"; cat got.err
fi

echo "cli_p0: $((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]
