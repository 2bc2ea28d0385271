#!/usr/bin/env python3
"""The include graph of src/ and the rules it must keep (docs/architecture.md).

  scripts/layers.py --check        exit 1, naming each broken rule
  scripts/layers.py --dot          the folders' graph in graphviz DOT
  scripts/layers.py --files F      the files' graph of folder F in DOT

Rules:
  1. layers point one way: a folder includes only folders below it in
     LAYERS (and itself);
  2. no cycle between files;
  3. the front ends (cli, mpi) include only bssim.h of the library;
  4. no file over MAX_LINES lines, no function over MAX_FUNC lines
     unless a comment just above it says why (a line holding "long:").
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(TOP, "src")
# bottom first
LAYERS = ["base", "engine", "model", "stats", "input", "output", "calib",
          "exp", "api"]
FRONTS = ["cli", "mpi"]
MAX_LINES = 900
MAX_FUNC = 120
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources():
    for d in sorted(os.listdir(SRC)):
        p = os.path.join(SRC, d)
        if not os.path.isdir(p):
            continue
        for f in sorted(os.listdir(p)):
            if f.endswith((".c", ".h")):
                yield d, f


def resolve(folder, inc):
    """The src-relative path an include names, or None (bssim.h, system)."""
    if inc == "bssim.h":
        return "bssim.h"
    if "/" in inc:
        return inc if os.path.exists(os.path.join(SRC, inc)) else None
    local = os.path.join(folder, inc)
    return local if os.path.exists(os.path.join(SRC, local)) else None


def graph():
    g = {}
    for d, f in sources():
        text = open(os.path.join(SRC, d, f), encoding="utf-8").read()
        deps = []
        for inc in INC.findall(text):
            r = resolve(d, inc)
            if r:
                deps.append(r)
        g[d + "/" + f] = deps
    return g


def cycles(g):
    """Files on a cycle of includes (headers only can cycle)."""
    state, found = {}, []

    def visit(n, path):
        state[n] = 1
        for m in g.get(n, []):
            if m == "bssim.h":
                continue
            if state.get(m) == 1:
                found.append(path[path.index(m):] + [m] if m in path else [n, m])
            elif not state.get(m):
                visit(m, path + [m])
        state[n] = 2

    for n in g:
        if not state.get(n):
            visit(n, [n])
    return found


def long_functions(path):
    """(name, line, length) of functions longer than MAX_FUNC without a
    'long:' comment in the three lines above their first line."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i] == "{" and i > 0 and re.match(r"^[A-Za-z_].*\)\s*$|^[a-z_].*,\s*$|^\s+.*\)$", lines[i - 1]):
            start = i
            j = i + 1
            while j < len(lines) and lines[j] != "}":
                j += 1
            # the signature may span lines: find its first line
            k = i - 1
            while k > 0 and not re.match(r"^[A-Za-z_]", lines[k]):
                k -= 1
            length = j - start + 1
            above = "\n".join(lines[max(0, k - 4):k])
            if length > MAX_FUNC and "long:" not in above:
                m = re.search(r"([A-Za-z_][A-Za-z_0-9]*)\s*\(", lines[k])
                out.append((m.group(1) if m else "?", k + 1, length))
            i = j
        i += 1
    return out


def check():
    g = graph()
    bad = []
    rank = {d: i for i, d in enumerate(LAYERS)}
    for f, deps in g.items():
        d = f.split("/")[0]
        for m in deps:
            if m == "bssim.h":
                continue
            md = m.split("/")[0]
            if d in FRONTS:
                if md != d:
                    bad.append("%s includes %s: the front ends use only bssim.h" % (f, m))
                continue
            if md in FRONTS:
                bad.append("%s includes %s: nothing below the front ends uses them" % (f, m))
            elif d in rank and md in rank and rank[md] > rank[d]:
                bad.append("%s includes %s: %s/ is above %s/" % (f, m, md, d))
    for c in cycles(g):
        bad.append("include cycle: " + " -> ".join(c))
    for d, f in sources():
        p = os.path.join(SRC, d, f)
        n = sum(1 for _ in open(p, encoding="utf-8"))
        if n > MAX_LINES:
            bad.append("src/%s/%s: %d lines (at most %d)" % (d, f, n, MAX_LINES))
        if f.endswith(".c"):
            for name, line, length in long_functions(p):
                bad.append("src/%s/%s:%d: %s is %d lines (at most %d, or a 'long:' comment saying why)"
                           % (d, f, line, name, length, MAX_FUNC))
    return bad


def dot_folders():
    """The folders and their includes: the library's folders in one box,
    bottom layer last; bssim.h above it, what the front ends include. The
    library's own files include bssim.h for its public types (base's
    errors are bssim.h's struct bs_error): those edges are left out, as
    the header declares what the whole box implements."""
    g = graph()
    edges = set()
    for f, deps in g.items():
        d = f.split("/")[0]
        for m in deps:
            md = "bssim.h" if m == "bssim.h" else m.split("/")[0]
            if md == d or (md == "bssim.h" and d in LAYERS):
                continue
            edges.add((d, md))
    out = ["digraph layers {",
           '  rankdir=TB; compound=true; node [shape=box, fontname="sans"]; edge [fontname="sans"];']
    for d in FRONTS:
        if os.path.isdir(os.path.join(SRC, d)):
            out.append('  "%s";' % d)
    out.append('  "bssim.h" [shape=note];')
    out.append('  subgraph cluster_lib {')
    out.append('    label="libbssim"; fontname="sans";')
    for d in reversed(LAYERS):
        if os.path.isdir(os.path.join(SRC, d)):
            out.append('    "%s";' % d)
    out.append('  }')
    out.append('  "bssim.h" -> "api" [style=dashed, lhead=cluster_lib,'
               ' label="implemented by"];')
    for a, b in sorted(edges):
        out.append('  "%s" -> "%s";' % (a, b))
    out.append("}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        problems = check()
        for p in problems:
            print("layers: " + p)
        sys.exit(1 if problems else 0)
    elif sys.argv[1:] == ["--dot"]:
        sys.stdout.write(dot_folders())
    else:
        print(__doc__)
        sys.exit(2)
