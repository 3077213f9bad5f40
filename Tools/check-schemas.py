#!/usr/bin/env python3
"""Check the Touchlog event schemas against their examples.

    python3 Tools/check-schemas.py [-v] [SCHEMAS_DIR]

1. Loads every `*.schema.json` in Schemas/, checks it is a valid JSON Schema 2020-12 document, that its
   `$id` matches its file name (`<type>.v1.schema.json` <-> `urn:touchlog:schema:<type>:1`), and that
   the envelope's `type` enum and its if/then dispatch cover exactly the per-type schemas.
2. Builds a `referencing` registry of all schemas (keyed by `$id`) and validates every example in
   Schemas/examples/ against the envelope schema with format assertion on.
3. Compares the outcome with the example's sidecar `NAME.expect`: `accept` (no error at all) or
   `reject <path>` (at least one error, and some error, nested ones included, is at <path>).

Paths: top-level attributes by name, `.` between object keys, `[i]` for array indexes
(`data.items[0].quantity`). Keys are written as they are, whatever characters they hold (as the Swift
validator does), so `data.attributes.` is the path of an empty attribute name.
The path of an error is where the offending value is: for a missing required property, the missing
property's own path; for a property not allowed (additionalProperties false) or a bad property name
(propertyNames), that property's path.

Prints one line per example (`ok` / `FAIL`), then `N passed, M failed`, where M also counts failed schema
checks. Exits 1 on any failure. Needs jsonschema >= 4.18, referencing, rfc3339-validator.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ENVELOPE_ID = "urn:touchlog:schema:envelope:1"
SCHEMA_FILE = re.compile(r"(?P<type>.+)\.v(?P<version>[0-9]+)\.schema\.json")


def format_path(parts) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def strict_json(path: Path):
    """Parse a file as strict JSON: no NaN/Infinity, no duplicate keys."""

    def no_constants(name):
        raise ValueError(f"non-standard JSON constant {name}")

    def no_duplicates(pairs):
        obj = {}
        for key, value in pairs:
            if key in obj:
                raise ValueError(f"duplicate key {key!r}")
            obj[key] = value
        return obj

    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_constant=no_constants, object_pairs_hook=no_duplicates)


def additional_properties(instance: dict, schema: dict):
    """The keys that `additionalProperties` applies to (not in properties, matching no patternProperties)."""
    properties = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    for key in instance:
        if key not in properties and not any(p.search(key) for p in patterns):
            yield key


def error_paths(error) -> set[str]:
    """The path(s) an error points at, in the examples' notation."""
    base = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [p for p in error.validator_value if p not in error.instance]
        named = [p for p in missing if error.message == f"{p!r} is a required property"]
        return {format_path(base + [p]) for p in (named or missing)}
    if error.validator == "additionalProperties" and error.validator_value is False:
        return {format_path(base + [k]) for k in additional_properties(error.instance, error.schema)}
    if "propertyNames" in error.relative_schema_path and isinstance(error.instance, str):
        # Errors about a property's name are reported at the object; the instance is the name.
        return {format_path(base + [error.instance])}
    return {format_path(base)}


def walk(errors):
    for error in errors:
        yield error
        yield from walk(error.context or ())


def load_schemas(schema_dir: Path, report):
    schemas = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        name = path.name
        try:
            schema = strict_json(path)
            Draft202012Validator.check_schema(schema)
        except Exception as exc:  # noqa: BLE001 - report whatever is wrong with the file
            report(f"FAIL schema {name}: {exc}")
            continue
        problems = []
        if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            problems.append("$schema is not 2020-12")
        m = SCHEMA_FILE.fullmatch(name)
        expected_id = m and f"urn:touchlog:schema:{m['type']}:{m['version']}"
        if schema.get("$id") != expected_id:
            problems.append(f"$id {schema.get('$id')!r} does not match file name (expected {expected_id!r})")
        if problems:
            report(f"FAIL schema {name}: " + "; ".join(problems))
            continue
        schemas[schema["$id"]] = (name, schema)
    return schemas


def check_dispatch(envelope: dict, data_ids: set[str]) -> list[str]:
    problems = []
    enum = envelope.get("properties", {}).get("type", {}).get("enum", [])
    types = {f"urn:touchlog:schema:{t}:1" for t in enum}
    if types != data_ids:
        problems.append(f"type enum {sorted(enum)} does not match the per-type schemas {sorted(data_ids)}")
    dispatched = set()
    for branch in envelope.get("allOf", []):
        then = branch.get("then", {}).get("properties", {})
        ref = then.get("data", {}).get("$ref")
        const = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        if ref != f"urn:touchlog:schema:{const}:1" or then.get("dataschema", {}).get("const") != ref:
            problems.append(f"dispatch branch for {const!r} refers to {ref!r}")
        dispatched.add(ref)
    if dispatched != data_ids:
        problems.append(f"if/then dispatch covers {sorted(dispatched)}, not {sorted(data_ids)}")
    return problems


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    root = Path(__file__).resolve().parent.parent
    schema_dir = Path(args[0]) if args else root / "Schemas"
    example_dir = schema_dir / "examples"

    passed = failed = 0

    def fail(line: str):
        nonlocal failed
        failed += 1
        print(line)

    schemas = load_schemas(schema_dir, fail)
    if ENVELOPE_ID not in schemas:
        fail(f"FAIL schema envelope: no schema with $id {ENVELOPE_ID}")
        print(f"{passed} passed, {failed} failed")
        return 1
    envelope = schemas[ENVELOPE_ID][1]
    for problem in check_dispatch(envelope, set(schemas) - {ENVELOPE_ID}):
        fail(f"FAIL schema envelope.v1.schema.json: {problem}")

    registry = Registry().with_resources(
        (sid, Resource.from_contents(schema, default_specification=DRAFT202012))
        for sid, (_, schema) in schemas.items()
    )
    validator = Draft202012Validator(
        envelope, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )

    names = sorted({p.stem for p in example_dir.glob("*.json")} | {p.stem for p in example_dir.glob("*.expect")})
    for name in names:
        event_file, expect_file = example_dir / f"{name}.json", example_dir / f"{name}.expect"
        if not event_file.exists() or not expect_file.exists():
            fail(f"FAIL {name}: needs both {name}.json and {name}.expect")
            continue
        lines = expect_file.read_text(encoding="utf-8").splitlines()
        expect = lines[0].strip() if len(lines) == 1 else ""
        if expect == "accept":
            want = None
        elif expect.startswith("reject "):
            want = expect[len("reject "):].strip()
        else:
            fail(f"FAIL {name}: {name}.expect must be one line, `accept` or `reject <path>`")
            continue
        try:
            event = strict_json(event_file)
        except ValueError as exc:
            fail(f"FAIL {name}: not strict JSON: {exc}")
            continue

        try:
            errors = list(validator.iter_errors(event))
        except Exception as exc:  # noqa: BLE001 - e.g. an unresolvable $ref
            fail(f"FAIL {name}: validation raised {type(exc).__name__}: {exc}")
            continue
        found = []  # (path, message), in order, without repeats
        best = best_match(errors)
        for error in walk(([best] if best else []) + errors):
            for path in error_paths(error):
                if (path, error.message) not in found:
                    found.append((path, error.message))
        paths = {p for p, _ in found}
        detail = "; ".join(f"{p or '<root>'}: {msg}" for p, msg in found[:6])

        if want is None:
            ok = not errors
            why = "" if ok else f"expected accept, got errors: {detail}"
        else:
            ok = bool(errors) and want in paths
            why = "" if ok else (f"expected reject at {want}, got " + (f"errors at {sorted(paths)}: {detail}" if errors else "no error"))
        if ok:
            passed += 1
            line = f"ok   {name}: {expect}"
            if verbose and errors:
                line += f"  ({best.message})"
            print(line)
        else:
            fail(f"FAIL {name}: {why}")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
