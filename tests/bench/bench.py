"""`make bench` (issue 5): our apparmor_parser against Debian's 3.0.8.

Compiles each corpus with both parsers in the same run, alternating which
goes first, RUNS times: once one process per profile, once one process
for the whole directory with -j JOBS. Measures wall, CPU (user+sys of the
process and its children) and peak RSS through wait4(), counts DFA states
and blob bytes from the outputs (aa-policy dump reads both parsers'
blobs), and prints ratios ours/theirs next to the issue's targets.
Run through bench.sh; `python3 bench.py --help` lists the options.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_gen  # noqa: E402

# The targets: (key, label, limit).
TARGETS = [
    ("wall_whole", "whole Debian corpus wall, 1 process -j", 0.1),
    ("cpu_stress", "stress set CPU (per profile and 1 process)", 0.05),
    ("rss", "peak RSS (worst row)", 1.0),
    ("states", "DFA states (worst corpus)", 1.0),
    ("bytes", "blob bytes (worst corpus)", 1.0),
]

# Names a directory load skips (cli.md 4.2), so the per-profile runs see
# the same files as the one-process runs.
SKIP_SUFFIX = (".dpkg-new", ".dpkg-old", ".dpkg-dist", ".dpkg-bak",
               ".dpkg-remove", ".pacsave", ".pacnew", ".rpmnew", ".rpmsave",
               ".orig", ".rej", "~")
SKIP_NAMES = ("README",)

STATES_RE = re.compile(r"^\s+(\S+)\s+(\d+) states,", re.M)
ERR_PREFIX = re.compile(r"^AppArmor parser error for .*? (at line \d+:)")


class Run:
    """One measured process."""

    def __init__(self, wall, cpu, rss_kb, rc, err):
        self.wall = wall
        self.cpu = cpu
        self.rss = rss_kb
        self.rc = rc
        self.err = err


def run_measured(runm, cmd, out_path, timeout):
    """Run cmd under runm with stdout to out_path: wall, CPU (user+sys of
    it and its children) and peak RSS from wait4() in runm. runm sets
    RLIMIT_CPU; a wall cap of three times it kills the process group."""
    errf = out_path + ".err"
    resf = out_path + ".res"
    with open(out_path, "wb") as out, open(errf, "wb") as err:
        p = subprocess.Popen([runm, resf, str(timeout)] + cmd, stdout=out,
                             stderr=err, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        try:
            p.wait(timeout=3 * timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    with open(errf, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    try:
        with open(resf) as f:
            w, c, m, rc = f.read().split()
        wall, cpu, rss, rc = float(w), float(c), int(m), int(rc)
    except (OSError, ValueError):
        return Run(3.0 * timeout, float(timeout), 0, -9,
                   "stopped after %d s wall" % (3 * timeout))
    first = ""
    for ln in text.splitlines():
        if ln.strip() and not ln.startswith("Warning"):
            # the file name is in the table already
            first = ERR_PREFIX.sub(r"\1", ln.strip())
            break
    if rc < 0:
        first = "killed by signal %d (limit %d s CPU)" % (-rc, timeout) + (
            ": " + first if first else "")
    return Run(wall, cpu, rss, rc, first)


class Tool:
    def __init__(self, key, label, path):
        self.key = key
        self.label = label
        self.path = path


class Job:
    """One measured item: a profile file or a whole-directory load."""

    def __init__(self, corpus, name, mode, operands, args):
        self.corpus = corpus
        self.name = name
        self.mode = mode            # "profile" or "whole"
        self.operands = operands
        self.args = args
        self.runs = {"ours": [], "theirs": []}
        self.blob = {}              # tool -> output path of the first run
        self.metrics = {}           # tool -> (states, bytes) or None

    def refused(self, tool):
        r = self.runs[tool]
        return bool(r) and r[0].rc != 0

    def med(self, tool, attr):
        vals = [getattr(r, attr) for r in self.runs[tool]]
        return statistics.median(vals) if vals else None


def dump_metrics(aa_policy, blob):
    """Total DFA states and bytes of a blob, or None if unreadable."""
    try:
        size = os.path.getsize(blob)
    except OSError:
        return None
    if size == 0:
        return None
    p = subprocess.run([aa_policy, "dump", blob], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        return None
    text = p.stdout.decode("utf-8", "replace")
    states = sum(int(m.group(2)) for m in STATES_RE.finditer(text))
    return (states, size)


def profile_files(d):
    out = []
    for n in sorted(os.listdir(d)):
        f = os.path.join(d, n)
        if n.startswith(".") or n in SKIP_NAMES or n.endswith(SKIP_SUFFIX):
            continue
        if os.path.isfile(f):
            out.append(f)
    return out


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def version_line(path):
    try:
        p = subprocess.run([path, "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = p.stdout.decode("utf-8", "replace").splitlines()
    return " / ".join(ln.strip() for ln in lines[:2])


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


def fmt_ratio(r, width=7):
    """Three decimals near 1 so that 1.004x (a MISS) is not shown as
    1.00x."""
    if r is None:
        return "-".rjust(width)
    if r >= 100:
        return ("%.0fx" % r).rjust(width)
    if r >= 10:
        return ("%.1fx" % r).rjust(width)
    if r >= 0.01:
        return ("%.3fx" % r).rjust(width)
    return ("%.4fx" % r).rjust(width)


class Bench:
    def __init__(self, a):
        self.a = a
        self.tools = [Tool("ours", "ours", a.ours),
                      Tool("theirs", "3.0.8", a.theirs)]
        self.jobs = []
        self.lines = []
        self.outdir = os.path.join(a.out, "out")

    def say(self, s=""):
        print(s, flush=True)
        self.lines.append(s)

    def progress(self, s):
        if not self.a.quiet:
            sys.stderr.write(s + "\n")
            sys.stderr.flush()

    # --- corpus set-up ----------------------------------------------------

    def base_args(self, features, include=True):
        args = ["--config-file=/dev/null", "-M", features, "-QKS", "-q"]
        if include:
            args += ["-I", self.a.include]
        return args

    def setup(self):
        a = self.a
        os.makedirs(a.out, exist_ok=True)
        if os.path.isdir(self.outdir):
            shutil.rmtree(self.outdir)
        os.makedirs(self.outdir)
        feat = a.features
        # dbus rules compile only when the features name dbus; the 6.1
        # kernel has no dbus mediation, so the stress set gets 6.1 + dbus.
        fdbus = os.path.join(a.out, "features-6.1+dbus")
        with open(feat) as f, open(fdbus, "w") as g:
            g.write(f.read())
            g.write("dbus {mask {acquire send receive\n}\n}\n")
        self.fdbus = fdbus
        jflag = ["-j", str(a.jobs)]
        corpora = []
        for c in a.corpora:
            if c == "apparmor-profiles":
                corpora.append((c, a.debian_dir, self.base_args(feat)))
            elif c == "extra-profiles":
                corpora.append((c, a.extra_dir, self.base_args(feat)))
            elif c == "stress":
                d = os.path.join(a.out, "stress")
                if os.path.isdir(d):
                    shutil.rmtree(d)
                bench_gen.write(d, a.stress_cases, bench_gen.CASES)
                corpora.append((c, d, self.base_args(fdbus)))
        self.corpora = corpora
        for c, d, args in corpora:
            if not os.path.isdir(d):
                self.say("note: %s: %s is missing, skipped" % (c, d))
                continue
            for f in profile_files(d):
                self.jobs.append(Job(c, os.path.basename(f), "profile",
                                     [f], args))
        self.per_profile = list(self.jobs)
        if a.fixed:
            fd = os.path.join(a.out, "fixed")
            if os.path.isdir(fd):
                shutil.rmtree(fd)
            bench_gen.main(["--fixed", fd])
            fargs = self.base_args(feat)
            self.fixed = [
                Job("fixed", "empty profile", "profile",
                    [os.path.join(fd, "empty")], fargs),
                Job("fixed", "abstractions/base only", "profile",
                    [os.path.join(fd, "base")], fargs),
                Job("fixed", "base x1, 1 process -j1", "whole",
                    [os.path.join(fd, "base-x1")], fargs + ["-j", "1"]),
                Job("fixed", "base x%d, 1 process -j1" % bench_gen.COPIES,
                    "whole",
                    [os.path.join(fd, "base-x%d" % bench_gen.COPIES)],
                    fargs + ["-j", "1"]),
            ]
        else:
            self.fixed = []
        self.jflag = jflag

    def whole_jobs(self):
        """One-process jobs, made after the per-profile phase so that a
        directory holding profiles 3.0.8 refused is replaced by a copy
        without them (otherwise the two would not compile the same work)."""
        out = []
        dirs = {}
        for c, d, args in self.corpora:
            if not os.path.isdir(d):
                continue
            jobs = [j for j in self.per_profile if j.corpus == c]
            bad = [j for j in jobs if j.refused("theirs") or
                   j.refused("ours")]
            if bad:
                nd = os.path.join(self.a.out, "whole", c)
                if os.path.isdir(nd):
                    shutil.rmtree(nd)
                os.makedirs(nd)
                for j in jobs:
                    if j not in bad:
                        shutil.copy(j.operands[0], nd)
                d2 = nd
                note = " (-%d)" % len(bad)
            else:
                d2, note = d, ""
            dirs[c] = d2
            out.append(Job(c, "1 process -j%d%s" % (self.a.jobs, note),
                           "whole", [d2], args + self.jflag))
        if "apparmor-profiles" in dirs and "extra-profiles" in dirs:
            c0 = [x for x in self.corpora if x[0] == "apparmor-profiles"][0]
            out.append(Job("Debian (both)", "1 process -j%d, both dirs"
                           % self.a.jobs, "whole",
                           [dirs["apparmor-profiles"],
                            dirs["extra-profiles"]],
                           c0[2] + self.jflag))
        return out

    # --- running ----------------------------------------------------------

    def run_job(self, job, tool, rnd):
        if rnd > 0 and job.refused(tool.key):
            return          # a refusal is deterministic: measured once
        safe = re.sub(r"[^A-Za-z0-9_.+-]", "_", "%s-%s-%s" % (
            job.corpus, job.mode, job.name))[:120]
        d = os.path.join(self.outdir, tool.key)
        os.makedirs(d, exist_ok=True)
        out = os.path.join(d, safe + ".bin")
        cmd = [tool.path] + job.args + job.operands
        r = run_measured(self.a.runm, cmd, out, self.a.timeout)
        job.runs[tool.key].append(r)
        if rnd == 0:
            job.blob[tool.key] = out
            if r.rc == 0:
                keep = out + ".keep"
                os.replace(out, keep)
                job.blob[tool.key] = keep

    def run_all(self, jobs, label):
        n = len(jobs)
        for rnd in range(self.a.runs):
            t0 = time.monotonic()
            for i, job in enumerate(jobs):
                order = self.tools if (rnd + i) % 2 == 0 else \
                    list(reversed(self.tools))
                for t in order:
                    self.run_job(job, t, rnd)
            self.progress("bench: %s: run %d/%d done (%d items, %.1f s, "
                          "load %s)" % (label, rnd + 1, self.a.runs, n,
                                        time.monotonic() - t0, loadavg()))

    def collect(self, jobs):
        for j in jobs:
            for t in ("ours", "theirs"):
                if j.refused(t) or t not in j.blob:
                    j.metrics[t] = None
                else:
                    j.metrics[t] = dump_metrics(self.a.aa_policy,
                                                j.blob[t])

    # --- reporting --------------------------------------------------------

    HEAD = ("%-18s %-34s %4s | %7s %7s %7s | %7s %7s %7s | %6s %6s %7s | "
            "%7s %7s | %7s %7s")

    def header(self):
        self.say(self.HEAD % ("corpus", "mode", "n", "wall", "3.0.8",
                              "ratio", "cpu", "3.0.8", "ratio", "rss",
                              "3.0.8", "ratio", "states", "ratio", "bytes",
                              "ratio"))
        self.say(self.HEAD % ("", "", "", "ours s", "s", "", "ours s",
                              "s", "", "ours MB", "MB", "", "ours", "",
                              "ours", ""))

    def row(self, corpus, mode, n, w, c, m, st, by):
        """w, c, m, st, by are (ours, theirs) pairs; None when unknown."""
        def f(v, fmt):
            return "-" if v is None else fmt % v
        self.say(self.HEAD % (
            corpus[:18], mode[:34], n,
            f(w[0], "%.3f"), f(w[1], "%.3f"), fmt_ratio(ratio(*w)),
            f(c[0], "%.3f"), f(c[1], "%.3f"), fmt_ratio(ratio(*c)),
            f(None if m[0] is None else m[0] / 1024, "%.1f"),
            f(None if m[1] is None else m[1] / 1024, "%.1f"),
            fmt_ratio(ratio(*m)),
            f(st[0], "%d"), fmt_ratio(ratio(*st)),
            f(by[0], "%d"), fmt_ratio(ratio(*by))))

    def job_row(self, j, corpus=None, mode=None):
        both = not j.refused("ours") and not j.refused("theirs")
        mo, mt = j.metrics.get("ours"), j.metrics.get("theirs")
        if not both:
            self.refused_row(j, corpus, mode)
            return
        self.row(corpus or j.corpus, mode or j.name, 1,
                 (j.med("ours", "wall"), j.med("theirs", "wall")),
                 (j.med("ours", "cpu"), j.med("theirs", "cpu")),
                 (j.med("ours", "rss"), j.med("theirs", "rss")),
                 (mo and mo[0], mt and mt[0]),
                 (mo and mo[1], mt and mt[1]))

    def refused_row(self, j, corpus=None, mode=None):
        def what(t):
            r = j.runs[t][0]
            if r.rc == 0:
                return "compiled (%.3f s CPU)" % j.med(t, "cpu")
            return "refused (exit %d, %.3f s CPU): %s" % (
                r.rc, r.cpu, r.err[:110])
        self.say("%-18s %-34s   3.0.8 %s" % ((corpus or j.corpus)[:18],
                                             (mode or j.name)[:34],
                                             what("theirs")))
        self.say("%-18s %-34s   ours  %s" % ("", "", what("ours")))

    def corpus_rows(self, corpus, wjobs):
        jobs = [j for j in self.per_profile if j.corpus == corpus]
        ok = [j for j in jobs if not j.refused("ours") and
              not j.refused("theirs")]
        res = {}
        if ok:
            def tot(t, attr):
                return sum(j.med(t, attr) for j in ok)

            def mx(t):
                return max(j.med(t, "rss") for j in ok)

            def met(t, k):
                v = [j.metrics[t] for j in ok]
                if any(x is None for x in v):
                    return None
                return sum(x[k] for x in v)
            n_ref = len(jobs) - len(ok)
            mode = "per profile: sum of medians"
            if n_ref:
                mode += " (-%d)" % n_ref
            w = (tot("ours", "wall"), tot("theirs", "wall"))
            c = (tot("ours", "cpu"), tot("theirs", "cpu"))
            m = (mx("ours"), mx("theirs"))
            st = (met("ours", 0), met("theirs", 0))
            by = (met("ours", 1), met("theirs", 1))
            self.row(corpus, mode, len(ok), w, c, m, st, by)
            res["profile"] = (w, c, m, st, by)
        for j in wjobs:
            if j.corpus != corpus:
                continue
            self.job_row(j, corpus, j.name)
            if not j.refused("ours") and not j.refused("theirs"):
                mo, mt = j.metrics["ours"], j.metrics["theirs"]
                res["whole"] = (
                    (j.med("ours", "wall"), j.med("theirs", "wall")),
                    (j.med("ours", "cpu"), j.med("theirs", "cpu")),
                    (j.med("ours", "rss"), j.med("theirs", "rss")),
                    (mo and mo[0], mt and mt[0]),
                    (mo and mo[1], mt and mt[1]))
        return res

    def report(self, wjobs, t_start, load_start):
        a = self.a
        self.say("make bench (issue 5): ours / apparmor_parser 3.0.8")
        self.say("ours:   %s (%s)" % (a.ours, version_line(a.ours)))
        self.say("theirs: %s (%s)" % (a.theirs, version_line(a.theirs)))
        self.say("runs: median of %d per item, alternating which parser "
                 "goes first; -j %d (%d CPUs online)"
                 % (a.runs, a.jobs, os.cpu_count() or 0))
        self.say("flags: --config-file=/dev/null -M FEATURES -QKS -q "
                 "-I %s, blob to a file" % a.include)
        self.say("features: %s (stress set: the same + dbus, %s)"
                 % (a.features, self.fdbus))
        self.say("load average (1/5/15 min): %s at start, %s at end; "
                 "%.0f s in all" % (load_start, loadavg(),
                                   time.monotonic() - t_start))
        self.say("wall: elapsed; cpu: user+sys of the process and its "
                 "children; rss: peak (wait4 ru_maxrss, largest process); "
                 "states: sum over every DFA in the blob (aa-policy dump); "
                 "ratio = ours / 3.0.8")
        self.say()
        self.say("== per corpus")
        self.header()
        results = {}
        names = [c for c, _, _ in self.corpora]
        if any(j.corpus == "Debian (both)" for j in wjobs):
            names.append("Debian (both)")
        for c in names:
            results[c] = self.corpus_rows(c, wjobs)
        refused = [j for j in self.per_profile
                   if j.refused("theirs") or j.refused("ours")]
        if refused:
            self.say()
            self.say("== refused inputs (not in the sums above)")
            for j in refused:
                self.refused_row(j)
        self.say()
        self.say("== the five slowest profiles (by 3.0.8 median CPU)")
        self.header()
        slow = sorted(self.per_profile,
                      key=lambda j: -(j.med("theirs", "cpu") or 0))[:5]
        for j in slow:
            self.job_row(j)
        stress = [j for j in self.per_profile if j.corpus == "stress"]
        if stress:
            self.say()
            self.say("== every stress profile")
            self.header()
            for j in stress:
                self.job_row(j)
        if self.fixed:
            self.say()
            self.say("== fixed cost per profile (medians; ms)")
            self.say("%-44s %9s %9s %9s %9s %8s %8s" % (
                "case", "ours wall", "3.0.8", "ours cpu", "3.0.8",
                "ours MB", "3.0.8"))
            for j in self.fixed:
                self.fixed_row(j)
            self.marginal_row()
        self.say()
        self.targets(results)
        self.say()
        self.say("refused = the parser exited non-zero on that input; "
                 "its first error line is quoted.")

    def fixed_row(self, j):
        def g(t, attr, scale):
            v = j.med(t, attr)
            return "-" if v is None else "%.1f" % (v * scale)
        if j.refused("ours") or j.refused("theirs"):
            self.refused_row(j, "fixed", j.name)
            return
        self.say("%-44s %9s %9s %9s %9s %8s %8s" % (
            j.name, g("ours", "wall", 1000), g("theirs", "wall", 1000),
            g("ours", "cpu", 1000), g("theirs", "cpu", 1000),
            g("ours", "rss", 1 / 1024), g("theirs", "rss", 1 / 1024)))

    def marginal_row(self):
        one = [j for j in self.fixed if j.name.startswith("base x1,")]
        many = [j for j in self.fixed
                if j.name.startswith("base x%d," % bench_gen.COPIES)]
        if not one or not many:
            return
        one, many = one[0], many[0]
        k = bench_gen.COPIES - 1

        def g(t, attr):
            if one.refused(t) or many.refused(t):
                return "-"
            return "%.1f" % ((many.med(t, attr) - one.med(t, attr))
                             * 1000 / k)
        self.say("%-44s %9s %9s %9s %9s" % (
            "one more base profile in 1 process (x%d-x1)/%d"
            % (bench_gen.COPIES, k),
            g("ours", "wall"), g("theirs", "wall"),
            g("ours", "cpu"), g("theirs", "cpu")))

    def targets(self, results):
        self.say("== targets (issue 5)")
        self.say("%-44s %-34s %8s  %s" % ("target", "measured", "limit",
                                         "verdict"))

        def verdict(vals, limit):
            vals = [v for v in vals if v is not None]
            if not vals:
                return "-", "NOT MEASURED"
            worst = max(vals)
            return worst, ("PASS" if worst <= limit else "MISS")

        def show(label, parts, limit):
            worst, v = verdict([r for _, r in parts], limit)
            txt = ", ".join("%s %s" % (n, fmt_ratio(r, 0)) for n, r in parts
                            if r is not None) or "-"
            self.say("%-44s %-34s %7sx  %s" % (label, txt,
                                               "%g" % limit, v))

        lim = dict((k, v) for k, _, v in TARGETS)
        whole = results.get("Debian (both)", {}).get("whole")
        show("whole Debian corpus wall, 1 process -j",
             [("both dirs", ratio(*whole[0]) if whole else None)],
             lim["wall_whole"])
        st = results.get("stress", {})
        show("stress set CPU", [
            ("per profile", ratio(*st["profile"][1]) if "profile" in st
             else None),
            ("1 process", ratio(*st["whole"][1]) if "whole" in st
             else None)], lim["cpu_stress"])
        for key, label, idx in (("rss", "peak RSS (worst corpus row)", 2),
                                ("states", "DFA states (worst corpus)", 3),
                                ("bytes", "blob bytes (worst corpus)", 4)):
            parts = []
            for c, res in results.items():
                for mode in ("profile", "whole"):
                    if mode in res:
                        v = ratio(*res[mode][idx])
                        if v is not None:
                            parts.append(("%s/%s" % (c, mode[0]), v))
            worst, v = verdict([r for _, r in parts], lim[key])
            if parts:
                w = max(parts, key=lambda p: p[1])
                txt = "worst %s %s" % (w[0], fmt_ratio(w[1], 0))
            else:
                txt = "-"
            self.say("%-44s %-34s %7sx  %s" % (label, txt,
                                               "%g" % lim[key], v))

    def main(self):
        t_start = time.monotonic()
        load_start = loadavg()
        self.setup()
        self.progress("bench: %d profiles, %d runs each, load %s"
                      % (len(self.per_profile), self.a.runs, load_start))
        self.run_all(self.per_profile, "one process per profile")
        wjobs = self.whole_jobs()
        self.run_all(wjobs, "one process per directory")
        if self.fixed:
            self.run_all(self.fixed, "fixed cost")
        self.collect(self.per_profile + wjobs + self.fixed)
        self.report(wjobs, t_start, load_start)
        with open(os.path.join(self.a.out, "report.txt"), "w") as f:
            f.write("\n".join(self.lines) + "\n")
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ours", required=True)
    ap.add_argument("--aa-policy", required=True)
    ap.add_argument("--runm", required=True,
                    help="the measuring helper built from runm.c")
    ap.add_argument("--theirs", default="/sbin/apparmor_parser")
    ap.add_argument("--features", required=True)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=int, default=300,
                    help="CPU seconds per run (default 300)")
    ap.add_argument("--corpora",
                    default="apparmor-profiles,extra-profiles,stress")
    ap.add_argument("--stress-cases", default=",".join(bench_gen.DEFAULT))
    ap.add_argument("--small", action="store_true",
                    help="stress set = the smoke test's small cases")
    ap.add_argument("--no-fixed", dest="fixed", action="store_false")
    ap.add_argument("--debian-dir", default="/etc/apparmor.d")
    ap.add_argument("--extra-dir",
                    default="/usr/share/apparmor/extra-profiles")
    ap.add_argument("--include", default="/etc/apparmor.d")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    a.corpora = [c for c in a.corpora.split(",") if c]
    for c in a.corpora:
        if c not in ("apparmor-profiles", "extra-profiles", "stress"):
            ap.error("unknown corpus %s" % c)
    a.stress_cases = bench_gen.SMALL if a.small else \
        [c for c in a.stress_cases.split(",") if c]
    for c in a.stress_cases:
        if c not in bench_gen.CASES:
            ap.error("unknown stress case %s" % c)
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    for p in (a.ours, a.theirs, a.aa_policy, a.runm):
        if not os.access(p, os.X_OK):
            ap.error("%s is not executable" % p)
    return Bench(a).main()


if __name__ == "__main__":
    sys.exit(main())
