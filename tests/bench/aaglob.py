"""Independent reference matcher for AppArmor globs (language.md 4.1-4.3,
7.1), used by the DFA benchmark to cross-check aa-dfa's answers.

It translates a glob into a Python regular expression over latin-1 text
(one character per byte) exactly as language.md 4.2 and 4.3 describe:
'*' -> [^/\\0]*, '**' -> [^\\0]*, '?' -> [^/\\0], classes copied, negated
classes may match '/' and NUL, {a,b} -> (?:a|b), and a star run that fills
a whole path component must match at least one character. ' - ' is set
subtraction: A - B1 - B2 matches A and none of the Bi.

Written from the spec, not from the engine, on purpose: it must be able to
disagree with it.
"""

import re

__all__ = ["translate", "Pattern", "RuleSet", "escape_line", "is_literal"]

_SPECIAL = set("*?[]{},\\")


def is_literal(glob):
    """True when the glob has no wildcard, class, alternation or escape."""
    return not any(c in _SPECIAL for c in glob) and " - " not in glob


class GlobError(ValueError):
    pass


def _class_char(c):
    """Escape one character for use inside a Python [...] class."""
    if c in "\\]^-[":
        return "\\" + c
    if c == "\0":
        return "\\x00"
    return c


def _translate_class(g, i):
    """Translate the class starting after '[' at g[i]; return (re, next)."""
    neg = False
    if i < len(g) and g[i] == "^":
        neg = True
        i += 1
    items = []
    first = True
    while True:
        if i >= len(g):
            raise GlobError("unclosed [")
        c = g[i]
        if c == "]" and not first:
            i += 1
            break
        if c == "]" and first:
            # language.md 4.1: the first ']' closes the class; "[]" is
            # an error upstream, reject it here too.
            raise GlobError("empty class")
        first = False
        if c == "\\":
            if i + 1 >= len(g):
                raise GlobError("trailing \\")
            c = g[i + 1]
            i += 2
        else:
            i += 1
        if i + 1 < len(g) and g[i] == "-" and g[i + 1] != "]":
            hi = g[i + 1]
            j = i + 2
            if hi == "\\":
                hi = g[i + 2]
                j = i + 3
            items.append(_class_char(c) + "-" + _class_char(hi))
            i = j
        else:
            items.append(_class_char(c))
    body = "".join(items)
    return ("[^" + body + "]" if neg else "[" + body + "]"), i


def translate(glob):
    """Return the Python regex text for one glob (no subtraction)."""
    out = []
    depth = 0
    i = 0
    n = len(glob)
    while i < n:
        c = glob[i]
        if c == "\\":
            if i + 1 >= n:
                raise GlobError("trailing \\")
            out.append(re.escape(glob[i + 1]))
            i += 2
        elif c == "*":
            j = i
            while j < n and glob[j] == "*":
                j += 1
            run = j - i
            whole = (i > 0 and glob[i - 1] == "/" and
                     (j == n or glob[j] == "/"))
            if whole:
                out.append("[^/\\x00]")
            out.append("[^\\x00]*" * (run // 2))
            if run % 2:
                out.append("[^/\\x00]*")
            i = j
        elif c == "?":
            out.append("[^/\\x00]")
            i += 1
        elif c == "[":
            cls, i = _translate_class(glob, i + 1)
            out.append(cls)
        elif c == "{":
            depth += 1
            out.append("(?:")
            i += 1
        elif c == "," and depth > 0:
            out.append("|")
            i += 1
        elif c == "}":
            if depth == 0:
                raise GlobError("unbalanced }")
            depth -= 1
            out.append(")")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    if depth:
        raise GlobError("unclosed {")
    return "".join(out)


class Pattern:
    """A glob with optional ' - ' subtrahends, compiled for matching."""

    def __init__(self, text):
        parts = text.split(" - ")
        self.text = text
        self.literal = text if is_literal(text) else None
        self.pos = re.compile(translate(parts[0]), re.S)
        self.neg = [re.compile(translate(p), re.S) for p in parts[1:]]

    def match(self, s):
        if self.literal is not None:
            return s == self.literal
        if not self.pos.fullmatch(s):
            return False
        return not any(b.fullmatch(s) for b in self.neg)


class RuleSet:
    """PERM-tagged patterns; perm(s) is the OR of every matching rule."""

    def __init__(self, rules):
        self.exact = {}
        self.globs = []
        for perm, text in rules:
            if is_literal(text):
                self.exact[text] = self.exact.get(text, 0) | perm
            else:
                self.globs.append((perm, Pattern(text)))

    def perm(self, s):
        v = self.exact.get(s, 0)
        for perm, pat in self.globs:
            if not (v | perm) == v and pat.match(s):
                v |= perm
        return v


def escape_line(s):
    """Encode a string for aa-dfa's stdin (\\0, \\xHH and \\\\ escapes)."""
    out = []
    for c in s:
        o = ord(c)
        if c == "\\":
            out.append("\\\\")
        elif o == 0:
            out.append("\\0")
        elif o < 0x20 or o >= 0x7f:
            out.append("\\x%02x" % o)
        else:
            out.append(c)
    return "".join(out)
