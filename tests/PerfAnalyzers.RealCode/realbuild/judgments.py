#!/usr/bin/env python3
"""Keeps hand judgments of findings across reruns.

  judgments.py merge <app> <app-dir> <findings.txt> <judgments.tsv>
  judgments.py table <judgments.tsv> <app>=<findings.txt>[=<app-dir>] ...   (markdown per-rule table; with the
      app dir, only verdicts of findings present in that findings file count)
  judgments.py set <judgments.tsv> <app> < verdicts   (lines: file:line TAB rule TAB true|false|debatable TAB reason)

Reads the findings printed by PerfAnalyzers.RealCode (either mode), and for each finding looks for an earlier verdict
in the TSV (columns: app, rule, file, line, fingerprint, verdict, reason). A finding matches an earlier row when app,
rule, file and fingerprint are equal; the fingerprint is the flagged source line with all whitespace removed, so a
finding that only moved to another line keeps its verdict. Findings without a verdict are appended with verdict '?'.
Prints one line per finding: reused/NEW, rule, file:line, verdict, reason. Rows whose finding disappeared are listed
as GONE (they stay in the file).
"""
import csv, re, sys, os

FINDING = re.compile(r'^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): (?P<rule>EFP\w+): (?P<msg>.*)$')
COLS = ['app', 'rule', 'file', 'line', 'fingerprint', 'verdict', 'reason']


def fingerprint(app_dir, file, line):
    try:
        with open(os.path.join(app_dir, file), encoding='utf-8-sig', errors='replace') as f:
            lines = f.read().splitlines()
        text = lines[int(line) - 1] if 0 < int(line) <= len(lines) else ''
    except OSError:
        text = ''
    return re.sub(r'\s+', '', text)[:160]


def set_verdicts(tsv, app, lines):
    """Each input line: file:line<TAB>rule<TAB>verdict<TAB>reason (the rule may be '*')."""
    with open(tsv, newline='', encoding='utf-8') as f:
        rows = [r for r in csv.DictReader(f, delimiter='\t')]
    for text in lines:
        text = text.rstrip('\n')
        if not text.strip() or text.startswith('#'):
            continue
        where, rule, verdict, reason = text.split('\t', 3)
        file, line = where.rsplit(':', 1)
        hits = [r for r in rows if r['app'] == app and r['file'] == file and r['line'] == line and rule in ('*', r['rule'])]
        if not hits:
            print(f'no finding at {where} {rule}', file=sys.stderr)
        for r in hits:
            r['verdict'], r['reason'] = verdict, reason
    with open(tsv, 'w', newline='', encoding='utf-8') as f:
        w = csv.DictWriter(f, fieldnames=COLS, delimiter='\t', lineterminator='\n')
        w.writeheader()
        w.writerows(rows)


def table(tsv, specs):
    """specs: app=findings.txt ... Prints a markdown table per rule and app, and a total per rule."""
    with open(tsv, newline='', encoding='utf-8') as f:
        rows = [r for r in csv.DictReader(f, delimiter='\t')]
    counts = {}
    apps = []
    for spec in specs:
        app, path, *app_dir = spec.split('=')
        apps.append(app)
        if app_dir:
            # Only the verdicts of findings present in this findings file count (a rerun's table).
            keys = current_keys(app, app_dir[0], path)
            rows = [r for r in rows if r['app'] != app or (r['rule'], r['file'], r['fingerprint']) in keys]
        with open(path, encoding='utf-8') as f:
            for text in f:
                m = FINDING.match(text.rstrip('\n'))
                if m:
                    counts[(app, m['rule'])] = counts.get((app, m['rule']), 0) + 1
    def cell(app_set, rule):
        n = sum(v for (a, r), v in counts.items() if a in app_set and r == rule)
        rs = [r for r in rows if r['app'] in app_set and r['rule'] == rule]
        t = sum(r['verdict'] == 'true' for r in rs)
        fa = sum(r['verdict'] == 'false' for r in rs)
        d = sum(r['verdict'] == 'debatable' for r in rs)
        p = f'{t / (t + fa):.2f}' if t + fa else '—'
        return n, t + fa + d, t, fa, d, p
    rules = sorted({r for (_, r) in counts})
    print('| Rule | App | Findings | Judged | True | False | Debatable | Precision |')
    print('|---|---|---|---|---|---|---|---|')
    for rule in rules:
        for app in apps:
            if counts.get((app, rule)):
                print('| {} | {} | {} | {} | {} | {} | {} | {} |'.format(rule, app, *cell({app}, rule)))
        print('| **{}** | **all** | {} | {} | {} | {} | {} | **{}** |'.format(rule, *cell(set(apps), rule)))
    n, j, t, fa, d = (sum(x) for x in zip(*[cell(set(apps), r)[:5] for r in rules])) if rules else (0,) * 5
    print(f'| **all rules** | **all** | {n} | {j} | {t} | {fa} | {d} | **' + (f'{t / (t + fa):.2f}' if t + fa else '—') + '** |')


def current_keys(app, app_dir, findings_path):
    """(rule, file, fingerprint) of every finding in the file, numbered as merge numbers them."""
    keys = set()
    with open(findings_path, encoding='utf-8') as f:
        for text in f:
            m = FINDING.match(text.rstrip('\n'))
            if not m:
                continue
            base = fp = fingerprint(app_dir, m['file'], m['line'])
            n = 2
            while (m['rule'], m['file'], fp) in keys:
                fp = f'{base}#{n}'
                n += 1
            keys.add((m['rule'], m['file'], fp))
    return keys


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == 'table':
        table(sys.argv[2], sys.argv[3:])
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == 'set':
        set_verdicts(sys.argv[2], sys.argv[3], sys.stdin)
        return 0
    if len(sys.argv) != 6 or sys.argv[1] != 'merge':
        print(__doc__)
        return 2
    _, _, app, app_dir, findings_path, tsv = sys.argv
    rows = []
    if os.path.exists(tsv):
        with open(tsv, newline='', encoding='utf-8') as f:
            rows = [r for r in csv.DictReader(f, delimiter='\t')]
    index = {(r['app'], r['rule'], r['file'], r['fingerprint']): r for r in rows}
    seen = set()
    out = []
    with open(findings_path, encoding='utf-8') as f:
        for text in f:
            m = FINDING.match(text.rstrip('\n'))
            if not m:
                continue
            fp = fingerprint(app_dir, m['file'], m['line'])
            # Identical lines in one file (the same statement twice) get #2, #3... in reading order.
            n = 2
            base = fp
            while (app, m['rule'], m['file'], fp) in seen:
                fp = f'{base}#{n}'
                n += 1
            key = (app, m['rule'], m['file'], fp)
            seen.add(key)
            if key in index:
                r = index[key]
                r['line'] = m['line']
                out.append(('reused', r))
            else:
                r = dict(zip(COLS, [app, m['rule'], m['file'], m['line'], fp, '?', m['msg']]))
                rows.append(r)
                index[key] = r
                out.append(('NEW', r))
    for status, r in out:
        print(f"{status}\t{r['rule']}\t{r['file']}:{r['line']}\t{r['verdict']}\t{r['reason']}")
    for r in rows:
        if r['app'] == app and (r['app'], r['rule'], r['file'], r['fingerprint']) not in seen:
            print(f"GONE\t{r['rule']}\t{r['file']}:{r['line']}\t{r['verdict']}\t{r['reason']}")
    with open(tsv, 'w', newline='', encoding='utf-8') as f:
        w = csv.DictWriter(f, fieldnames=COLS, delimiter='\t', lineterminator='\n')
        w.writeheader()
        w.writerows(rows)
    return 0


if __name__ == '__main__':
    sys.exit(main())
