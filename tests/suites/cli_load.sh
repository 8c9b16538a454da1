#!/bin/sh
# Kernel loading without a kernel (spec/cli.md 10, 7.4, 7.7, 8, 3.5):
# -f points apparmorfs at a temporary directory whose .load, .replace
# and .remove are symlinks to fd 3 (a pipe into a capture file) or
# regular files, and the bytes written are compared with -S output and
# the expected names. Also -B, -n, -v lines (against 3.0.8 when
# installed), kernel refusals, and -j giving what one job gives.
# Usage: cli_load.sh BUILD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: cli_load.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
P=$B/apparmor_parser
[ -x "$P" ] || { echo "cli_load: $P not built" >&2; exit 1; }
F=$top/examples/abi/linux-6.1
[ -f "$F" ] || { echo "cli_load: $F missing" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
fail=0 n=0
nl='
'
: > empty.conf
A="--config-file=empty.conf -K"

# features without policy/set_load: one write per top-level profile
awk '/^set_load \{yes$/ { skip = 2 } skip { skip--; next } { print }' \
	"$F" > noset.features
if grep -q set_load noset.features; then
	echo "cli_load: could not drop set_load from $F" >&2
	exit 1
fi

printf 'profile zeta {\n  profile zz { }\n  ^aa { }\n}\nprofile alpha { }\n' > p1
printf 'profile :ns2:beta { }\nprofile :ans:gamma { }\n' > p2
printf 'profile b { ^h2 { } ^h1 { } }\nprofile a { }\nprofile c { }\nprofile :zz:q { }\nprofile :aa:q { }\n' > p3
printf 'profile b { profile y { ^h2 { } } profile x { } }\n' > p4
printf 'profile bad {\n  /x rz,\n}\n' > bad
printf 'profile :x:zeta {\n  profile zz { }\n  ^aa { }\n}\nprofile :x:alpha { }\n' > p1x

# pipefs: apparmorfs whose interface files all write into fd 3
mkdir pipefs
for f in load replace remove; do ln -s /proc/self/fd/3 pipefs/.$f; done

ok() { n=$((n + 1)); echo "ok $1"; }
bad() {
	n=$((n + 1)); fail=$((fail + 1)); echo "FAIL $1"
	shift
	for f in "$@"; do
		[ -f "$f" ] && { echo "  $f:"; head -c 2000 "$f" | od -c | head -8 | sed 's/^/    /'; }
	done
}

# capture OUT ERR ARGS...: run $P with fd 3 piped into cap.bin; exit
# status in $rc
capture() {
	out=$1 err=$2
	shift 2
	{ "$P" "$@" 3>&1 1>&4 2>"$err" | cat > cap.bin; } 4>"$out"
}
# the pipeline hides $P's status: run again without the pipe for it
status() {
	"$P" "$@" 3>/dev/null > /dev/null 2>&1
	echo $?
}

# 1. -r writes exactly the -S bytes, in operand order, through .replace
"$P" $A -M "$F" -S p3 p1 p4 > want.bin
capture out.txt err.txt $A -M "$F" -f pipefs -r p3 p1 p4
rc=$(status $A -M "$F" -f pipefs -r p3 p1 p4)
if [ "$rc" = 0 ] && cmp -s cap.bin want.bin && ! [ -s out.txt ] &&
	! [ -s err.txt ]; then
	ok replace_writes_the_stdout_bytes
else
	bad "replace_writes_the_stdout_bytes (exit $rc)" cap.bin err.txt
fi

# 2. -a goes to .load; .replace is not touched
mkdir addfs
ln -s /proc/self/fd/3 addfs/.load
: > addfs/.replace
"$P" $A -M "$F" -S p1 > want1.bin
capture out.txt err.txt $A -M "$F" -f addfs -a p1
if [ -s want1.bin ] && cmp -s cap.bin want1.bin &&
	! [ -s addfs/.replace ]; then
	ok add_writes_to_load
else
	bad add_writes_to_load cap.bin err.txt
fi

# 3. -R writes each top-level profile's fully qualified name, sorted by
# namespace then name, children going with their parent
capture out.txt err.txt $A -M "$F" -f pipefs -R p3 p1
printf 'a\000b\000c\000:aa://q\000:zz://q\000alpha\000zeta\000' > want.rm
if cmp -s cap.bin want.rm && ! [ -s err.txt ]; then
	ok remove_writes_qualified_names
else
	bad remove_writes_qualified_names cap.bin want.rm err.txt
fi
capture out.txt err.txt $A -M "$F" -f pipefs -R -n x p1
printf ':x://alpha\000:x://zeta\000' > want.rm
if cmp -s cap.bin want.rm; then
	ok remove_with_namespace_option
else
	bad remove_with_namespace_option cap.bin want.rm
fi

# 4. -n puts every profile into the namespace: the same bytes as
# declaring it in the policy; a policy namespace gets the override
# warning
"$P" $A -M "$F" -S -n x p1 > n1.bin
"$P" $A -M "$F" -S p1x > n2.bin
if [ -s n1.bin ] && cmp -s n1.bin n2.bin; then
	ok namespace_option_sets_blob_namespace
else
	bad namespace_option_sets_blob_namespace n1.bin n2.bin
fi
"$P" $A -M "$F" -S -n x p2 > /dev/null 2> err.txt
printf '%s\n' \
	"Warning from p2 (p2 line 1): $P: -n x overriding policy specified namespace :ns2:" \
	"Warning from p2 (p2 line 2): $P: -n x overriding policy specified namespace :ans:" \
	> want.err
if cmp -s err.txt want.err; then
	ok namespace_override_warning
else
	bad namespace_override_warning err.txt want.err
fi

# 5. With policy/set_load one write carries a whole unit (a regular
# .replace holds exactly the -S bytes); without it each top-level profile
# is its own write, so the file holds the last one (zeta and children).
mkdir regfs
: > regfs/.replace
"$P" $A -M "$F" -f regfs -r p1 2> err.txt
rc=$?
if [ $rc = 0 ] && cmp -s regfs/.replace want1.bin; then
	ok set_load_one_write_per_unit
else
	bad "set_load_one_write_per_unit (exit $rc)" regfs/.replace err.txt
fi
: > regfs/.replace
printf 'profile alpha { }\n' > alpha
"$P" $A -M noset.features -S alpha > alpha.bin
"$P" $A -M noset.features -S p1 > p1ns.bin
"$P" $A -M noset.features -f regfs -r p1 2> err.txt
rc=$?
skip=$(wc -c < alpha.bin)
tail -c +$((skip + 1)) p1ns.bin > zeta.bin
zl=$(wc -c < zeta.bin)
if [ $rc = 0 ] && [ "$zl" -gt 0 ] &&
	head -c "$zl" regfs/.replace | cmp -s - zeta.bin; then
	ok without_set_load_one_write_per_profile
else
	bad "without_set_load_one_write_per_profile (exit $rc)" regfs/.replace zeta.bin
fi

# 6. -v success lines: each top-level profile after its children and
# hats; also printed under -Q
cat > want.out <<'EOF'
Replacement succeeded for "a".
Replacement succeeded for "h1".
Replacement succeeded for "h2".
Replacement succeeded for "b".
Replacement succeeded for "c".
Replacement succeeded for "q".
Replacement succeeded for "q".
Replacement succeeded for "x".
Replacement succeeded for "h2".
Replacement succeeded for "y".
Replacement succeeded for "b".
EOF
"$P" $A -M "$F" -Q -v -r p3 p4 > out.txt 2> err.txt
capture out2.txt err2.txt $A -M "$F" -f pipefs -v -r p3 p4
if cmp -s out.txt want.out && cmp -s out2.txt want.out; then
	ok verbose_replacement_lines
else
	bad verbose_replacement_lines out.txt out2.txt
fi
# 3.0.8 prints in the order its workers finish: one file at a time
if [ -x /sbin/apparmor_parser ]; then
	for act in -a -r -R; do
		for f in p3 p4 p1; do
			/sbin/apparmor_parser $A -M "$F" -Q -v $act $f \
				> ref.out 2> /dev/null
			"$P" $A -M "$F" -Q -v $act $f > out.txt 2> /dev/null
			if cmp -s out.txt ref.out; then
				ok "verbose_lines_as_3.0.8 $act $f"
			else
				bad "verbose_lines_as_3.0.8 $act $f" out.txt
				diff out.txt ref.out | head
			fi
		done
	done
fi

# 7. Kernel refusals: the reason from the write's errno, the errno as the
# exit status, and nothing after the refused write of that unit
mkdir fullfs
ln -s /dev/full fullfs/.replace
"$P" $A -M "$F" -f fullfs -r p1 > out.txt 2> err.txt
rc=$?
printf '%s\n' \
	"$P: Unable to replace \"alpha\".  Unknown error (28): No space left on device" \
	"$P: Unable to replace \"zeta\".  Unknown error (28): No space left on device" \
	> want.err
if [ $rc = 28 ] && cmp -s err.txt want.err && ! [ -s out.txt ]; then
	ok refused_replace_reason_and_status
else
	bad "refused_replace_reason_and_status (exit $rc)" err.txt want.err
fi
"$P" $A -M noset.features -f fullfs -r p1 > out.txt 2> err.txt
rc=$?
printf '%s\n' \
	"$P: Unable to replace \"alpha\".  Unknown error (28): No space left on device" \
	> want.err
if [ $rc = 28 ] && cmp -s err.txt want.err; then
	ok refused_first_profile_stops_the_unit
else
	bad "refused_first_profile_stops_the_unit (exit $rc)" err.txt want.err
fi
"$P" $A -M "$F" -f fullfs -R p1 > out.txt 2> err.txt
rc=$?
printf '%s\n' "$P: Unable to remove \"alpha\".  Profile doesn't exist" \
	> want.err
if [ $rc = 2 ] && cmp -s err.txt want.err; then
	ok refused_remove_enoent
else
	bad "refused_remove_enoent (exit $rc)" err.txt want.err
fi

# 8. A unit that does not compile loads nothing; the others still load
# unless --abort-on-error
capture out.txt err.txt $A -M "$F" -f pipefs -r bad p1
rc=$(status $A -M "$F" -f pipefs -r bad p1)
if [ "$rc" = 1 ] && cmp -s cap.bin want1.bin; then
	ok failed_compile_loads_nothing_of_that_unit
else
	bad "failed_compile_loads_nothing_of_that_unit (exit $rc)" cap.bin err.txt
fi
capture out.txt err.txt $A -M "$F" -f pipefs --abort-on-error -r bad p1
if ! [ -s cap.bin ]; then
	ok abort_on_error_loads_nothing_after
else
	bad abort_on_error_loads_nothing_after cap.bin
fi

# 9. -B loads blob files (and stdin) as they are
"$P" $A -M "$F" -S p3 > p3.bin
capture out.txt err.txt $A -M "$F" -f pipefs -v -B -r p3.bin
if cmp -s cap.bin p3.bin &&
	[ "$(cat out.txt)" = 'Cached reload succeeded for "p3.bin".' ]; then
	ok binary_file_replace
else
	bad binary_file_replace cap.bin out.txt err.txt
fi
{ "$P" $A -M "$F" -f pipefs -v -B -a < p3.bin 3>&1 1>&4 2>err.txt |
	cat > cap.bin; } 4>out.txt
if cmp -s cap.bin p3.bin &&
	[ "$(cat out.txt)" = 'Cached load succeeded for "stdin".' ]; then
	ok binary_stdin_add
else
	bad binary_stdin_add cap.bin out.txt err.txt
fi
"$P" $A -M "$F" -f fullfs -B -r p3.bin > out.txt 2> err.txt
rc=$?
if [ $rc = 28 ] && [ "$(cat err.txt)" = \
	"Error: Could not replace profile p3.bin: No space left on device" ]; then
	ok binary_refused
else
	bad "binary_refused (exit $rc)" err.txt
fi

capture out.txt err.txt $A -M "$F" -f pipefs -B -R p3.bin
printf 'a\000b\000c\000:aa://q\000:zz://q\000' > want.rm
if cmp -s cap.bin want.rm && ! [ -s err.txt ]; then
	ok binary_remove_names_top_level_profiles
else
	bad binary_remove_names_top_level_profiles cap.bin want.rm err.txt
fi

# 10. A cached load writes the cache file's bytes and names the file
mkdir cache
"$P" --config-file=empty.conf -M "$F" -Q -W -L cache -r p1 2> err.txt
capture out.txt err2.txt --config-file=empty.conf -M "$F" -L cache \
	-f pipefs -v -r p1
cdir=$("$P" --config-file=empty.conf -M "$F" -L "$T/cache" --print-cache-dir)
if cmp -s cap.bin want1.bin &&
	[ "$(cat out.txt)" = "Cached reload succeeded for \"$cdir/p1\"." ]; then
	ok cached_replace
else
	bad cached_replace cap.bin out.txt err.txt err2.txt
fi

# a hit in a read-only location (-L RW,RO) is named by its own path
mkdir rw
"$P" --config-file=empty.conf -M "$F" -Q -W -L rw -r p4
capture out.txt err.txt --config-file=empty.conf -M "$F" -L rw,cache \
	-f pipefs -v -r p1
if cmp -s cap.bin want1.bin &&
	[ "$(cat out.txt)" = "Cached reload succeeded for \"$cdir/p1\"." ]; then
	ok cached_replace_from_readonly_location
else
	bad cached_replace_from_readonly_location cap.bin out.txt err.txt
fi

# 12. A cached blob the kernel refuses is compiled and loaded again
# (here refused again, now by profile), unless --skip-bad-cache-rebuild
"$P" --config-file=empty.conf -M "$F" -L cache -f fullfs -r p1 \
	> out.txt 2> err.txt
rc=$?
printf '%s\n' \
	"Error: Could not replace profile $cdir/p1: No space left on device" \
	"$P: Unable to replace \"alpha\".  Unknown error (28): No space left on device" \
	"$P: Unable to replace \"zeta\".  Unknown error (28): No space left on device" \
	> want.err
if [ $rc = 28 ] && cmp -s err.txt want.err; then
	ok refused_cached_blob_is_rebuilt
else
	bad "refused_cached_blob_is_rebuilt (exit $rc)" err.txt want.err
fi
"$P" --config-file=empty.conf -M "$F" -L cache -f fullfs \
	--skip-bad-cache-rebuild -r p1 > out.txt 2> err.txt
rc=$?
if [ $rc = 28 ] && [ "$(cat err.txt)" = \
	"Error: Could not replace profile $cdir/p1: No space left on device" ]; then
	ok skip_bad_cache_rebuild
else
	bad "skip_bad_cache_rebuild (exit $rc)" err.txt
fi

# 11. -j: output, messages, exit status and kernel bytes as with -j0
mkdir d
for i in 1 2 3 4 5 6 7 8; do
	printf 'profile p%s { /x%s r, }\n' $i $i > d/f$i
done
cp bad d/f3
printf '/bin/foo {\n}\n' > d/f5
: > d/g~
for ab in "" --abort-on-error; do
	capture o0 e0 $A -M "$F" --warn=deprecated -f pipefs -v -j0 $ab \
		-r d p1 nothere
	cp cap.bin c0
	r0=$(status $A -M "$F" -f pipefs -j0 $ab -r d p1 nothere)
	for j in 1 3 max; do
		capture oj ej $A -M "$F" --warn=deprecated -f pipefs -v \
			-j$j $ab -r d p1 nothere
		rj=$(status $A -M "$F" -f pipefs -j$j $ab -r d p1 nothere)
		if cmp -s o0 oj && cmp -s e0 ej && cmp -s c0 cap.bin &&
			[ "$r0" = "$rj" ]; then
			ok "jobs_match_one_job -j$j $ab"
		else
			bad "jobs_match_one_job -j$j $ab (exit $r0 vs $rj)" oj ej
			diff o0 oj; diff e0 ej
		fi
	done
done
want_rc=2
if [ "$r0" = 1 ] && [ "$(status $A -M "$F" -f pipefs -r d p1 nothere)" = $want_rc ]; then
	ok jobs_exit_status_last_failure_or_first_with_abort
else
	bad "jobs_exit_status_last_failure_or_first_with_abort ($r0)"
fi

echo "cli_load: $((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]
