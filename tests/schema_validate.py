#!/usr/bin/env python3
"""Validate JSON files against docs/bssim.schema.json with an independent
validator (Debian's python3-jsonschema), for check_schema.

  tests/schema_validate.py SCHEMA FILE...

One line per file: "ok FILE", or "invalid FILE: PATH: MESSAGE" with the
JSON path of the deepest error (dotted, as bssim names keys). Exit 0 when
every file is valid, 1 when one is not, 2 on a usage or schema problem.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("schema_validate.py: python3-jsonschema is not installed "
          "(scripts/install-deps.sh installs it)", file=sys.stderr)
    sys.exit(2)


def where(err):
    """The dotted key an error is about, as bssim names keys: the path of
    the instance, and for a missing or an unexpected member that member
    too."""
    path = [str(p) for p in err.absolute_path]
    if err.validator == "required":
        missing = [k for k in err.validator_value if k not in err.instance]
        path += missing[:1]
    elif err.validator == "additionalProperties":
        known = err.schema.get("properties", {})
        extra = [k for k in err.instance if k not in known]
        path += extra[:1]
    return ".".join(path) or "(top)"


def branch(schema, doc):
    """The definition a file is meant for: a sweep file says bssim_sweep,
    a scenario says bssim (the top-level oneOf alone would report that
    neither matched, not what is wrong)."""
    kind = "sweep" if isinstance(doc, dict) and "bssim_sweep" in doc else "scenario"
    sub = dict(schema)
    sub.pop("oneOf", None)
    sub["$ref"] = "#/$defs/" + kind
    return sub


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    if cls is not jsonschema.Draft202012Validator:
        print("schema_validate.py: %s is not draft 2020-12" % argv[1],
              file=sys.stderr)
        return 2
    cls.check_schema(schema)
    v = cls(schema)
    status = 0
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if v.is_valid(doc):
            print("ok " + path)
            continue
        status = 1
        errors = list(cls(branch(schema, doc)).iter_errors(doc))
        if not errors:  # valid for its branch, not for the oneOf
            print("invalid %s: (top): matches both or neither of scenario and sweep" % path)
            continue
        e = max(errors, key=lambda x: len(where(x)))
        print("invalid %s: %s: %s" % (path, where(e), e.message))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
