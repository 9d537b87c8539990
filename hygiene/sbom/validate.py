"""Validate a CycloneDX JSON document against the schema cyclonedx-python-lib ships.

`hygiene sbom` validates what it writes before writing it, like `cyclonedx-py` does, with the
same schema files (the strict variant, the SPDX licence list, JSF and the cryptography
definitions) and jsonschema's Draft 7 validator, but two parts of that validator replaced:

- `format`: the checkers of :mod:`hygiene.sbom.formats` instead of jsonschema's registry,
  which uses `rfc3987-syntax` for `iri-reference` when it is installed (0.8 s to import, about
  12 ms per URL). So that merely importing jsonschema does not pay that import, jsonschema is
  imported with its optional format packages hidden when hygiene is the first to import it.
- `uniqueItems`: jsonschema compares unsortable items (objects) pairwise, which is quadratic:
  0.5 s for the 750 components of one lockfile. Items are compared here by a hashable key with
  JSON Schema's equality (`1 == 1.0`, `true != 1`, objects by keys and values).
"""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any

from hygiene.sbom.formats import CHECKERS

_PREFIX = "http://cyclonedx.org/schema/"


class SbomInvalid(Exception):
    """The document does not conform; the message names the first error and where it is."""


def validate(text: str, spec_version: str) -> None:
    """Raise :class:`SbomInvalid` unless `text` is a valid CycloneDX `spec_version` JSON BOM."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise SbomInvalid(f"not JSON: {exc}") from None
    error = next(_validator(spec_version).iter_errors(document), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(document)"
        # Under anyOf/oneOf, why each alternative failed.
        why = sorted({sub.message[:200] for sub in error.context or ()})
        raise SbomInvalid(f"{where}: {error.message[:300]}" + (f" ({'; '.join(why)})" if why else ""))


@cache
def _validator(spec_version: str):
    jsonschema = _import_jsonschema()
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.schema._res import BOM_JSON_STRICT, CRYPTOGRAPHY_DEFS, JSF, SPDX_JSON
    from referencing import Registry
    from referencing.jsonschema import DRAFT7

    schema_file = BOM_JSON_STRICT.get(SchemaVersion.from_version(spec_version))
    if schema_file is None:
        raise SbomInvalid(f"no JSON schema for CycloneDX {spec_version}")
    resources = []
    for name, path in (
        ("spdx.SNAPSHOT.schema.json", SPDX_JSON),
        ("cryptography-defs.SNAPSHOT.schema.json", CRYPTOGRAPHY_DEFS),
        ("jsf-0.82.SNAPSHOT.schema.json", JSF),
    ):
        resources.append((_PREFIX + name, DRAFT7.create_resource(_load(path))))
    checker = jsonschema.FormatChecker(formats=())
    for name, check in CHECKERS.items():
        # A format applies to strings only; other types pass (JSON Schema, "format").
        checker.checks(name)(lambda value, check=check: not isinstance(value, str) or check(value))
    validator_class = jsonschema.validators.extend(
        jsonschema.Draft7Validator, {"uniqueItems": _unique_items}
    )
    return validator_class(
        _load(schema_file),
        registry=Registry().with_resources(resources),
        format_checker=checker,
    )


def _load(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# Packages jsonschema imports, when installed, only to register format checkers; hygiene
# passes its own checkers, so it imports jsonschema without them (rfc3987-syntax alone takes
# 0.8 s to import). Only when hygiene is the first to import jsonschema in the process: then
# jsonschema's own default FormatChecker lacks those formats in this process (the CLI's).
_FORMAT_PACKAGES = (
    "rfc3987_syntax", "rfc3987", "rfc3986_validator", "rfc3339_validator", "webcolors",
    "jsonpointer", "uri_template", "isoduration", "fqdn", "idna",
)


def _import_jsonschema():
    if "jsonschema" in sys.modules:
        return sys.modules["jsonschema"]
    hidden = [name for name in _FORMAT_PACKAGES if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError
    try:
        import jsonschema
        import jsonschema.validators
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return jsonschema


def _unique_items(validator, unique, instance, schema):
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set = set()
    for item in instance:
        key = _key(item)
        if key in seen:
            from jsonschema.exceptions import ValidationError

            yield ValidationError(f"{_short(item)} is repeated; the items must be unique")
            return
        seen.add(key)


def _key(value: Any):
    """Hashable, equal exactly when JSON Schema calls two instances equal."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list):
        return ("a", tuple(_key(item) for item in value))
    if isinstance(value, dict):
        return ("o", frozenset((name, _key(item)) for name, item in value.items()))
    return ("z", value)


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 200 else text[:200] + "…"
