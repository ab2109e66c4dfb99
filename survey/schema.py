"""Shape checks for every YAML file, against the JSON Schemas in `survey/schemas/`.

The schemas are the documented contract for contributors (docs/corpus.md points at them).
fastjsonschema, which compiles each schema into Python, answers whether a file conforms (nearly
every file does, and it is about fifteen times quicker); jsonschema, imported only then, explains a
file that does not, and its verdict is the one that counts: this module turns its errors into
`path:line` diagnostics with a hint of what to do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from survey.diagnostics import Report, did_you_mean
from survey.read import LineDict, LineList

if TYPE_CHECKING:
    import jsonschema

TYPE_NAMES = {
    "string": "text", "integer": "a whole number", "array": "a list",
    "object": "a mapping of fields", "boolean": "true or false",
}  # fmt: skip


@cache
def schema(name: str) -> dict:
    return json.loads(files("survey").joinpath("schemas", f"{name}.schema.json").read_text())


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema(name))
    return cls(schema(name), format_checker=cls.FORMAT_CHECKER)


@cache
def quick_validator(name: str) -> Callable[[Any], Any]:
    import fastjsonschema

    return fastjsonschema.compile(schema(name))


def conforms_quickly(data: Any, name: str) -> bool:
    """True when fastjsonschema finds `data` conforms (jsonschema agrees, tests/test_schema.py);
    False when it does not, or cannot tell: jsonschema then decides."""
    try:
        quick_validator(name)(data)
    except Exception:  # its own error, or anything it did not expect: jsonschema will tell
        return False
    return True


def check_shape(data: Any, name: str, path: Path, report: Report) -> bool:
    """Validate `data` against schema `name`; report every problem; True when it conforms."""
    if conforms_quickly(data, name):
        return True
    errors = sorted(validator(name).iter_errors(data), key=lambda e: list(map(str, e.path)))
    for error in errors:
        for line, message in _explain(error, data):
            report.error(path, line, message)
    return not errors


def _explain(error: jsonschema.ValidationError, root: Any) -> list[tuple[int, str]]:
    where = ".".join(str(step) for step in error.absolute_path) or "the file"
    line = _line_at(root, list(error.absolute_path))
    value = error.instance
    match error.validator:
        case "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            return [
                (_line_at(root, [*error.absolute_path, key]),
                 f"unknown field '{key}' in {where}{did_you_mean(key, allowed)}")
                for key in value if key not in allowed
            ]  # fmt: skip
        case "required":
            missing = [key for key in error.validator_value if key not in value]
            return [(line, f"missing required field '{key}' in {where}") for key in missing]
        case "type":
            return [(line, _type_message(where, error.validator_value, value))]
        case "minLength" | "minItems":
            return [(line, f"{where} must not be empty")]
        case "maxLength":
            limit = error.validator_value
            return [(line, f"{where} is {len(value):,} characters long; keep it to {limit:,}")]
        case "pattern":
            return [(line, f"{where}: '{value}' is not in the expected form ({_pattern_hint(where)})")]
        case "uniqueItems":
            index = next(i for i, item in enumerate(value) if item in value[:i])
            return [
                (_line_at(root, [*error.absolute_path, index]), f"{where}: '{value[index]}' is listed twice")
            ]
        case "format":
            return [(line, f"{where}: '{value}' is not a valid {error.validator_value} (use YYYY-MM-DD)")]
    return [(line, f"{where}: {error.message}")]


def _type_message(where: str, expected: str, value: Any) -> str:
    message = f"{where} must be {TYPE_NAMES.get(expected, expected)}"
    if expected == "string" and isinstance(value, (int, float)):
        return f'{message}; put it in quotes, e.g. {where.split(".")[-1]}: "{value}"'
    if expected == "integer" and isinstance(value, str) and value.strip().isdigit():
        return f"{message}; remove the quotes: {where.split('.')[-1]}: {value.strip()}"
    if expected == "array" and isinstance(value, str):
        return f"{message}; write it as [{value}] or as lines starting with '- '"
    return message


def _pattern_hint(where: str) -> str:
    if where.startswith(("tags", "id", "topics")) or where.endswith(".id"):
        return "lowercase letters, digits and single hyphens"
    return "see docs/corpus.md"


def _line_at(root: Any, steps: list[Any]) -> int:
    """The line of the deepest node on `steps` that knows its line."""
    node, line = root, getattr(root, "line", 0)
    for step in steps:
        if not _has_step(node, step):
            break
        line, node = node.line_of(step), node[step]
    return line


def _has_step(node: Any, step: Any) -> bool:
    if isinstance(node, LineDict):
        return step in node
    return isinstance(node, LineList) and isinstance(step, int) and step < len(node)
