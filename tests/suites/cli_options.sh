#!/bin/sh
# Command-line behaviours of apparmor_parser (spec/cli.md 1-4, 7.8, 8):
# getopt semantics, actions, config file, messages and exit codes, each
# checked for exact stdout, stderr and exit status.
# Usage: cli_options.sh BUILD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: cli_options.sh BUILD}
case $B in /*) ;; *) B=$top/$B ;; esac
P=$B/apparmor_parser
[ -x "$P" ] || { echo "cli_options: $P not built" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
fail=0 n=0

# check NAME RC STDOUT STDERR ARGS... : run $P ARGS with stdin from
# $T/stdin (empty unless written), compare exit status and both streams.
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
		echo "  stdout:"; sed 's/^/    > /' got.out
		echo "  want:"; sed 's/^/    > /' want.out
		echo "  stderr:"; sed 's/^/    > /' got.err
		echo "  want:"; sed 's/^/    > /' want.err
	fi
	: > stdin
}

: > stdin
: > empty.conf
nl='
'
printf 'profile zeta {\n  profile zz { }\n  ^aa { }\n}\nprofile alpha { }\n' > p1
printf 'profile :ns2:beta { }\nprofile :ans:gamma { }\n' > p2
mkdir d
printf 'profile in_dir { }\n' > d/a
printf 'profile ignored { }\n' > d/b~
printf 'profile skipped { }\n' > d/.hidden
printf 'profile skipped2 { }\n' > d/c.dpkg-old
printf 'profile syntax_bad {\n  /x rz,\n}\n' > bad

# Version: upstream's first line, then this project.
"$P" --version > got.out 2>&1
rc=$?
n=$((n + 1))
if [ $rc -eq 0 ] && [ "$(sed -n 1p got.out)" = "AppArmor parser version 3.0.8" ] &&
	sed -n 2p got.out | grep -q "^aacc version [0-9]"; then
	echo "ok version"
else
	fail=$((fail + 1)); echo "FAIL version (exit $rc):"; cat got.out
fi
"$P" -V > v2.out 2>&1
n=$((n + 1))
if cmp -s got.out v2.out; then echo "ok version_short"; else
	fail=$((fail + 1)); echo "FAIL version_short"; fi

check ambiguous_prefix 1 "" \
	"$P: option '--name' is ambiguous; possibilities: '--names' '--namespace'$nl" \
	--config-file=empty.conf --name x
check unknown_option 1 "" "$P: unrecognized option '--bogus'$nl" \
	--config-file=empty.conf --bogus
check missing_value 1 "" "$P: option requires an argument -- 'I'$nl" \
	--config-file=empty.conf -I
check prefix_print_config 0 "empty.conf$nl" "" \
	--config-file=empty.conf --print-config
check too_many_actions 1 "" \
	"$P: Too many actions given on the command line.$nl" \
	--config-file=empty.conf -N -p p1
check grouped_actions 1 "" \
	"$P: Too many actions given on the command line.$nl" \
	--config-file=empty.conf -QKNS p1
check config_missing 0 "/nonexistent/parser.conf$nl" \
	"Warning from stdin (line 1): config file '/nonexistent/parser.conf' not found$nl" \
	--config-file=/nonexistent/parser.conf --print-config-file
printf 'no-such-option\n' > unk.conf
check config_unknown_option 0 "unk.conf$nl" \
	"$P: unknown option (no-such-option) in config file.$nl" \
	--config-file=unk.conf --print-config-file
printf '# comment\n  warn bogus-class\n' > badwarn.conf
check config_bad_value 1 "" "$P: Invalid --warn option bogus-class$nl" \
	--config-file=badwarn.conf -N p1
check bad_basedir 0 "empty.conf$nl" \
	"Error: basedir /nonexistent/base is not a directory, skipping.$nl" \
	--config-file=empty.conf -b /nonexistent/base --print-config-file
check missing_operand 2 "" "File /nonexistent/prof not found, skipping...$nl" \
	--config-file=empty.conf -N /nonexistent/prof
check invalid_jobs 1 "" "$P: Invalid option -j=zz$nl" \
	--config-file=empty.conf -jzz -N p1
check invalid_warn 1 "" "$P: Invalid --warn option nope$nl" \
	--config-file=empty.conf --warn=nope -N p1
check invalid_help 1 "" "$P: Invalid --help option nope$nl" \
	--config-file=empty.conf --help=nope
check invalid_optimize 1 "" "$P: Invalid --Optimize option nope$nl" \
	--config-file=empty.conf -O nope -N p1
check optimize_show 0 "Optimize=expr-normalize, expr-simplify, minimize, diff-encode${nl}empty.conf$nl" "" \
	--config-file=empty.conf -Ono-equiv -O show --print-config-file
check warn_show 0 "warn=deprecated, config, cache, jobs, unexpected, override${nl}empty.conf$nl" "" \
	--config-file=empty.conf --warn=deprecated --warn=show --print-config-file
check features_missing 1 "" \
	"Failed to load features from '/nonexistent/f': No such file or directory$nl" \
	--config-file=empty.conf -M /nonexistent/f -N p1
check diagnostics_bad 1 "" "$P: Invalid --diagnostics option xml$nl" \
	--config-file=empty.conf --diagnostics=xml -N p1

# These need the front end.
names1="alpha${nl}zeta${nl}zeta//aa${nl}zeta//zz$nl"
names2=":ans://gamma${nl}:ns2://beta$nl"
check names_order 0 "$names1" "" --config-file=empty.conf -N p1
check names_operands_in_order 0 "$names2$names1" "" \
	--config-file=empty.conf -N p2 p1
check option_after_operand 0 "$names1" "" --config-file=empty.conf p1 -N
check double_dash 2 "$names1" "File -N not found, skipping...$nl" \
	--config-file=empty.conf -N -- p1 -N
check names_namespace_override 0 \
	":x://alpha${nl}:x://zeta${nl}:x://zeta//aa${nl}:x://zeta//zz$nl" "" \
	--config-file=empty.conf -N -n x p1
printf 'profile from_stdin { }\n' > stdin
check names_stdin 0 "from_stdin$nl" "" --config-file=empty.conf -N
check names_dir_skip_rules 0 "in_dir$nl" "Ignoring: 'b~'$nl" \
	--config-file=empty.conf -N d
check syntax_only_ok 0 "" "" --config-file=empty.conf --syntax-only p1 p2
check syntax_error_exit 1 "" \
	"AppArmor parser error for bad in profile bad at line 2: syntax error, unexpected TOK_ID, expecting TOK_MODE$nl" \
	--config-file=empty.conf --syntax-only bad
check failing_operand_does_not_stop_others 1 "$names1" \
	"AppArmor parser error for bad in profile bad at line 2: syntax error, unexpected TOK_ID, expecting TOK_MODE$nl" \
	--config-file=empty.conf -N bad p1
check last_failure_sets_status 1 "" \
	"File nothere not found, skipping...${nl}AppArmor parser error for bad in profile bad at line 2: syntax error, unexpected TOK_ID, expecting TOK_MODE$nl" \
	--config-file=empty.conf --syntax-only nothere bad
check abort_on_error 2 "" "File nothere not found, skipping...$nl" \
	--config-file=empty.conf --abort-on-error -N nothere p1
check diagnostics_gcc 1 "" \
	"bad:2:6: error: syntax error, unexpected TOK_ID, expecting TOK_MODE$nl  /x rz,$nl     ^$nl" \
	--config-file=empty.conf --diagnostics=gcc --syntax-only bad
printf '/bin/foo {\n}\n' > dep
check warning_shown_with_warn 0 "" \
	"Warning from dep (dep line 2): The use of file paths as profile names is deprecated. See man apparmor.d for more information$nl" \
	--config-file=empty.conf --warn=deprecated --syntax-only dep
check werror_promotes_and_fails 1 "" \
	"Warning converted to Error from dep (dep line 2): The use of file paths as profile names is deprecated. See man apparmor.d for more information$nl" \
	--config-file=empty.conf --warn=deprecated --Werror --syntax-only dep
check quiet_drops_warnings 0 "" "" \
	--config-file=empty.conf --warn=deprecated -q --syntax-only dep
printf 'profile s {\n  /** - /sys/** r,\n}\n' > ext
check extension_by_default 0 "" "" --config-file=empty.conf --syntax-only ext
check strict_rejects_extension 1 "" \
	"AppArmor parser error for ext in profile ext at line 2: extension set subtraction is not available in strict mode$nl" \
	--config-file=empty.conf --strict --syntax-only ext
check load_without_apparmorfs 1 "" \
	"Warning: unable to find a suitable fs in /proc/mounts, is it mounted?${nl}Use --subdomainfs to override.$nl" \
	--config-file=empty.conf -M "$top/examples/abi/linux-6.1" -K \
	-f /nonexistent/apparmorfs -r p1

# -S writes the blob to stdout; -o writes the same bytes to a file, and
# leaves no file behind when a unit fails.
n=$((n + 1))
"$P" --config-file=empty.conf -QS p1 > s.bin 2> got.err
rc=$?
"$P" --config-file=empty.conf -Q -o o.bin p1 2>> got.err
rc2=$?
printf 'profile bad {\n  /x rz,\n}\n' > bad1
"$P" --config-file=empty.conf -Q -o nofile.bin p1 bad1 2> /dev/null
rc3=$?
if [ $rc -eq 0 ] && [ $rc2 -eq 0 ] && [ -s s.bin ] && cmp -s s.bin o.bin &&
	[ "$(head -c 11 s.bin | od -An -c | tr -d ' ')" = '004\b\0version\0' ] &&
	[ $rc3 -eq 1 ] && [ ! -e nofile.bin ] && ! [ -s got.err ]; then
	echo "ok stdout_and_ofile_write_the_same_blob"
else
	fail=$((fail + 1))
	echo "FAIL stdout_and_ofile_write_the_same_blob: exits $rc $rc2 $rc3"; ls -l s.bin o.bin nofile.bin
	cat got.err
fi

check ofile_unwritable 1 "" "$P: Could not open file /nonexistent/dir/x$nl" \
	--config-file=empty.conf -o /nonexistent/dir/x p1

# Inputs that once crashed or hung the front end under the fuzzer
# (tests/fuzz/regressions): each must now end cleanly, either way.
for f in "$top"/tests/fuzz/regressions/*; do
	[ -f "$f" ] || continue
	for a in --syntax-only -p "--diagnostics=gcc --syntax-only"; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		timeout 60 "$P" --config-file=empty.conf $a < "$f" \
			> /dev/null 2> got.err
		rc=$?
		if [ $rc -lt 124 ] && ! grep -qE 'Sanitizer|runtime error:' got.err; then
			echo "ok fuzz_regression $(basename "$f") $a"
		else
			fail=$((fail + 1))
			echo "FAIL fuzz_regression $(basename "$f") $a: exit $rc"
			sed 's/^/    > /' got.err | head -20
		fi
	done
done

echo "cli_options: $((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]
