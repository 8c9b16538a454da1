#!/bin/sh
# aa-dfa end to end: permissions OR'ed per matching rule for strings read
# on stdin (with \0, \xHH, \\ escapes), set subtraction, --stats and --dot
# output, and the file:line error messages with exit 1. Also prints the
# seed's /sys subtraction beside its deny chain, string by string.
# Usage: dfa_cli.sh BUILD_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:?usage: dfa_cli.sh BUILD_DIR}
case $B in /*) ;; *) B="$top/$B" ;; esac
DFA="$B/aa-dfa"
[ -x "$DFA" ] || { echo "dfa_cli: $DFA not built" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/dfa_cli.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
checks=0

check() { # name expected-file actual-file
	checks=$((checks + 1))
	if ! cmp -s "$2" "$3"; then
		fails=$((fails + 1))
		echo "FAIL: $1"
		diff "$2" "$3" | head -20
	fi
}

cat >"$T/rules" <<'EOF'
# comment line, then a blank line

0x4 /tmp/**
2 /tmp/*.log
0x1 /etc/{passwd,group,}
  0x8   /sys/** - /sys/fs/cgr*/**   
0x10 /a\000b
0x20 /x[^f]y
EOF
printf '%s\n' '/tmp/x' '/tmp/' '/tmp/a.log' '/tmp/a/b.log' '/etc/passwd' \
	'/etc/' '/etc/groupx' '/sys/fs/cgroup/x' '/sys/fs/cgroup' \
	'/sys/f' '/a\0b' '/tmp/a\0b' '/x/y' '/x\0y' '/x\x41y' '/x\\y' \
	'' '/xfy' >"$T/in"
cat >"$T/want" <<'EOF'
0x4	/tmp/x
0	/tmp/
0x6	/tmp/a.log
0x4	/tmp/a/b.log
0x1	/etc/passwd
0x1	/etc/
0	/etc/groupx
0	/sys/fs/cgroup/x
0x8	/sys/fs/cgroup
0x8	/sys/f
0x10	/a\0b
0	/tmp/a\0b
0x20	/x/y
0x20	/x\0y
0x20	/x\x41y
0x20	/x\\y
0	
0	/xfy
EOF
"$DFA" "$T/rules" <"$T/in" >"$T/out" 2>"$T/err"
check "matching strings on stdin" "$T/want" "$T/out"
checks=$((checks + 1))
[ -s "$T/err" ] && { fails=$((fails + 1)); echo "FAIL: stderr not empty"; }

# --stats: five lines, states after minimization <= before
"$DFA" --stats "$T/rules" </dev/null >"$T/out" 2>"$T/err"
sed 's/ [0-9][0-9]*$//' "$T/err" >"$T/keys"
printf '%s\n' states-before states classes table-bytes build-ms >"$T/want"
check "--stats keys" "$T/want" "$T/keys"
before=$(sed -n 's/^states-before //p' "$T/err")
after=$(sed -n 's/^states //p' "$T/err")
checks=$((checks + 1))
if [ "$after" -gt "$before" ] || [ "$after" -lt 3 ]; then
	fails=$((fails + 1))
	echo "FAIL: states $after vs states-before $before"
fi

# --dot writes a digraph and reads no strings
"$DFA" --dot "$T/rules" <"$T/in" >"$T/dot" 2>"$T/err"
checks=$((checks + 1))
if ! head -1 "$T/dot" | grep -q '^digraph dfa {$' ||
	! tail -1 "$T/dot" | grep -q '^}$' || grep -q '/tmp/x' "$T/dot"; then
	fails=$((fails + 1))
	echo "FAIL: --dot output"
fi

# errors: file:line: message, exit 1, nothing on stdout
err_case() { # name line-text expected-message
	printf '4 /ok\n%s\n' "$2" >"$T/bad"
	echo "aa-dfa: $T/bad:2: $3" >"$T/want"
	"$DFA" "$T/bad" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	check "$1 message" "$T/want" "$T/err"
	checks=$((checks + 1))
	if [ $rc -ne 1 ] || [ -s "$T/out" ]; then
		fails=$((fails + 1))
		echo "FAIL: $1: exit $rc or output on stdout"
	fi
}
err_case "unbalanced brace" '4 /a/{b' \
	'Regex grouping error: Unclosed grouping or character class, expecting close }'
err_case "single alternative" '4 /a/{b}' \
	'Regex grouping error: Invalid number of items between {}'
err_case "bad permission" 'zz /a' "invalid permission 'zz'"
err_case "missing pattern" '4' 'missing pattern'
err_case "missing operand" '4 /a -  - /b' \
	"set subtraction: missing operand around ' - '"

"$DFA" "$T/does-not-exist" </dev/null >"$T/out" 2>"$T/err"
rc=$?
checks=$((checks + 1))
if [ $rc -ne 1 ] || ! grep -q "^aa-dfa: $T/does-not-exist: " "$T/err"; then
	fails=$((fails + 1))
	echo "FAIL: missing RULES file"
fi
"$DFA" --bogus "$T/rules" </dev/null >"$T/out" 2>"$T/err"
rc=$?
checks=$((checks + 1))
if [ $rc -ne 1 ] || ! grep -q '^usage: aa-dfa' "$T/err"; then
	fails=$((fails + 1))
	echo "FAIL: usage"
fi

# the seed's example: subtraction vs the deny chain it replaces
echo '1 /sys/** - /sys/fs/cgr*/**' >"$T/sub"
printf '1 %s\n' '/sys/[^f]*/**' '/sys/f[^s]*/**' '/sys/fs/[^c]*/**' \
	'/sys/fs/c[^g]*/**' '/sys/fs/cg[^r]*/**' >"$T/chain"
printf '%s\n' /sys/f /sys/fs /sys/fs/cgroup /sys/fs/cgroup/x /sys/kernel/x \
	/sys/fs/cg/x '/sys///x' '/sys/\0/x' /sys/s/ /sys/fs/cgr/ \
	/sys/fs/cpu/x /sys/fx/y >"$T/strings"
"$DFA" --stats "$T/sub" <"$T/strings" >"$T/a" 2>"$T/as"
"$DFA" --stats "$T/chain" <"$T/strings" >"$T/b" 2>"$T/bs"
echo "seed example: subtraction $(grep '^states ' "$T/as"), chain $(grep '^states ' "$T/bs")"
paste "$T/a" "$T/b" | awk -F'\t' '$1 != $3 { printf "  differ: %-18s subtraction %s chain %s\n", $2, $1, $3 }'
ndiff=$(paste "$T/a" "$T/b" | awk -F'\t' '$1 != $3' | wc -l)
checks=$((checks + 1))
[ "$ndiff" -eq 8 ] || { fails=$((fails + 1)); echo "FAIL: $ndiff differences, want 8"; }

echo "dfa_cli: $checks checks, $fails failed"
[ $fails -eq 0 ]
