"""Making text from scanned files safe for where it is shown."""

from __future__ import annotations

import re

# C0 and C1 control characters (ESC, CSI, BEL, …) and bidi overrides, which can rewrite what a
# terminal shows; tab is kept.
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Show control characters as visible escapes instead of letting a terminal act on them."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
