#!/bin/sh
# Checks the module boundaries of STYLE.md 2.1: which headers each folder
# may include. Prints every violation; exits 1 if there is any.
cd "$(dirname "$0")/../.." || exit 2
bad=0
check() { # folder forbidden-regex
	dir=$1 re=$2
	for f in $(ls "$dir"/*.c "$dir"/*.h "$dir"/*.l "$dir"/*.y "$dir"/*.re 2>/dev/null); do
		hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]($re)[\">]" "$f")
		if [ -n "$hits" ]; then
			echo "$f: may not include: $hits"
			bad=1
		fi
	done
}
check parser 'dfa\.h|backend\.h|sys/apparmor\.h|dfa_int\.h'
check dfa 'ir\.h|feat\.h|fe\.h|backend\.h|cu\.h|diag\.h|sys/apparmor\.h|fe_int\.h|vars\.h|check\.h'
check backend 'fe_int\.h|grammar\.h|lexer\.h|vars\.h|cond\.h|check\.h|dfa_int\.h'
check cli 'fe_int\.h|dfa_int\.h|grammar\.h|lexer\.h'
check lib 'dfa\.h|fe\.h|backend\.h|sys/apparmor\.h'
[ $bad -eq 0 ] && echo "layering: every folder includes only what it may"
exit $bad
