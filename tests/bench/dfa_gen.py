"""Rule-set generators for the DFA benchmark (issue 3), deterministic.

Each case yields the same rule set in two forms: an aa-dfa RULES file
("PERM GLOB" lines, variables already expanded) and an AppArmor profile
for Debian's apparmor_parser 3.0.8, plus sample strings that hit and miss
the patterns for the cross-check. See README.md for the permission
mapping. Run as a script to write one case's files:
    python3 dfa_gen.py CASE DIR
"""

import random
import re
import sys

import aaglob

SEED = 20260301

# Permission letters -> aa-dfa PERM bits.  Only non-exec letters are used
# for allow rules, so the OR that aa-dfa computes equals what 3.0.8 folds.
BIT = {"r": 0x1, "w": 0x2, "k": 0x4, "m": 0x8, "l": 0x10, "x": 0x20}
DENY_SHIFT = 8          # deny rules: letter bits << 8
EXEC_SHIFT = 16         # exec-style value v (1..50): v << 16
# The eight distinct allow mixes (no 'a': 3.0.8 folds w into a; no 'l':
# it adds link-pair states that aa-dfa cannot express).
MIXES = ["r", "rw", "rk", "rm", "wk", "rwk", "rwm", "km"]
# Exec modes that take a named target, for the exec-style profile.
EXEC_MODES = ["px", "Px", "cx", "Cx", "pix", "Pix", "cix", "Cix",
              "pux", "PUx"]

WORDS = ("alpha beta gamma delta kilo lima mike oscar papa quebec romeo "
         "sierra tango victor xray yankee zulu apt bash cron dbus eth "
         "font gtk http icu java kde libc mesa nss ocaml perl qt ruby "
         "ssl tcl udev vim wayland xorg zlib cache config data doc lib "
         "locale log man run share spool state tmp bin sbin include src "
         "python3 node go rust gcc llvm boost curl git gnupg").split()
TOPS = ["usr", "opt", "srv", "var", "etc", "home", "run", "tmp"]
EXTS = ["so", "conf", "py", "txt", "log", "db", "json", "xml"]


def perm_bits(letters, shift=0):
    v = 0
    for c in letters:
        v |= BIT[c]
    return v << shift


class Case:
    """One benchmark case: rules for aa-dfa, a profile, sample strings."""

    def __init__(self, name, desc):
        self.name = name
        self.desc = desc
        self.rules = []         # (perm int, glob text) for aa-dfa
        self.profile = None     # text for 3.0.8, or None
        self.no_profile = ""    # why there is no 3.0.8 profile
        self.strings = []       # sample strings for the cross-check
        self.expect_fail = ""   # documented reason 3.0.8 is expected to fail
        self.aa_timeout = 0     # CPU-second cap for 3.0.8 (0: the default)

    def rules_text(self):
        out = ["# %s: %s" % (self.name, self.desc)]
        out += ["%x %s" % (p, g) for p, g in self.rules]
        return "\n".join(out) + "\n"


# --- sampling strings from globs ------------------------------------------

_FILL = "abcxyz019._-"


def _parse(g, i=0, stop=""):
    """Parse glob g into a list of items; returns (items, next index)."""
    items = []
    while i < len(g) and g[i] not in stop:
        c = g[i]
        if c == "\\":
            items.append(("lit", g[i + 1]))
            i += 2
        elif c == "*":
            j = i
            while j < len(g) and g[j] == "*":
                j += 1
            whole = i > 0 and g[i - 1] == "/" and (j == len(g) or
                                                   g[j] == "/")
            items.append(("star", j - i, whole))
            i = j
        elif c == "?":
            items.append(("any",))
            i += 1
        elif c == "[":
            cls, j = aaglob._translate_class(g, i + 1)
            items.append(("cls", re.compile(cls, re.S)))
            i = j
        elif c == "{":
            alts = []
            i += 1
            while True:
                seq, i = _parse(g, i, ",}")
                alts.append(seq)
                if g[i] == "}":
                    i += 1
                    break
                i += 1
            items.append(("alt", alts))
        else:
            items.append(("lit", c))
            i += 1
    return items, i


_CLASS_CANDIDATES = [chr(c) for c in range(0x21, 0x7f)] + ["/"]


def _fill(r, allow_slash, nonempty):
    if allow_slash:
        n = r.randint(1 if nonempty else 0, 3)
        parts = []
        for _ in range(n):
            parts.append(r.choice(WORDS) if r.random() < 0.7
                         else "".join(r.choice(_FILL)
                                      for _ in range(r.randint(1, 3))))
        s = "/".join(parts)
        if nonempty and not s:
            s = "x"
        return s
    if r.random() < 0.3:
        return r.choice(WORDS)
    n = r.randint(1 if nonempty else 0, 3)
    return "".join(r.choice(_FILL) for _ in range(n))


def _gen(r, items, out):
    for it in items:
        k = it[0]
        if k == "lit":
            out.append(it[1])
        elif k == "star":
            run, whole = it[1], it[2]
            out.append(_fill(r, run >= 2, whole))
        elif k == "any":
            out.append(r.choice(_FILL))
        elif k == "cls":
            cands = [c for c in _CLASS_CANDIDATES if it[1].fullmatch(c)]
            out.append(r.choice(cands) if cands else "a")
        elif k == "alt":
            _gen(r, r.choice(it[1]), out)


def sample(r, glob):
    """A random string the glob (left operand of ' - ') should match."""
    items, _ = _parse(glob.split(" - ")[0])
    out = []
    _gen(r, items, out)
    return "".join(out)


def mutate(r, s):
    """A near miss: a small edit of a hit."""
    k = r.randrange(7)
    if k == 0 and s:
        return s[:-1]
    if k == 1:
        return s + r.choice(["x", "/", ".bak", "/x"])
    if k == 2 and s:
        i = r.randrange(len(s))
        return s[:i] + r.choice("aZ/.") + s[i + 1:]
    if k == 3:
        comps = s.split("/")
        if len(comps) > 2:
            comps[r.randrange(1, len(comps))] = r.choice(WORDS)
        return "/".join(comps)
    if k == 4:
        return "/" + r.choice(TOPS) + s
    if k == 5 and "/" in s[1:]:
        i = s.index("/", 1)
        return s[:i] + "/" + s[i:]
    return s.upper()


def add_samples(case, r, nhits, nmiss, extra=()):
    globs = [g for _, g in case.rules]
    hits = [sample(r, r.choice(globs)) for _ in range(nhits)]
    misses = [mutate(r, r.choice(hits)) for _ in range(nmiss)]
    seen = set()
    for s in list(extra) + hits + misses:
        if s not in seen:
            seen.add(s)
            case.strings.append(s)


def profile(name, lines, head=""):
    body = "".join("  %s\n" % ln for ln in lines)
    return "%sprofile %s {\n%s}\n" % (head, name, body)


# --- the cases -------------------------------------------------------------

def literal_paths(r, n):
    seen = set()
    out = []
    while len(out) < n:
        depth = r.randint(2, 5)
        comps = [r.choice(TOPS)] + [r.choice(WORDS) for _ in range(depth)]
        comps[-1] += "%d.%s" % (r.randrange(1000), r.choice(EXTS))
        p = "/" + "/".join(comps)
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def case_literals(n):
    r = random.Random(SEED + n)
    c = Case("lit%dk" % (n // 1000), "%d literal paths, 8 mixes" % n)
    paths = literal_paths(r, n)
    lines = []
    for i, p in enumerate(paths):
        m = MIXES[i % 8]
        c.rules.append((perm_bits(m), p))
        lines.append("%s %s," % (p, m))
    c.profile = profile("lit", lines)
    if n >= 100000:
        # 3.0.8 needs minutes of CPU for 10k literals (its minimization
        # of the 116k-state trie); 100k cannot finish, so cap its run.
        c.aa_timeout = 60
    add_samples(c, r, 1500, 1500)
    return c


def case_literals_dense(n=10000):
    """n literal paths whose trie fits 3.0.8's 16-bit state numbers."""
    r = random.Random(SEED + 7)
    c = Case("lit10k-16b", "%d short literal paths (trie < 64k states)" % n)
    dirs = ["/usr/lib/%s/" % w for w in ("gtk", "qt", "perl", "icu",
                                         "ssl", "tcl", "nss", "kde")]
    nums = r.sample(range(100000), n)
    lines = []
    for i, k in enumerate(nums):
        p = "%s%05d" % (dirs[i % len(dirs)], k)
        m = MIXES[r.randrange(8)]
        c.rules.append((perm_bits(m), p))
        lines.append("%s %s," % (p, m))
    c.profile = profile("litd", lines)
    add_samples(c, r, 1500, 1500)
    return c


GLOB_SHAPES = [
    "/usr/{lib,lib64}/{W}/**",
    "/home/*/.{W}/{W2,W3}/*.{E,E2}",
    "/srv/**/{W}*",
    "/opt/{W}/[a-f]*/**",
    "/var/{W}/??/*",
    "/etc/{W}{,.d}/*.conf",
    "/{T}/{W}/**/{W2}/*.{E,so.[0-9]*}",
    "/tmp/{W}-*/**",
]


def fill_shape(r, shape):
    w = r.sample(WORDS, 3)
    e = r.sample(EXTS, 2)
    return (shape.replace("{W}", w[0] + str(r.randrange(100)))
            .replace("{W2}", w[1])
            .replace("{W2,W3}", "{%s,%s}" % (w[1], w[2]))
            .replace("{E,", "{" + e[0] + ",")
            .replace(",E2}", "," + e[1] + "}")
            .replace("{T}", r.choice(TOPS)))


def case_globs(n=1000):
    r = random.Random(SEED + 1)
    c = Case("glob1k", "%d globs: ** * ? [] {} mixed, 8 mixes" % n)
    lines = []
    for i in range(n):
        g = fill_shape(r, GLOB_SHAPES[i % len(GLOB_SHAPES)])
        m = MIXES[r.randrange(8)]
        c.rules.append((perm_bits(m), g))
        lines.append("%s %s," % (g, m))
    c.profile = profile("globs", lines)
    add_samples(c, r, 1000, 1000)
    return c


def overlap_patterns(r, n):
    """n exec-style patterns, overlapping in pairs and families."""
    out = []
    names = [w + str(i) for i, w in enumerate(WORDS)]
    for i in range(n):
        nm = r.choice(names)
        k = i % 5
        if k == 0:
            out.append("/usr/bin/%s" % nm)
        elif k == 1:
            out.append("/usr/{bin,sbin,local/bin}/%s*" % nm[:3])
        elif k == 2:
            out.append("/usr/lib/%s/**" % nm)
        elif k == 3:
            out.append("/opt/%s/{bin,libexec}/*" % nm)
        else:
            out.append("/{usr/,}{bin,sbin}/%s-[0-9]*" % nm)
    return out


def case_exec(n=2000, nvals=50):
    r = random.Random(SEED + 2)
    c = Case("exec2k", "%d overlapping patterns, %d exec-style values"
             % (n, nvals))
    lines = []
    for i, g in enumerate(overlap_patterns(r, n)):
        v = i % nvals
        c.rules.append(((v + 1) << EXEC_SHIFT, g))
        lines.append("%s %s -> t_%d," % (g, EXEC_MODES[v % len(EXEC_MODES)],
                                          v))
    c.profile = profile("execs", lines)
    c.expect_fail = ("named targets > 12 and overlapping exec modes "
                     "(x conflicts)")
    add_samples(c, r, 1000, 1000)
    return c


def case_overlap_mix(n=2000):
    r = random.Random(SEED + 2)
    c = Case("ovl2k", "exec2k's patterns with the 8 non-exec mixes")
    lines = []
    for i, g in enumerate(overlap_patterns(r, n)):
        m = MIXES[i % 8]
        c.rules.append((perm_bits(m), g))
        lines.append("%s %s," % (g, m))
    c.profile = profile("ovl", lines)
    add_samples(c, r, 1000, 1000)
    return c


def case_var(nvals=200, nrules=100):
    r = random.Random(SEED + 3)
    c = Case("var200", "@{V} with %d values in %d rules" % (nvals, nrules))
    vals = set()
    while len(vals) < nvals:
        vals.add(r.choice(WORDS) + r.choice(["", "-", "_", "."]) +
                 str(r.randrange(50)))
    vals = sorted(vals)
    alt = "{" + ",".join(vals) + "}"
    shapes = ["/srv/@{V}/{W}/**", "/home/*/@{V}/{W}*.{E,E2}",
              "/usr/share/@{V}/{W}/*", "/var/lib/@{V}/**",
              "/opt/{W}/@{V}{,.d}/*"]
    lines = []
    for i in range(nrules):
        g = fill_shape(r, shapes[i % len(shapes)])
        m = MIXES[i % 8]
        c.rules.append((perm_bits(m), g.replace("@{V}", alt)))
        lines.append("%s %s," % (g, m))
    c.profile = profile("var", lines, "@{V}=%s\n\n" % " ".join(vals))
    add_samples(c, r, 1000, 1000)
    return c


SYS_CHAIN = ["/sys/[^f]*/**", "/sys/f[^s]*/**", "/sys/fs/[^c]*/**",
             "/sys/fs/c[^g]*/**", "/sys/fs/cg[^r]*/**"]
SYS_SUB = "/sys/** - /sys/fs/cgr*/**"
SYS_PROBES = ["/sys", "/sys/", "/sys/x", "/sys/x/", "/sys/x/y",
              "/sys//x", "/sys//", "/sys/f/x", "/sys/fs/x", "/sys/fs/",
              "/sys/fs", "/sys/fs//x", "/sys/fs/c/x", "/sys/fs/cg/x",
              "/sys/fs/cgr/x", "/sys/fs/cgroup", "/sys/fs/cgroup/",
              "/sys/fs/cgroup/x", "/sys/fs/cgroup/a/b", "/sys/fsx/y",
              "/sys/fs/cgx/y", "/sys/fs/cx/y", "/sys/fs/x/y/z",
              "/sys/kernel/debug", "/sys/fs/cgroupv2/x", "/sysx/y",
              "/sys/\0/x", "/sys/fs/\0/x", "/sys/f\0/x", "/sys/fs/cg/",
              "/proc/1", "/", "/sys/fs/c"]


def _sys_case(name, deny_globs, desc):
    r = random.Random(SEED + 5)
    c = Case(name, desc)
    allow = "rwkl"
    c.rules.append((perm_bits(allow), "/**"))
    for g in deny_globs:
        c.rules.append((perm_bits("wklx", DENY_SHIFT), g))
    extra = list(SYS_PROBES)
    for _ in range(300):
        d = r.choice(["x", "f", "fs", "fs/c", "fs/cg", "fs/cgroup",
                      "fs/cgr", "kernel", "fs/cgx", "fsx", "", "fs/"])
        extra.append("/sys/" + d + "/" + _fill(r, True, False))
    add_samples(c, r, 500, 500, extra)
    return c


def case_sys_chain():
    c = _sys_case("sys-chain", SYS_CHAIN, "seed /sys deny chain + /** rwkl")
    lines = ["/** rwkl,"] + ["deny %s wklx," % g for g in SYS_CHAIN]
    c.profile = profile("syschain", lines)
    return c


def case_sys_sub():
    c = _sys_case("sys-sub", [SYS_SUB], "deny /sys/** - /sys/fs/cgr*/**")
    c.no_profile = "3.0.8 has no ' - ' syntax"
    return c


# The case that hurts 3.0.8: broad per-top-directory rules with eight
# mixes, and HURT_N narrower overlapping ** rules with alternations whose
# permissions the broad rules subsume. The followpos construction tracks
# every narrow rule's progress separately (hundreds of thousands of
# states); almost all of them are equivalent, so the minimal DFA is tiny.
HURT_N = 21
HURT_MIDS = ["lib", "share", "bin", "cache", "log", "data", "conf",
             "spool", "run", "state"]
HURT_BROAD = [("usr", "rm"), ("opt", "rk"), ("srv", "rwk"), ("var", "rw"),
              ("etc", "r"), ("home", "rwkm"), ("run", "wk"), ("tmp", "rwm")]


def case_hurt(n=HURT_N):
    r = random.Random(SEED + 6)
    c = Case("hurt", "%d overlapping ** rules under 8 broad mixes" % n)
    broad = dict(HURT_BROAD)
    tops = [t for t, _ in HURT_BROAD]
    lines = []
    for t, m in HURT_BROAD:
        c.rules.append((perm_bits(m), "/%s/**" % t))
        lines.append("/%s/** %s," % (t, m))
    for i in range(n):
        t = r.sample(tops, 2)
        common = set(broad[t[0]]) & set(broad[t[1]])
        m = "".join(x for x in "rwkm" if x in common) or "r"
        b = ",".join(r.sample(HURT_MIDS, 2))
        b2 = ",".join(r.sample(HURT_MIDS, 2))
        e = ",".join(r.sample(EXTS, 2))
        tt = ",".join(t)
        k = i % 3
        if k == 0:
            g = "/{%s}/**/{%s}/**/{%s}/**.{%s}" % (tt, b, b2, e)
        elif k == 1:
            g = "/{%s}/**{%s}**{%s}**" % (tt, b, b2)
        else:
            g = "/{%s}/**/{%s}*/**.{%s}" % (tt, b, e)
        c.rules.append((perm_bits(m), g))
        lines.append("%s %s," % (g, m))
    c.profile = profile("hurt", lines)
    add_samples(c, r, 1000, 1000)
    return c


EDGE_GLOBS = ["/tmp/*", "/tmp/**", "/tmp/*/", "/**", "/tmp/*.log",
              "/tmp/a*", "/cc/{,x}", "/x/[^f]*", "/a/{b,{c,d}}e",
              "/v.w+x|y(z)", "/dd/***", "/[a-c]x", "/e/\\*", "/e/\\{a\\}",
              "/mnt/{**,}", "/q/?", "/q/??*", "/n/{a,b}{,.d}/{c,}*",
              "/sys/** - /sys/fs/cgr*/**", "/h/*/ - /h/root/",
              "/r/[0-9][0-9]*", "/s/*/*/**", "/u/**/", "/w/{a,a}"]
EDGE_PROBES = ["/tmp/", "/tmp/x", "/tmp//", "/tmp/x/", "/tmp/a/b", "/",
               "/tmp/.log", "/tmp/a", "/cc/", "/cc/x", "/x//", "/x/\0",
               "/x/g", "/x/f", "/a/de", "/a/be", "/v.w+x|y(z)",
               "/vxw+x|y(z)", "/dd/", "/dd/a", "/dd/a/b", "/bx", "/dx",
               "/e/*", "/e/a", "/e/{a}", "/mnt/", "/mnt/a", "/mnt/a/b",
               "/q/", "/q/a", "/q/ab", "/q/a/", "/n/a/", "/n/a.d/c",
               "/n/b/x", "/n/a.d/", "/sys/fs/cgroup/x", "/sys/fs/cgroup",
               "/h/root/", "/h/user/", "/h//", "/r/5", "/r/55x", "/r/x5",
               "/s/a/b/c", "/s/a/b", "/u/x/", "/u/", "/u//", "/w/a",
               "/tmp/\0", "/tmp/x\0", "/e/\\", "/x/\xff", "/tmp/\xff"]


def case_edge():
    """Every glob construct, one PERM bit per rule, with probe strings."""
    r = random.Random(SEED + 8)
    c = Case("edge", "%d tricky globs, one bit each" % len(EDGE_GLOBS))
    for i, g in enumerate(EDGE_GLOBS):
        c.rules.append((1 << i, g))
    c.no_profile = "one PERM bit per rule (no letter mapping)"
    add_samples(c, r, 600, 600, EDGE_PROBES)
    return c


CASES = {
    "lit1k": lambda: case_literals(1000),
    "lit10k": lambda: case_literals(10000),
    "lit100k": lambda: case_literals(100000),
    "lit10k-16b": case_literals_dense,
    "glob1k": case_globs,
    "exec2k": case_exec,
    "ovl2k": case_overlap_mix,
    "var200": case_var,
    "sys-chain": case_sys_chain,
    "sys-sub": case_sys_sub,
    "hurt": case_hurt,
    "edge": case_edge,
}


def write_case(c, d):
    """Write NAME.rules, NAME.prof (if any) and NAME.in into directory d."""
    import os
    base = os.path.join(d, c.name)
    with open(base + ".rules", "w", encoding="latin-1") as f:
        f.write(c.rules_text())
    if c.profile is not None:
        with open(base + ".prof", "w", encoding="latin-1") as f:
            f.write(c.profile)
    with open(base + ".in", "w", encoding="latin-1") as f:
        for s in c.strings:
            f.write(aaglob.escape_line(s) + "\n")
    return base


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in CASES:
        sys.exit("usage: dfa_gen.py {%s} DIR" % ",".join(CASES))
    print(write_case(CASES[sys.argv[1]](), sys.argv[2]))
