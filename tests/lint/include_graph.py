#!/usr/bin/env python3
"""The include rules of make lint, over collector/ and parsers/:
 - a module is a name's .c and .h together; module X depends on Y when
   X.c or X.h includes "Y.h"; the dependency graph has no cycle;
 - generic files (no _<arch> in their name) include no *_<arch>.h, so a
   second architecture adds files instead of editing generic ones;
 - parsers/ includes nothing from collector/.
Prints PASS/FAIL lines; exit 1 on a FAIL."""
import os
import re
import sys

ARCHES = ("arm64", "x86_64")
top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
deps, files = {}, {}
for d in ("collector", "parsers"):
    for f in sorted(os.listdir(os.path.join(top, d))):
        if not f.endswith((".c", ".h")):
            continue
        mod = f[:-2]
        inc = re.findall(r'^#include "([^"]+)\.h"', open(os.path.join(top, d, f)).read(), re.M)
        files[(d, f)] = inc
        deps.setdefault(mod, set()).update(i for i in inc if i != mod)
fails = []
for (d, f), inc in files.items():
    generic = not any(f[:-2].endswith("_" + a) for a in ARCHES) and f[:-2] != "arch"
    for i in inc:
        if generic and any(i.endswith("_" + a) for a in ARCHES):
            fails.append("FAIL lint/arch-boundary: %s/%s includes %s.h" % (d, f, i))
        if d == "parsers" and os.path.exists(os.path.join(top, "collector", i + ".h")) and \
                not os.path.exists(os.path.join(top, "parsers", i + ".h")):
            fails.append("FAIL lint/layering: parsers/%s includes collector's %s.h" % (f, i))
# cycles: depth-first search over modules that exist
state, stack, cycles = {}, [], []


def visit(m):
    state[m] = 1
    stack.append(m)
    for n in sorted(deps.get(m, ())):
        if n not in deps:
            continue
        if state.get(n) == 1:
            cycles.append(stack[stack.index(n):] + [n])
        elif not state.get(n):
            visit(n)
    stack.pop()
    state[m] = 2


for m in sorted(deps):
    if not state.get(m):
        visit(m)
for c in cycles:
    fails.append("FAIL lint/include-cycle: %s" % " -> ".join(c))
for f in fails:
    print(f)
if not fails:
    print("PASS lint/include-graph (%d modules, no cycle, arch boundary and layering kept)" % len(deps))
sys.exit(1 if fails else 0)
