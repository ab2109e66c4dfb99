"""Progress of long builds: a bar on a terminal, quarter lines elsewhere, nothing for small builds."""

from __future__ import annotations

import io

from survey.progress import MIN_STEPS, reporter


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_at_each_quarter_when_not_a_terminal() -> None:
    stream = io.StringIO()
    report = reporter(stream)
    for done in range(1, 1001):
        report("rendering pages", done, 1000)
    assert stream.getvalue().splitlines() == [
        "rendering pages: 25% (250/1000)",
        "rendering pages: 50% (500/1000)",
        "rendering pages: 75% (750/1000)",
        "rendering pages: 100% (1000/1000)",
    ]


def test_a_bar_redrawn_in_place_on_a_terminal() -> None:
    stream = Terminal()
    report = reporter(stream)
    for done in range(1, 1001):
        report("rendering pages", done, 1000)
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("rendering pages [" + "#" * 30 + "] 1000/1000\n")
    assert "\rrendering pages [" + "#" * 15 + "." * 15 + "] 500/1000" in text


def test_small_builds_stay_quiet() -> None:
    stream = Terminal()
    report = reporter(stream)
    for done in range(1, MIN_STEPS):
        report("rendering pages", done, MIN_STEPS - 1)
    assert stream.getvalue() == ""
