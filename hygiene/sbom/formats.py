"""The JSON Schema `format`s the CycloneDX 1.5-1.7 schemas use, checked without third parties.

The schemas (and the JSF and cryptography schemas they reference) use `iri-reference`, `uri`,
`date-time`, `date` and `idn-email`. jsonschema checks `iri-reference` with `rfc3987-syntax`
when that is installed, which costs about 0.8 s to import (it builds a parser from a grammar)
and about 12 ms per value: 9 s for the references of a 750-line lockfile. The checkers here
are the RFC grammars written as regular expressions: RFC 3987 section 2.2 for IRIs, RFC 3986
appendix A for URIs, RFC 3339 section 5.6 for timestamps. The tests compare them with
`rfc3987-syntax` and `rfc3986-validator` on the same inputs.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

# -- RFC 3986 / RFC 3987 ------------------------------------------------------------------------

_HEX = "[0-9A-Fa-f]"
_PCT = f"%{_HEX}{_HEX}"
_UNRESERVED = "A-Za-z0-9\\-._~"
_SUB_DELIMS = "!$&'()*+,;="
_UCSCHAR = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd\U00040000-\U0004fffd"
    "\U00050000-\U0005fffd\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
    "\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    "\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
_IPRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_DEC_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IPV4 = f"{_DEC_OCTET}(?:\\.{_DEC_OCTET}){{3}}"
_H16 = f"{_HEX}{{1,4}}"
_LS32 = f"(?:{_H16}:{_H16}|{_IPV4})"
_IPV6 = "(?:" + "|".join(
    (
        f"(?:{_H16}:){{6}}{_LS32}",
        f"::(?:{_H16}:){{5}}{_LS32}",
        f"(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}",
        f"(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}",
        f"(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}",
        f"(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}",
        f"(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}",
        f"(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}",
        f"(?:(?:{_H16}:){{0,6}}{_H16})?::",
    )
) + ")"
_IP_LITERAL = f"\\[(?:{_IPV6}|v{_HEX}+\\.[{_UNRESERVED}{_SUB_DELIMS}:]+)\\]"
_SCHEME = "[A-Za-z][A-Za-z0-9+\\-.]*"


# RFC 3986 appendix B: splits any string into scheme, authority, path, query and fragment. The
# parts are then checked one by one against the grammar, which keeps each regular expression
# small (one big expression of the whole grammar takes 90 ms to compile).
_SPLIT = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.DOTALL)


@cache
def _parts(international: bool) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """(scheme, authority, path, query, fragment) of RFC 3987 (IRI) or RFC 3986 (URI)."""
    unreserved = _UNRESERVED + (_UCSCHAR if international else "")
    private = _IPRIVATE if international else ""
    authority = (
        f"(?:(?:[{unreserved}{_SUB_DELIMS}:]|{_PCT})*@)?"
        f"(?:{_IP_LITERAL}|(?:[{unreserved}{_SUB_DELIMS}]|{_PCT})*)(?::[0-9]*)?"
    )
    return (
        re.compile(_SCHEME),
        re.compile(authority),
        re.compile(f"(?:[{unreserved}{_SUB_DELIMS}:@/]|{_PCT})*"),
        re.compile(f"(?:[{unreserved}{_SUB_DELIMS}:@/?{private}]|{_PCT})*"),
        re.compile(f"(?:[{unreserved}{_SUB_DELIMS}:@/?]|{_PCT})*"),
    )


def _check(value: str, *, international: bool, absolute: bool) -> bool:
    scheme, authority, path, query, fragment = _SPLIT.fullmatch(value).groups()
    if absolute and scheme is None:
        return False
    rules = _parts(international)
    if scheme is not None and not rules[0].fullmatch(scheme):
        # Not a scheme, and as a relative reference its first segment would hold a ":".
        return False
    if authority is not None:
        if not rules[1].fullmatch(authority) or (path and not path.startswith("/")):
            return False
    elif scheme is None and ":" in path.split("/", 1)[0]:
        return False  # ipath-noscheme
    return (
        rules[2].fullmatch(path) is not None
        and (query is None or rules[3].fullmatch(query) is not None)
        and (fragment is None or rules[4].fullmatch(fragment) is not None)
    )


def is_iri_reference(value: str) -> bool:
    return _check(value, international=True, absolute=False)


def is_iri(value: str) -> bool:
    return _check(value, international=True, absolute=True)


def is_uri(value: str) -> bool:
    return _check(value, international=False, absolute=True)


def is_uri_reference(value: str) -> bool:
    return _check(value, international=False, absolute=False)


# -- RFC 3339 ------------------------------------------------------------------------------------

_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def is_date_time(value: str) -> bool:
    """RFC 3339 `date-time` as rfc3339-validator (what jsonschema uses) reads it: a real
    calendar date from year 1, hours < 24, minutes and seconds < 60 (no leap second), offsets
    within a day."""
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    try:
        date(year, month, day)
    except ValueError:
        return False
    if hour > 23 or minute > 59 or second > 59:
        return False
    return match.group(7) is None or (int(match.group(8)) <= 23 and int(match.group(9)) <= 59)


def is_date(value: str) -> bool:
    if _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_email(value: str) -> bool:
    """jsonschema's own `email` / `idn-email` check, which the CycloneDX tools use."""
    return "@" in value


CHECKERS = {
    "iri-reference": is_iri_reference,
    "iri": is_iri,
    "uri": is_uri,
    "uri-reference": is_uri_reference,
    "date-time": is_date_time,
    "date": is_date,
    "email": is_email,
    "idn-email": is_email,
}
