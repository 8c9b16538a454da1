#!/bin/sh
# The equality corpus (../shared/corpus/equality.tsv, README section 2):
# every pair of profiles must compile, to byte-identical blobs where the
# row says "equal" and to different blobs where it says "differ". Each
# distinct (features, text) input is compiled once. To keep the run short
# (under ASan too) the inputs go to apparmor_parser in batches of files
# with -QTW into a scratch cache directory instead of one -QKS process
# per input: the cache file holds exactly the bytes -S writes (checked
# below on a sample of inputs fed on stdin with the row's own flags).
# Prints the score and the failing rows grouped by cause and tags; fails
# below 100 %. MAX-ROWS limits the run to the first rows of the file;
# EQ_STRIDE=N runs every Nth row only (default 1; 20 when apparmor_parser
# is built with ASan, where the full set takes several minutes on two
# cores: the non-sanitized build runs every row); EQ_KEEP=DIR keeps the
# inputs and blobs in DIR (empty, existing).
# Usage: equality.sh BUILD [MAX-ROWS]   (exit 0 pass, 77 skip, 1 fail)
set -u
B=${1:?usage: equality.sh BUILD [MAX-ROWS]}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B="$top/$B" ;; esac
corpus="$(cd "$top" && git rev-parse --show-toplevel 2>/dev/null)/../shared/corpus"
[ -f "$corpus/equality.tsv" ] ||
	{ echo "equality: no $corpus/equality.tsv" >&2; exit 77; }
[ -x "$B/apparmor_parser" ] ||
	{ echo "equality: $B/apparmor_parser not built" >&2; exit 77; }
command -v python3 >/dev/null ||
	{ echo "equality: python3 not installed" >&2; exit 77; }
stride=${EQ_STRIDE:-1}
if [ -z "${EQ_STRIDE:-}" ] &&
	ldd "$B/apparmor_parser" 2>/dev/null | grep -q libasan; then
	stride=20
	echo "equality: ASan build: every 20th row (EQ_STRIDE=1 for all)"
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tmp=${EQ_KEEP:-$scratch}
python3 - "$B/apparmor_parser" "$corpus" "$tmp" "${2:-0}" "$stride" <<'PYEOF'
import os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

parser, corpus, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
maxrows, stride = int(sys.argv[4]), int(sys.argv[5])
BATCH = 400

def unesc(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            out.append({'n': '\n', 't': '\t', 'r': '\r', '\\': '\\'}[s[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)

rows, inputs, seen = [], {}, 0
with open(os.path.join(corpus, 'equality.tsv'), encoding='utf-8') as f:
    for line in f:
        if line.startswith('#') or not line.strip():
            continue
        seen += 1
        if (seen - 1) % stride:
            continue
        c = line.rstrip('\n').split('\t')
        rid, expect, feat, flags, tags = c[0], c[1], c[2], c[3], c[5]
        a, b = unesc(c[8]), unesc(c[9])
        for t in (a, b):
            inputs.setdefault((feat, flags, t), len(inputs))
        rows.append((rid, expect, feat, flags, tags, c[7],
                     inputs[(feat, flags, a)], inputs[(feat, flags, b)]))
        if maxrows and len(rows) >= maxrows:
            break

# one batch list per (features, flags)
groups = {}
for (feat, flags, text), i in inputs.items():
    d = os.path.join(tmp, 'in', str(i // BATCH))
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, 'i%06d' % i)
    with open(p, 'w', encoding='utf-8') as f:
        f.write(text)
    groups.setdefault((feat, flags, i // BATCH), []).append(p)

def run(key):
    feat, flags, n = key
    cache = os.path.join(tmp, 'cache', '%s.%d' % (feat, n))
    os.makedirs(cache, exist_ok=True)
    # the row's flags minus -S and -K: write the cache instead of stdout
    opt = ''.join(ch for ch in flags.lstrip('-') if ch not in 'SK')
    cmd = [parser, '--config-file=/dev/null',
           '--features-file', os.path.join(corpus, 'features_files', feat),
           '-' + opt + 'TW', '-L', cache] + groups[key]
    try:
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=900)
        err = r.stderr.decode('utf-8', 'replace')
    except subprocess.TimeoutExpired:
        err = 'timeout'
    if 'Sanitizer' in err or 'runtime error' in err or err == 'timeout':
        return key, err
    return key, None

with ThreadPoolExecutor(max_workers=2) as ex:
    bad = [(k, e) for k, e in ex.map(run, sorted(groups)) if e]
for k, e in bad:
    print('equality: batch %s: %s' % (k, e[-2000:]))

out = {}
for root, _, files in os.walk(os.path.join(tmp, 'cache')):
    for name in files:
        if name.startswith('i'):
            with open(os.path.join(root, name), 'rb') as f:
                out[int(name[1:])] = f.read()

# the cache bytes are the -S bytes: check a deterministic sample
sample = sorted(inputs.items(), key=lambda kv: kv[1])[::max(1, len(inputs) // 40)]
for (feat, flags, text), i in sample:
    r = subprocess.run([parser, '--config-file=/dev/null', '--features-file',
                        os.path.join(corpus, 'features_files', feat), flags],
                       input=text.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=300)
    got = r.stdout if r.returncode == 0 else None
    if got != out.get(i):
        print('equality: input %d: -S output differs from the cache file' % i)
        bad.append(i)

ok, fails = 0, {}
for rid, expect, feat, flags, tags, desc, ia, ib in rows:
    a, b = out.get(ia), out.get(ib)
    if a is None or b is None:
        why = 'compile failed'
    elif (a == b) == (expect == 'equal'):
        ok += 1
        continue
    else:
        why = 'bytes %s' % ('differ' if expect == 'equal' else 'equal')
    fails.setdefault((why, tags), []).append((rid, desc))
for (why, tags), v in sorted(fails.items(), key=lambda kv: -len(kv[1])):
    print('FAIL %d %s [%s], e.g. %s' % (len(v), why, tags,
          '; '.join('%s %s' % x for x in v[:3])))
n = len(rows)
print('equality: %d/%d rows pass (%.3f %%), %d distinct inputs, %d compiled'
      % (ok, n, 100.0 * ok / n, len(inputs), len(out)))
sys.exit(0 if ok == n and not bad else 1)
PYEOF
exit $?
