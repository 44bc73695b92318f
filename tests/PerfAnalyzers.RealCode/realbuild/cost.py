#!/usr/bin/env python3
"""What PerfAnalyzers costs a real build: each rule's share of the compiler's (csc) wall time.

    python3 tests/PerfAnalyzers.RealCode/realbuild/cost.py <out-dir> [<out-dir> ...] [--markdown]

Each out-dir is one realbuild.sh run (its build-*.log files: detailed file logs with ReportAnalyzer on and the
performance summary). Per app: the Csc task's total wall time (every compilation of the build, from the Task
Performance Summary), the PerfAnalyzers analyzers' total execution time summed over the compilations ("Total analyzer
execution time" tables), and each rule's share of that wall time. Analyzer times are summed over threads, so with
concurrent analysis a share is an upper bound of the wall time the rule adds. Targets (issue 14): all rules together
<= 2% of csc wall time per app, no rule above 0.5%.
"""
import glob
import os
import re
import sys

ROW = re.compile(r"^\s*(?:\d+:\d+>)?\s*(<?[\d.]+)\s+<?\d+\s+PerfAnalyzers\.Rules\.[\w.]+\.(\w+)\s+\(([^)]*)\)\s*$")
CSC = re.compile(r"^\s*(?:\d+:\d+>)?\s*(\d+) ms\s+Csc\s+(\d+) calls")


def seconds(text):
    return 0.0005 if text.startswith("<") else float(text)


def baseline_csc(out_dir):
    """Csc wall time of the builds without the analyzer (REALBUILD_BASELINE=1), or None."""
    csc_ms, found = 0, False
    for log in sorted(glob.glob(os.path.join(out_dir, "baseline-*.log"))):
        with open(log, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = CSC.match(line)
                if m:
                    csc_ms += int(m.group(1))
                    found = True
    return csc_ms / 1000.0 if found else None


def parse(out_dir):
    rules, csc_ms, calls, compilations = {}, 0, 0, 0
    for log in sorted(glob.glob(os.path.join(out_dir, "build-*.log"))):
        with open(log, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = ROW.match(line)
                if m:
                    ids = m.group(3).replace(" ", "")
                    label = (ids.split(",")[0] + "".join("/" + i[-3:] for i in ids.split(",")[1:]) if ids.startswith("EFP") else ids)
                    key = f"{label} {m.group(2).replace('Analyzer', '')}"
                    rules[key] = rules.get(key, 0.0) + seconds(m.group(1))
                    continue
                m = CSC.match(line)
                if m:
                    csc_ms += int(m.group(1))
                    calls += int(m.group(2))
                elif "Total analyzer execution time" in line:
                    compilations += 1
    return rules, csc_ms / 1000.0, calls, compilations


def main(argv):
    markdown = "--markdown" in argv
    dirs = [a for a in argv if not a.startswith("--")]
    if not dirs:
        print(__doc__)
        return 2
    apps = []
    for d in dirs:
        rules, csc, calls, compilations = parse(d)
        name = os.path.basename(os.path.normpath(d))
        if csc <= 0:
            print(f"{name}: no Csc time in {d}/build-*.log (run realbuild.sh first; its file log has the performance summary)")
            continue
        apps.append((name, rules, csc, calls, compilations))
        total = sum(rules.values())
        print(f"\n== {name}: csc wall {csc:.1f} s ({calls} Csc calls, {compilations} analyzer tables); "
              f"PerfAnalyzers {total:.2f} s = {100 * total / csc:.2f}% of csc wall time")
        base = baseline_csc(d)
        if base:
            print(f"   wall clock: csc {base:.1f} s without PerfAnalyzers, {csc:.1f} s with it: {csc - base:+.1f} s "
                  f"({100 * (csc - base) / base:+.1f}%; one pair of builds, so compare it with their spread)")
        print(f"{'rule':<40} {'seconds':>9} {'% of csc':>9}")
        for key, value in sorted(rules.items(), key=lambda kv: -kv[1]):
            if value >= 0.001:
                flag = "  > 0.5%" if 100 * value / csc > 0.5 else ""
                print(f"{key[:40]:<40} {value:9.3f} {100 * value / csc:8.2f}%{flag}")
    if not apps:
        return 1
    # Apps x top rules (the five most expensive summed over the apps), and the total share.
    totals = {}
    for _, rules, csc, _, _ in apps:
        for key, value in rules.items():
            totals[key] = totals.get(key, 0.0) + value
    top = [k for k, _ in sorted(totals.items(), key=lambda kv: -kv[1])[:5]]
    print("\n== share of csc wall time per app (top five rules over all apps)")
    header = ["app", "csc s", "all rules"] + [k.split(" ")[0] for k in top] + ["max rule"]
    rows = []
    for name, rules, csc, _, _ in apps:
        worst = max(rules.items(), key=lambda kv: kv[1]) if rules else ("-", 0.0)
        rows.append([name, f"{csc:.1f}", f"{100 * sum(rules.values()) / csc:.2f}%"]
                    + [f"{100 * rules.get(k, 0.0) / csc:.2f}%" for k in top]
                    + [f"{worst[0].split(' ')[0]} {100 * worst[1] / csc:.2f}%"])
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" if i == 0 else "--:" for i in range(len(header))) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
        for r in [header] + rows:
            print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
