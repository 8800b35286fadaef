"""Text from a stack file, a cluster or a program, shown to a human: every character that would move
the cursor, start a terminal escape sequence, reorder the line (bidirectional overrides) or hide itself
is written as a visible escape (`\\n`, `\\x1b`, `\\u202e`), so that a value can neither forge lines of
output nor take control of the terminal. Printable text, any script, is left as it is."""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(character: str) -> str:
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every non-printable character (C0 and C1 controls, DEL, format characters such as
    U+202E, line and paragraph separators) escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def printable_lines(text: str) -> str:
    """`text` of several lines, each made printable: its own line breaks stay, nothing else moves."""
    return "\n".join(printable(line) for line in text.split("\n"))


def json_printable(text: str) -> str:
    """A JSON text with the characters JSON leaves raw but a terminal would act on (DEL, C1 controls,
    U+202E and other format characters) written as `\\u` escapes: the same JSON value, safe to print.
    Line breaks outside strings are JSON's own layout and stay."""
    if text.isprintable():
        return text
    out = []
    for c in text:
        if c.isprintable() or c == "\n":
            out.append(c)
            continue
        code = ord(c)
        if code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    return "".join(out)
