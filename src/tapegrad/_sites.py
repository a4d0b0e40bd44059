"""Call sites: where a node was created, as (code object, bytecode offset), turned into a
file and line only when a message needs it. Bottom layer: imports nothing of tapegrad."""
import os
import sys

_PKG_DIR = os.path.dirname(__file__)     # frames in here are tapegrad's own, not the user's


def _site(depth=2):
    """(code, bytecode offset) of the first frame outside tapegrad: where the op was
    called. The line number is worked out only when a message needs it (`site_text`):
    reading `f_lineno` scans the code's line table on every call.

    No frame object is kept (that would keep the caller's locals alive)."""
    f = sys._getframe(depth)
    while f is not None:
        site = _user_site(f)
        if site is not None:
            return site
        f = f.f_back
    return None


def _user_site(f):
    """The interned (code, offset) site of frame `f`, or None in tapegrad's own code.
    One shared tuple per call site: a loop's nodes do not each carry a copy."""
    code = f.f_code
    lines = _INSIDE.get(id(code))       # code objects hash their whole contents
    if lines is None:
        lines = _site_table(code)
    if lines is False:
        return None
    lasti = f.f_lasti
    site = lines.get(lasti)
    if site is None:
        site = lines[lasti] = (code, lasti)
    return site


def _site_table(code):
    """The interned sites of a code object, or False for tapegrad's own code. The code
    object is kept alive by its sites, so its id is not reused while listed."""
    table = False if code.co_filename.startswith(_PKG_DIR) else {}
    _INSIDE[id(code)] = table
    if table is False:
        _INSIDE_CODES.append(code)
    return table


_INSIDE = {}            # id(code) -> {offset: site}, or False for tapegrad's own code
_INSIDE_CODES = []      # keeps those code objects (and so their ids) alive

STACK_MAX = 16          # innermost user frames kept per op by detect_anomaly
_STACKS = {}            # ids of a stack's sites -> the one list of them


def _stack_py():
    """detect_anomaly's creation stack: the interned `_site` tuples (code, offset) of the
    innermost STACK_MAX frames outside tapegrad, innermost last. As with `_site`, no
    frame object is kept and line numbers wait for a message. Equal stacks are one
    shared list (never changed), so a loop's nodes do not each carry a copy.
    `_speedups.anomaly_stack` is this in C."""
    f = sys._getframe(1)
    sites = []
    while f is not None and len(sites) < STACK_MAX:
        site = _user_site(f)
        if site is not None:
            sites.append(site)
        f = f.f_back
    sites.reverse()
    key = tuple(map(id, sites))     # interned sites: their ids name them
    stack = _STACKS.get(key)
    if stack is None:
        if len(_STACKS) > 4096:
            _STACKS.clear()
        stack = _STACKS[key] = sites
    return stack


def site_line(site):
    """(code, line) of a site from `_site` or of an anomaly stack entry: (code, offset)."""
    code, lasti = site
    line = None
    for start, end, ln in code.co_lines():
        if start <= lasti < end:
            line = ln
            break
    return code, line if line is not None else code.co_firstlineno


def site_text(site) -> str:
    if site is None:
        return "<unknown>"
    if isinstance(site, str):
        return site
    if isinstance(site, list):                  # an anomaly-mode stack: innermost frame
        if not site:
            return "<unknown>"
        site = site[-1]
    code, line = site_line(site)
    return f"{code.co_filename}:{line} in {code.co_name}"
