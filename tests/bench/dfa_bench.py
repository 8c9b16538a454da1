"""DFA benchmark driver (issue 3): generates the cases of dfa_gen.py, times
aa-dfa and Debian's apparmor_parser 3.0.8 on each, cross-checks aa-dfa's
answers against the independent matcher in aaglob.py and prints the table.
Usage (normally through tests/bench/dfa.sh BUILD):
    python3 dfa_bench.py --aa-dfa BUILD/aa-dfa --out BUILD/bench-dfa.txt
"""

import argparse
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import aaglob
import dfa_gen

FEATURES = "linux-6.1-debian.features"


TIME = "/usr/bin/time"


def run_measured(argv, timeout, stdin=None, stdout=None):
    """Run argv under /usr/bin/time (so the peak RSS is the program's own,
    not that of this forked Python). timeout is in CPU seconds
    (RLIMIT_CPU, so a loaded machine does not change the verdict), with a
    wall-clock cap of three times that. Return dict(rc, wall, cpu, rss_mb,
    err, timeout)."""
    t0 = time.monotonic()
    lim = int(timeout)

    def limit():
        resource.setrlimit(resource.RLIMIT_CPU, (lim, lim + 5))

    with tempfile.TemporaryFile() as errf, \
            tempfile.NamedTemporaryFile("r") as tf:
        p = subprocess.Popen([TIME, "-o", tf.name, "-f", "%e %U %S %M"] +
                             argv, stdin=stdin or subprocess.DEVNULL,
                             stdout=stdout or subprocess.DEVNULL,
                             stderr=errf, start_new_session=True,
                             preexec_fn=limit)
        timed_out = False
        try:
            p.wait(3 * timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            timed_out = "wall"
        wall = time.monotonic() - t0
        errf.seek(0)
        err = errf.read().decode("latin-1")
        tl = tf.read().split("\n")
    cpu, rss = None, None
    for ln in tl:
        f = ln.split()
        if len(f) == 4:
            try:
                wall = float(f[0])
                cpu = float(f[1]) + float(f[2])
                rss = int(f[3]) / 1024.0
            except ValueError:
                pass
    rc = p.returncode
    tls = " ".join(tl)
    if not timed_out and "Command terminated by signal" in tls:
        rc = -int(tls.split("signal")[1].split()[0])
        if rc == -signal.SIGXCPU or (cpu is not None and cpu >= lim):
            timed_out = "cpu"
    elif not timed_out and "Command exited with non-zero status" in \
            " ".join(tl):
        rc = int(" ".join(tl).split("status")[1].split()[0])
    return {"rc": -9 if timed_out == "wall" else rc, "wall": wall,
            "cpu": cpu,
            "rss_mb": rss, "err": err,
            "timeout": timed_out}


def median_run(argv, timeout, runs, cheap_s):
    """Run once; if that took under cheap_s, run runs times, take medians."""
    res = [run_measured(argv, timeout)]
    if res[0]["rc"] == 0 and (res[0]["cpu"] or 0) < cheap_s:
        res += [run_measured(argv, timeout) for _ in range(runs - 1)]
    m = dict(res[len(res) // 2 if len(res) > 1 else 0])
    for k in ("wall", "cpu", "rss_mb"):
        vals = [r[k] for r in res if r[k] is not None]
        m[k] = statistics.median(vals) if vals else None
    m["runs"] = len(res)
    m["all_err"] = [r["err"] for r in res]
    return m


def limit_text(res, lim):
    if res["timeout"] == "wall":
        return ("stopped at the wall-clock cap (%d s = 3 x the %d s CPU "
                "limit; machine loaded)" % (3 * lim, lim))
    return "stopped at the CPU limit (%d s)" % lim


def parse_ours(err):
    st = {}
    for ln in err.splitlines():
        f = ln.split()
        if len(f) == 2 and f[1].isdigit():
            st[f[0]] = int(f[1])
    return st


_CREATED = re.compile(r"Created dfa: states (\d+)")
_MINIM = re.compile(r"Minimized dfa: final partitions (\d+)")
_NOMIN = re.compile(r"Dfa minimization no states removed: partitions (\d+)")


def parse_aa(err):
    """States before/after minimization of the largest DFA 3.0.8 built."""
    best = None
    cur = None
    for ln in err.replace("\r", "\n").splitlines():
        m = _CREATED.search(ln)
        if m:
            cur = [int(m.group(1)), None]
            if best is None or cur[0] > best[0]:
                best = cur
            continue
        m = _MINIM.search(ln) or _NOMIN.search(ln)
        if m and cur is not None and cur[1] is None:
            cur[1] = int(m.group(1))
    return best or [None, None]


def first_error(err):
    for ln in err.replace("\r", "\n").splitlines():
        ln = ln.replace("\x1b[2K", "").strip()
        if ln and not _CREATED.search(ln) and "minimiz" not in ln.lower() \
                and "partitions" not in ln:
            return ln
    return ""


def cross_check(aadfa, case, base, timeout, repro_dir):
    """Feed the case's strings to aa-dfa; compare with aaglob. -> dict."""
    ref = aaglob.RuleSet(case.rules)
    with open(base + ".in", "rb") as fin, \
            tempfile.TemporaryFile() as fout:
        r = run_measured([aadfa, base + ".rules"], timeout, stdin=fin,
                         stdout=fout)
        fout.seek(0)
        out = fout.read().decode("latin-1").split("\n")
    if r["rc"] != 0:
        return {"n": 0, "bad": [], "error": "aa-dfa exit %s: %s" %
                (r["rc"], first_error(r["err"]) or "timeout")}
    bad = []
    answers = {}
    n = len(case.strings)
    for i, s in enumerate(case.strings):
        ln = out[i] if i < len(out) else ""
        got = None
        if "\t" in ln:
            try:
                got = int(ln.split("\t", 1)[0], 16)
            except ValueError:
                got = None
        answers[s] = got
        want = ref.perm(s)
        if got != want:
            bad.append((s, got, want))
    res = {"n": n, "bad": bad, "error": "", "answers": answers}
    if bad:
        os.makedirs(repro_dir, exist_ok=True)
        rb = os.path.join(repro_dir, case.name)
        shutil.copy(base + ".rules", rb + ".rules")
        with open(rb + ".in", "w", encoding="latin-1") as f:
            for s, got, want in bad:
                f.write(aaglob.escape_line(s) + "\n")
        with open(rb + ".expected", "w", encoding="latin-1") as f:
            for s, got, want in bad:
                f.write("%#x\t%s\n" % (want, aaglob.escape_line(s)))
        res["repro"] = rb
    return res


def sys_diff(rows):
    """Strings on which the /sys deny chain and its A - B form differ."""
    by = {r["case"]: r.get("check") for r in rows}
    a, b = by.get("sys-chain"), by.get("sys-sub")
    if not a or not b or a["error"] or b["error"]:
        return ""
    deny = dfa_gen.perm_bits("wklx", dfa_gen.DENY_SHIFT)
    diff = []
    for s, va in a["answers"].items():
        vb = b["answers"].get(s)
        if va is None or vb is None:
            continue
        if (va & deny) != (vb & deny):
            diff.append((s, va & deny, vb & deny))
    out = ["", "sys-chain vs sys-sub: %d of the shared sample strings "
           "differ in their deny bits:" % len(diff)]
    for s, va, vb in diff[:20]:
        out.append("  %-32s chain %s  sub %s" % (
            aaglob.escape_line(s), "denied" if va else "-",
            "denied" if vb else "-"))
    if len(diff) > 20:
        out.append("  ... %d more" % (len(diff) - 20))
    return "\n".join(out) + "\n"


def fmt(v, spec="%.2f"):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return spec % v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aa-dfa", required=True)
    ap.add_argument("--apparmor-parser", default="/sbin/apparmor_parser")
    ap.add_argument("--features", default="")
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", default=",".join(dfa_gen.CASES))
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cheap", type=float, default=5.0,
                    help="repeat a run only if its first run took < this")
    ap.add_argument("--no-aa", action="store_true")
    ap.add_argument("--no-check", action="store_true")
    ap.add_argument("--keep", default="",
                    help="write the generated cases here and keep them")
    a = ap.parse_args()

    work = a.keep or tempfile.mkdtemp(prefix="bench-dfa.")
    os.makedirs(work, exist_ok=True)
    repro_dir = os.path.join(os.path.dirname(os.path.abspath(a.out)),
                             "bench-dfa-repro")
    aa = a.apparmor_parser
    have_aa = (not a.no_aa and os.access(aa, os.X_OK) and
               os.path.exists(a.features))
    if not a.no_aa and not have_aa:
        print("bench-dfa: %s or %s missing; 3.0.8 columns skipped"
              % (aa, a.features), file=sys.stderr)
    rows = []
    loud = []
    for name in a.cases.split(","):
        case = dfa_gen.CASES[name]()
        base = dfa_gen.write_case(case, work)
        print("== %s: %s (%d rules, %d strings)" % (
            name, case.desc, len(case.rules), len(case.strings)),
            file=sys.stderr, flush=True)
        row = {"case": name, "rules": len(case.rules), "desc": case.desc}
        o = median_run([a.aa_dfa, "--stats", base + ".rules"], a.timeout,
                       a.runs, a.cheap)
        row["ours"] = o
        st = parse_ours(o["err"]) if o["rc"] == 0 else {}
        row["ours_stats"] = st
        if o["rc"] != 0:
            row["ours_fail"] = (limit_text(o, a.timeout)
                                if o["timeout"] else
                                first_error(o["err"]) or "exit %d" % o["rc"])
            loud.append("%s: aa-dfa failed: %s" % (name, row["ours_fail"]))
        print("   ours: %ss wall, %s s CPU, %s MB, %s" % (
              fmt(o["wall"]), fmt(o["cpu"]), fmt(o["rss_mb"], "%.1f"),
              " ".join("%s=%s" % kv for kv in st.items())),
              file=sys.stderr, flush=True)
        if have_aa and case.profile is not None:
            argv = [aa, "-QS", "-q", "-M", a.features,
                    "--config-file=/dev/null", "-D", "dfa-stats",
                    base + ".prof"]
            tlim = min(a.timeout, case.aa_timeout or a.timeout)
            t = median_run(argv, tlim, a.runs, a.cheap)
            row["aa"] = t
            row["aa_states"] = parse_aa(t["err"])
            if t["rc"] != 0:
                row["aa_fail"] = (limit_text(t, tlim) if t["timeout"]
                                  else first_error(t["err"]))
            print("   3.0.8: %ss wall, %s s CPU, %s MB, states %s%s" % (
                fmt(t["wall"]), fmt(t["cpu"]), fmt(t["rss_mb"], "%.1f"),
                row["aa_states"],
                (" FAILED: " + row["aa_fail"]) if "aa_fail" in row else ""),
                file=sys.stderr, flush=True)
        elif case.profile is None:
            row["aa_fail"] = case.no_profile
        if not a.no_check and o["rc"] == 0:
            cc = cross_check(a.aa_dfa, case, base, a.timeout, repro_dir)
            row["check"] = cc
            if cc["error"]:
                loud.append("%s: cross-check could not run: %s"
                            % (name, cc["error"]))
            elif cc["bad"]:
                loud.append("%s: %d of %d strings MISMATCH (repro: %s.*)"
                            % (name, len(cc["bad"]), cc["n"], cc["repro"]))
                for s, got, want in cc["bad"][:5]:
                    loud.append("    %-40s aa-dfa %s, reference %#x" % (
                        aaglob.escape_line(s),
                        "%#x" % got if got is not None else "no answer",
                        want))
            print("   check: %d strings, %d mismatches%s" % (
                cc["n"], len(cc["bad"]), cc["error"] and
                " (" + cc["error"] + ")"), file=sys.stderr, flush=True)
        rows.append(row)

    text = render(rows, a.timeout, loud)
    text += sys_diff(rows)
    sys.stdout.write(text)
    with open(a.out, "w") as f:
        f.write(text)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        for r in rows:
            for k in ("ours", "aa"):
                if k in r:
                    r[k] = {x: y for x, y in r[k].items() if x != "all_err"}
            if "check" in r:
                r["check"]["bad"] = r["check"]["bad"][:50]
                r["check"].pop("answers", None)
        json.dump(rows, f, indent=1, default=str)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if loud else 0


def render(rows, timeout, loud):
    hdr = ("case", "rules", "build_ms", "wall_s", "cpu_s", "rss_MB",
           "st_before", "st_after", "tbl_bytes", "|", "aa_wall", "aa_cpu",
           "aa_rss", "aa_before", "aa_after", "|", "ratio", "check")
    lines = []
    for r in rows:
        o, st = r["ours"], r["ours_stats"]
        ok = "ours_fail" not in r
        t = r.get("aa")
        aas = r.get("aa_states", [None, None])
        ratio = "-"
        if ok and t and o["cpu"] and t["cpu"] is not None:
            q = t["cpu"] / o["cpu"]
            ratio = "%.0fx" % q if q >= 10 else "%.1fx" % q
            if "aa_fail" in r:
                # 3.0.8 gave up (or was stopped) after this much CPU: a
                # lower bound, shown only when it is not just start-up.
                ratio = ">" + ratio if t["cpu"] >= 1.0 else "-"
        cc = r.get("check")
        if cc is None:
            chk = "-"
        elif cc["error"]:
            chk = "ERROR"
        elif cc["bad"]:
            chk = "%d BAD" % len(cc["bad"])
        else:
            chk = "ok/%d" % cc["n"]
        lines.append((
            r["case"], str(r["rules"]),
            fmt(st.get("build-ms"), "%d") if ok else "FAIL",
            fmt(o["wall"]) if ok else "-", fmt(o["cpu"]) if ok else "-",
            fmt(o["rss_mb"], "%.1f") if ok else "-",
            fmt(st.get("states-before"), "%d"), fmt(st.get("states"), "%d"),
            fmt(st.get("table-bytes"), "%d"), "|",
            fmt(t["wall"]) if t else "-", fmt(t["cpu"]) if t else "-",
            fmt(t["rss_mb"], "%.1f") if t else "-",
            fmt(aas[0], "%d"), fmt(aas[1], "%d"), "|", ratio, chk))
    w = [max(len(h), *(len(ln[i]) for ln in lines)) if lines else len(h)
         for i, h in enumerate(hdr)]
    out = ["DFA benchmark: ours = aa-dfa --stats; aa = apparmor_parser "
           "3.0.8 -QS -D dfa-stats",
           "times are medians (of 3 when a run takes under 5 s CPU), ratio "
           "= aa_cpu / cpu_s; limit %d s CPU per run" % timeout, ""]
    out.append("  ".join(h.rjust(w[i]) if i else h.ljust(w[i])
                         for i, h in enumerate(hdr)))
    for ln in lines:
        out.append("  ".join(x.rjust(w[i]) if i else x.ljust(w[i])
                             for i, x in enumerate(ln)))
    notes = [(r["case"], r["aa_fail"]) for r in rows if "aa_fail" in r]
    notes += [(r["case"], "ours: " + r["ours_fail"]) for r in rows
              if "ours_fail" in r]
    if notes:
        out.append("")
        out.append("failures / not applicable:")
        for c, why in notes:
            out.append("  %-10s %s" % (c, why))
    lits = [r for r in rows if r["case"] in ("lit1k", "lit10k", "lit100k")
            and
            "ours_fail" not in r and "build-ms" in r["ours_stats"]]
    if len(lits) > 1:
        out.append("")
        out.append("growth with literal rules (ours; per rule: build_ms "
                   "and process CPU):")
        for r in lits:
            ms = r["ours_stats"]["build-ms"]
            out.append("  %-8s %7d rules  build %7d ms = %6.2f us/rule  "
                       "cpu %7.2f s = %6.2f us/rule" % (
                           r["case"], r["rules"], ms,
                           1000.0 * ms / r["rules"], r["ours"]["cpu"],
                           1e6 * r["ours"]["cpu"] / r["rules"]))
        a0, a1 = lits[0], lits[-1]
        if a0["ours"]["cpu"] > 0 and a0["ours_stats"]["build-ms"] > 0:
            out.append("  %s vs %s: rules x%d, build_ms x%.1f, cpu x%.1f"
                       % (a1["case"], a0["case"], a1["rules"] // a0["rules"],
                          a1["ours_stats"]["build-ms"] /
                          a0["ours_stats"]["build-ms"],
                          a1["ours"]["cpu"] / a0["ours"]["cpu"]))
    if loud:
        out.append("")
        out.append("!!! CROSS-CHECK / ENGINE PROBLEMS !!!")
        out += ["  " + x for x in loud]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
