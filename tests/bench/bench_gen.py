"""Deterministic generators for the stress corpus of `make bench` (issue 5).

Writes one profile file per stress case into a directory:
    python3 bench_gen.py DIR            the default stress set
    python3 bench_gen.py DIR CASE...    only the named cases
and the fixed-cost profiles (empty, abstractions/base only, and the base
profile copied under distinct names into base-x40/ and base-x1/) with
    python3 bench_gen.py --fixed DIR
The file-rule cases reuse the rule sets of dfa_gen.py (the DFA benchmark);
the exec and dbus cases are generated here. Every case uses a fixed seed,
so two runs write byte-identical files.
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dfa_gen  # noqa: E402

SEED = 20260505


def _profile(name, attach, lines, head=""):
    body = "".join("  %s\n" % ln for ln in lines)
    return "%sprofile %s %s {\n%s}\n" % (head, name, attach, body)


def _rename(text, old, new, attach):
    """Give a dfa_gen profile our name and an attachment path."""
    return text.replace("profile %s {" % old,
                        "profile %s %s {" % (new, attach), 1)


def case_hurt():
    """The subset-construction explosion: 8 broad /TOP/** rules with eight
    permission mixes and 21 overlapping ** rules with alternations."""
    c = dfa_gen.case_hurt()
    return _rename(c.profile, "hurt", "stress_hurt", "/usr/bin/stress_hurt")


def case_globs():
    """1000 globs of eight shapes (** * ? [] {} mixed, 8 mixes)."""
    c = dfa_gen.case_globs(1000)
    return _rename(c.profile, "globs", "stress_glob1k",
                   "/usr/bin/stress_glob1k")


def case_literals():
    """6000 literal paths: about 75,000 states after minimization, more
    than the kernel's 16-bit state numbers can hold, so both parsers must
    refuse it (3.0.8 after minimizing, tens of seconds)."""
    c = dfa_gen.case_literals(6000)
    return _rename(c.profile, "lit", "stress_lit6k", "/usr/bin/stress_lit6k")


def case_var(nvals=300, nrules=150):
    """A 300-value variable used in 150 rules."""
    c = dfa_gen.case_var(nvals, nrules)
    name = "stress_var%d" % nvals
    return _rename(c.profile, "var", name, "/usr/bin/" + name)


EXEC_MODES = ["px", "Px", "cx", "Cx", "pix", "Pix", "cix", "Cix"]
PLAIN_EXEC = ["ix", "Px", "px", "Pix", "Cx", "ux"]


def _exec_paths(r, n):
    """n distinct program paths in a few dozen directories, literal and
    glob (each glob is a directory of its own, so no two rules overlap)."""
    words = dfa_gen.WORDS
    out = []
    seen = set()
    while len(out) < n:
        k = len(out) % 4
        w = r.choice(words) + str(r.randrange(1000))
        if k == 0:
            p = "/usr/bin/%s" % w
        elif k == 1:
            p = "/usr/lib/%s/{bin,libexec}/%s-*" % (w, w)
        elif k == 2:
            p = "/opt/%s/bin/%s" % (r.choice(words), w)
        else:
            p = "/usr/libexec/%s/*" % w
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def case_exec_named(nrules=600, ntargets=60):
    """600 exec rules with 60 distinct named targets (3.0.8's table holds
    12) plus ordinary file rules."""
    r = random.Random(SEED + 1)
    lines = ["/etc/ld.so.cache r,", "/{usr/,}lib{,32,64}/** rm,"]
    for i, p in enumerate(_exec_paths(r, nrules)):
        v = i % ntargets
        lines.append("%s %s -> target_%d," % (p, EXEC_MODES[v % 8], v))
    return _profile("stress_exec_named", "/usr/bin/stress_exec_named",
                    lines)


def case_exec_many(nrules=2000, ntargets=12):
    """2000 exec rules with distinct paths: unnamed px/Px/ix/Cx/ux modes
    and 12 named targets, which 3.0.8 can encode."""
    r = random.Random(SEED + 2)
    lines = ["/etc/ld.so.cache r,", "/{usr/,}lib{,32,64}/** rm,"]
    for i, p in enumerate(_exec_paths(r, nrules)):
        if i % 3 == 0:
            v = (i // 3) % ntargets
            lines.append("%s %s -> target_%d," % (p, EXEC_MODES[v % 8], v))
        else:
            lines.append("%s %s," % (p, PLAIN_EXEC[i % len(PLAIN_EXEC)]))
    return _profile("stress_exec_many", "/usr/bin/stress_exec_many", lines)


def case_dbus(n=3000):
    """n dbus rules: send with member alternations, receive with path
    globs, bind with name alternations, send+receive on path classes.
    Compiled only when the features name dbus (bench.py adds it)."""
    lines = []
    for i in range(n):
        k = i % 4
        d = i % 37
        svc = "org.ex%d.S%d" % (d, i)
        if k == 0:
            lines.append("dbus send bus=session path=/org/ex%d/o%d "
                         "interface=%s.I member={Get,Set,List%d} "
                         "peer=(name=%s)," % (d, i, svc, i % 7, svc))
        elif k == 1:
            lines.append("dbus receive bus=system path=/org/ex%d/** "
                         "interface=org.ex%d.I%d peer=(label=lbl%d),"
                         % (d, d, i, i % 50))
        elif k == 2:
            lines.append("dbus bind bus=session name=%s{,.*}," % svc)
        else:
            lines.append("dbus (send, receive) bus=session "
                         "path=/org/ex%d/o%d/{a,b,c}/* member=M%d,"
                         % (d, i, i))
    name = "stress_dbus%d" % n
    return _profile(name, "/usr/bin/" + name, lines)


CASES = {
    "hurt": case_hurt,
    "glob1k": case_globs,
    "var300": case_var,
    "var100": lambda: case_var(100, 40),
    "lit6k": case_literals,
    "exec-named": case_exec_named,
    "exec-many": case_exec_many,
    "dbus3k": case_dbus,
    "dbus200": lambda: case_dbus(200),
}

# The default stress set, and a small one for the smoke test (each of
# those compiles in well under a second).
DEFAULT = ["hurt", "glob1k", "var300", "lit6k", "exec-named", "exec-many",
           "dbus3k"]
SMALL = ["var100", "exec-named", "dbus200"]

FIXED = {
    "empty": "profile fixed_empty {\n}\n",
    "base": ("include <tunables/global>\n"
             "profile fixed_base {\n"
             "  #include <abstractions/base>\n"
             "}\n"),
}


# Copies of the base-only profile under distinct names, compiled in one
# process: the cost of one more profile once the process is running.
COPIES = 40


def write_copies(d, n=COPIES):
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        with open(os.path.join(d, "base_%02d" % i), "w") as f:
            f.write(FIXED["base"].replace("fixed_base", "fixed_base_%02d" % i))


def write(d, names, table):
    os.makedirs(d, exist_ok=True)
    for n in names:
        with open(os.path.join(d, n), "w", encoding="latin-1") as f:
            f.write(table[n]() if callable(table[n]) else table[n])


def main(argv):
    if len(argv) >= 2 and argv[0] == "--fixed":
        write(argv[1], sorted(FIXED), FIXED)
        write_copies(os.path.join(argv[1], "base-x%d" % COPIES))
        write_copies(os.path.join(argv[1], "base-x1"), 1)
        return 0
    if not argv or argv[0].startswith("-"):
        sys.stderr.write("usage: bench_gen.py DIR [CASE...] | "
                         "--fixed DIR\ncases: %s\n" % " ".join(CASES))
        return 2
    names = argv[1:] or DEFAULT
    bad = [n for n in names if n not in CASES]
    if bad:
        sys.stderr.write("bench_gen.py: unknown case %s\n" % bad[0])
        return 2
    write(argv[0], names, CASES)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
