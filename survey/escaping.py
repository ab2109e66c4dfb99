"""How templates escape what they print: `{{ value }}` to escaped plain text, not a Markup object.

With autoescaping on, Jinja compiles `{{ value }}` to `escape(value)`, which makes a
`markupsafe.Markup` of each value printed: a Python-level constructor call for every value of
every page (about four million in a cold build at 10,000 papers, 1.2 s of CPU). What a `{{ }}`
yields only ever goes into the output it is printed to, whose pieces Jinja joins and, where the
output is kept (a macro's result, a `{% set %}` block), marks safe as a whole, so nothing reads
the mark on each piece. `TextEscaping` compiles `{{ value }}` to `environment.escaped_text(value)`
instead: the same characters escaped the same way (markupsafe's own escaping), as a plain `str`.

Only this one spot of code generation changes, through Jinja's documented hook for it
(`Environment.code_generator_class`); templates with autoescaping decided at run time, or off,
compile as Jinja compiles them. If a Jinja release renamed the method overridden here, templates
would compile as Jinja's own again, with the same output; tests/test_escaping.py would fail.
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr
from markupsafe import escape

try:  # markupsafe's escaping without the Markup around it (its C speed-up, where built)
    from markupsafe import _escape_inner as _escaped_str
except ImportError:  # pragma: no cover - a markupsafe without it

    def _escaped_str(text: str) -> str:
        return str(escape(text))


def escaped_text(value: Any) -> str:
    """`value` as HTML text: as `markupsafe.escape(value)`, but a plain string (what is already
    safe, such as a macro's output, comes back as its own `__html__()`)."""
    if value.__class__ is str:
        return _escaped_str(value)
    if hasattr(value, "__html__"):  # already safe (a Markup, a macro's output)
        return value.__html__()
    return _escaped_str(str(value))


class TextEscaping(CodeGenerator):
    """Jinja's code generator, printing `{{ value }}` through `environment.escaped_text`."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escaped_text(")
        if finalize.src is not None:
            self.write(finalize.src)


class Environment(jinja2.Environment):
    """A Jinja environment whose templates print escaped text as plain strings (module docstring)."""

    code_generator_class = TextEscaping
    escaped_text = staticmethod(escaped_text)
