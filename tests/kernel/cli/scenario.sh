#!/bin/busybox sh
# The apparmor_parser under test, inside the VM, loading policy itself:
# a directory with -r (skipped names, a file that does not compile), a
# replacement, -a of a loaded profile, -R while a process runs under the
# profile, -n into a policy namespace, a cache written with -W, read
# back and made stale by a changed include, and failed compiles that must
# leave the loaded version alone; then the boot command on a copy of
# /etc/apparmor.d, fresh and from the cache.
# Each check prints "KT cli PASS|FAIL ID want=... got=..."; run.sh counts
# the lines that start with "ck_" or "CHECK " here, one result each.
# Sources: /kt/cli/src (tests/kernel/cli/src), the parser: /bin/apparmor_parser
# with /etc/apparmor/parser.conf (policy features and the include path).
P=/bin/apparmor_parser
S=/kt/cli/src
T=/tmp/cli
PROFILES=/sys/kernel/security/apparmor/profiles
NSDIR=/sys/kernel/security/apparmor/policy/namespaces
mkdir -p $T /var/cache
nblk=0

res() { # ID OK WANT GOT
	if [ "$2" = 1 ]; then
		echo "KT cli PASS cli:$1 want=$3 got=$4"
	else
		echo "KT cli FAIL cli:$1 want=$3 got=$4"
	fi
}

# ck_rc ok|fail ID ARGS...: runs the parser; ok wants exit 0, fail any
# other status. Its output is kept in $T/ID.out (shown on a failure).
ck_rc() {
	want=$1 id=$2
	shift 2
	$P "$@" > $T/$id.out 2>&1
	rc=$?
	ok=0
	[ $want = ok ] && [ $rc = 0 ] && ok=1
	[ $want = fail ] && [ $rc != 0 ] && ok=1
	res "$id" $ok "$want" "rc=$rc"
	[ $ok = 1 ] || sed "s/^/KT cli OUT $id: /" $T/$id.out
}

# ck_out ID REGEX: the output of the last ck_rc ID matches REGEX
ck_out() {
	if grep -q "$2" $T/$1.out; then
		res "$1-output" 1 "/$2/" match
	else
		res "$1-output" 0 "/$2/" "$(head -c 200 $T/$1.out | tr '\n' '|')"
	fi
}

# ck_loaded yes|no NAME: NAME is (not) in the root namespace's list
ck_loaded() {
	if grep -q "^$2 (" $PROFILES; then got=yes; else got=no; fi
	res "loaded-$2-$1" $([ $got = $1 ] && echo 1 || echo 0) "$1" "$got"
}

# ck_ns yes|no NS: the policy namespace NS exists
ck_ns() {
	if [ -d $NSDIR/$2 ]; then got=yes; else got=no; fi
	res "ns-$2-$1" $([ $got = $1 ] && echo 1 || echo 0) "$1" "$got"
}

# ck_nsprof yes|no NS NAME: namespace NS holds a profile NAME
ck_nsprof() {
	got=no
	for d in $NSDIR/$2/profiles/*; do
		[ "$(cat $d/name 2>/dev/null)" = "$3" ] && got=yes
	done
	res "ns-$2-$3-$1" $([ $got = $1 ] && echo 1 || echo 0) "$1" "$got"
}

# ck_label ID PID LABEL: /proc/PID/attr/current, mode suffix removed
ck_label() {
	got=$(sed 's/ ([a-z]*)$//' /proc/$2/attr/current 2>&1)
	res "$1" $([ "$got" = "$3" ] && echo 1 || echo 0) "$3" "$got"
}

# ck_same ID A B: files A and B exist and are byte-identical
ck_same() {
	if [ -s "$2" ] && cmp -s "$2" "$3"; then ok=1; else ok=0; fi
	res "$1" $ok same "$(wc -c < "$2" 2>/dev/null)/$(wc -c < "$3" 2>/dev/null)"
}

# ck_count ID WHAT OK: a counted condition computed by the caller
ck_count() {
	res "$1" "$3" yes "$2"
}

# hold PROFILE: starts a probe that waits under PROFILE; sets $held to
# its pid; release ends it
hold() {
	rm -f $T/life $T/held.out
	mkfifo $T/life
	sh -c "echo 'exec $1' > /proc/self/attr/exec && exec /bin/probe '$2' wait" \
		< $T/life > $T/held.out 2>&1 &
	held=$!
	exec 9> $T/life
	i=0
	while [ $i -lt 100 ] && ! grep -q READY $T/held.out; do
		sleep 0.1
		i=$((i + 1))
	done
}
release() {
	exec 9>&-
	wait $held 2>/dev/null
}

# checks NAME < BLOCK: fixtures and CHECK lines in the suite format (see
# README.md), run by ktrun as pass "cli"
checks() {
	nblk=$((nblk + 1))
	awk -v a="$1" 'NR == 1 { print "AREA cli-" a }
		/^CHECK / { $1 = "CHECK cli:" a ":" NR; print; next }
		{ print }' > $T/checks.$nblk
	/bin/ktrun run cli $T/checks.$nblk | grep -v '^KT cli SUMMARY'
}

t0=$(cut -d' ' -f1 /proc/uptime)
echo "KT cli BEGIN $($P --version 2>&1 | head -n 2 | tr "\n" " ")"

# 1. a directory with -r: every profile loads, the skipped names do not
ck_rc ok dir -r $S/d1
ck_loaded yes kc_a
ck_loaded yes kc_b
ck_loaded yes kc_c
ck_loaded no kc_skipped
checks dir <<'EOF'
FILE /k/c/a
FILE /k/c/b
CHECK kc_a read /k/c/a => ALLOW
CHECK kc_a read /k/c/b => DENY
CHECK kc_b read /k/c/b => ALLOW
CHECK kc_b read /k/c/a => DENY
EOF
# a file that does not compile fails the run, not the other files
ck_rc fail dirbad -r $S/dbad
ck_loaded yes kc_e
ck_loaded no kc_err

# 2. replacing one profile: the new rules hold, the others are unchanged;
# -a of a loaded profile fails and leaves it
ck_rc ok replace -r $S/v2/kc_a
checks replace <<'EOF'
FILE /k/c/a
FILE /k/c/b
FILE /k/c/c
CHECK kc_a read /k/c/a => DENY
CHECK kc_a read /k/c/b => ALLOW
CHECK kc_b read /k/c/b => ALLOW
CHECK kc_c read /k/c/c => ALLOW
EOF
ck_rc fail add-loaded -a $S/d1/kc_c
ck_out add-loaded 'Unable to add "kc_c"\.  Profile already exists'
ck_loaded yes kc_c

# 3. -R while a process runs under the profile: the profile is gone and
# the process is unconfined
hold kc_b kc_b
ck_label held-before-remove $held kc_b
ck_rc ok remove -R $S/d1/kc_b
ck_loaded no kc_b
ck_loaded yes kc_a
ck_label held-after-remove $held unconfined
release

# 4. -n NS: the profile is created in namespace NS, not in the root one;
# a task confined by it sees its label without the namespace, the root
# namespace sees it as :NS:NAME
ck_ns no kc_ns
ck_rc ok ns -n kc_ns -r $S/ns/kc_n
ck_ns yes kc_ns
ck_loaded no kc_n
checks ns <<'EOF'
FILE /k/c/n
FILE /k/c/a
CHECK :kc_ns:kc_n=kc_n read /k/c/n => ALLOW
CHECK :kc_ns:kc_n=kc_n read /k/c/a => DENY
CHECK &:kc_ns:kc_n=kc_n read /k/c/a => DENY
EOF
hold :kc_ns:kc_n kc_n
ck_label ns-label-outside $held :kc_ns:kc_n
release
hold '&:kc_ns:kc_n' kc_n
ck_label ns-stack-label-outside $held 'unconfined//&:kc_ns:kc_n'
release
# -n NS -R removes it from the namespace again
ck_nsprof yes kc_ns kc_n
ck_rc ok ns-remove -n kc_ns -R $S/ns/kc_n
ck_nsprof no kc_ns kc_n

# 5. the cache: -r --write-cache compiles, loads and writes exactly the -S
# bytes; after -R, a second -r loads the cache entry (reported by -k) and
# enforces the same; after the included file changed, -r enforces the new
# rules (the entry is stale)
mkdir -p $T/inc
cp $S/cache-inc/rules.v1 $T/inc/kc-cache-rules
ck_rc ok cache-write -r --write-cache -k -I $T/inc $S/cache/kc_w
ck_out cache-write 'Wrote cache: '
$P -QS -K -I $T/inc $S/cache/kc_w > $T/kc_w.bin 2> $T/kc_w.err
entry=$(ls /var/cache/apparmor/*/kc_w 2>/dev/null | head -n 1)
ck_same cache-entry-is-S-output "$entry" $T/kc_w.bin
checks cache-fresh <<'EOF'
FILE /k/c/w
FILE /k/c/ww
CHECK kc_w read /k/c/w => ALLOW
CHECK kc_w write /k/c/ww => ALLOW
CHECK kc_w write /k/c/w => DENY
EOF
ck_rc ok cache-remove -R -I $T/inc $S/cache/kc_w
ck_loaded no kc_w
ck_rc ok cache-read -r -k -I $T/inc $S/cache/kc_w
ck_out cache-read 'Cache hit: '
ck_loaded yes kc_w
# the kernel holds exactly the cache entry's bytes
kdir=$(grep -lx kc_w /sys/kernel/security/apparmor/policy/profiles/*/name |
	head -n 1)
ck_same cache-read-kernel-bytes "${kdir%/name}/raw_data" "$entry"
checks cache-read <<'EOF'
FILE /k/c/w
FILE /k/c/ww
CHECK kc_w read /k/c/w => ALLOW
CHECK kc_w write /k/c/ww => ALLOW
CHECK kc_w write /k/c/w => DENY
EOF
sleep 0.1
cp $S/cache-inc/rules.v2 $T/inc/kc-cache-rules
ck_rc ok cache-stale -r -k -I $T/inc $S/cache/kc_w
checks cache-stale <<'EOF'
FILE /k/c/w
FILE /k/c/ww
CHECK kc_w write /k/c/w => ALLOW
CHECK kc_w write /k/c/ww => DENY
EOF

# 6. a file whose compile fails leaves the loaded versions of its
# profiles: a semantic error in one of two profiles, then a syntax error
ck_rc ok keep-v1 -r $S/f1/kc_f
ck_rc fail keep-semantic -r $S/f2/kc_f
ck_rc fail keep-syntax -r $S/f3/kc_f
checks keep <<'EOF'
FILE /k/c/f1
FILE /k/c/f2
CHECK kc_f1 read /k/c/f1 => ALLOW
CHECK kc_f1 read /k/c/f2 => DENY
CHECK kc_f2 read /k/c/f2 => ALLOW
EOF

# 7. a file is one kernel transaction (cli.md 10, set_load): -a of a file
# whose second profile is loaded fails and leaves that profile; with our
# compiler its first profile is not added either (3.0.8 writes each
# profile on its own, the file's order being kc_ab, kc_c, and adds kc_ab:
# verified in the VM; so that check is ours only)
ck_rc fail unit-add -a $S/unit/kc_u
ck_loaded yes kc_c
[ -e /kt/cli/aacc ] && ck_loaded no kc_ab # aacc
checks unit <<'EOF'
FILE /k/c/c
CHECK kc_c write /k/c/c => DENY
EOF

# 8. boot: the command apparmor.service runs (rc.apparmor.functions), on
# the copy of this machine's /etc/apparmor.d, twice: the first run
# compiles, loads and writes the cache, the second loads every file from
# the cache; the kernel then holds the same bytes for every profile
# (policy/profiles/*/sha1) and -N lists only loaded profiles
boot_sha() { # OUT: "name sha1" of every loaded root-namespace profile
	for d in /sys/kernel/security/apparmor/policy/profiles/*; do
		echo "$(cat $d/name) $(cat $d/sha1)"
	done | sort > $1
}
before=$(ls /var/cache/apparmor/*/ | grep -c .)
echo "KT cli TIME boot-fresh-start $(cut -d' ' -f1 /proc/uptime)"
ck_rc ok boot-fresh --write-cache --quiet --replace -- /etc/apparmor.d
echo "KT cli TIME boot-fresh-end $(cut -d' ' -f1 /proc/uptime)"
written=$(($(ls /var/cache/apparmor/*/ | grep -c .) - before))
$P -N /etc/apparmor.d > $T/boot.names 2> $T/boot.names.err
boot_sha $T/boot1.sha
named=0 missing=0
while read -r name; do
	case $name in *//*) continue ;; esac
	named=$((named + 1))
	awk -v n="$name" '$1 == n { f = 1 } END { exit !f }' $T/boot1.sha ||
		missing=$((missing + 1))
done < $T/boot.names
ck_count boot-profiles-loaded "$named named, $missing missing" \
	"$([ $named -gt 0 ] && [ $missing = 0 ] && echo 1 || echo 0)"
ck_rc ok boot-cached --write-cache --quiet --replace -k -- /etc/apparmor.d
echo "KT cli TIME boot-cached-end $(cut -d' ' -f1 /proc/uptime)"
hits=$(grep -c '^Cache hit: ' $T/boot-cached.out)
ck_count boot-cache-hits "$hits hits, $written entries written" \
	"$([ $written -gt 0 ] && [ "$hits" = $written ] && echo 1 || echo 0)"
boot_sha $T/boot2.sha
ck_same boot-cached-same-bytes $T/boot1.sha $T/boot2.sha

echo "KT cli END $t0 $(cut -d' ' -f1 /proc/uptime)"
