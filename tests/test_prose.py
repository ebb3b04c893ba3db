"""The Markdown subset renderer, checked against rich.markdown on every built-in text."""

from __future__ import annotations

import io
import re
from typing import Literal

import pytest
from rich.console import Console, RenderableType
from rich.markdown import Markdown

from importdrill import prose
from importdrill.core.catalog import load_catalog

URL_TOKEN = re.compile(r"^\(?https?://")
# What prose adds after a link's text: its address, for terminals without hyperlinks.
LINK_ADDRESS = re.compile(r"\s+\(https?://[^)\s]+\)")  # after a space or a line break


def plain(renderable: RenderableType) -> str:
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def tokens(text: str) -> list[str]:
    # Layout differs on purpose (bullets, boxes, list markers "1." against "1"); the words
    # and their order must not. URLs are compared apart: rich.markdown, without linkify,
    # renders `__main__` in a bare URL as bold "main", which is the bug we must not copy,
    # and we print a link's address after its text for terminals without hyperlinks.
    text = re.sub(r"[•│─╭╮╰╯]", " ", text)
    words = [w.rstrip(".") for w in text.split() if not URL_TOKEN.match(w)]
    return [w for w in words if w]


def builtin_texts() -> list[tuple[str, str]]:
    catalog = load_catalog()
    return [
        (f"{p.slug}:{i}", text)
        for p in catalog.problems
        for i, text in enumerate([p.prompt, p.explanation, *p.hints])
    ]


@pytest.mark.parametrize(("where", "text"), builtin_texts(), ids=lambda v: v if ":" in v else "")
def test_every_builtin_text_reads_as_rich_markdown_renders_it(where: str, text: str):
    ours = LINK_ADDRESS.sub("", plain(prose.render(text)))
    reference = LINK_ADDRESS.sub("", plain(Markdown(text, hyperlinks=True)))
    assert tokens(ours) == tokens(reference)


def test_urls_are_shown_as_written():
    text = "See https://docs.python.org/3/library/__main__.html, and [the docs](https://x.org/a__b__c)."
    shown = plain(prose.render(text))
    assert "https://docs.python.org/3/library/__main__.html," in shown
    assert "(https://x.org/a__b__c)" in shown


def test_link_text_is_markdown_too():
    shown = prose.inline("The [`__import__` documentation](https://docs.python.org/3/x)")
    assert "`" not in shown.plain
    assert shown.plain.startswith("The __import__ documentation")
    code_spans = [s for s in shown.spans if "cyan" in str(s.style)]
    assert code_spans, "the code in the link text is styled as code"


def test_lists_headings_fences_and_emphasis():
    text = (
        "# Title\n\nSome *it* and **bold** and `code`.\n\n- one\n  more\n- two\n\n```\nx = 1\n```\n"
    )
    shown = plain(prose.render(text))
    assert "Title" in shown and "Some it and bold and code." in shown
    assert "• one more" in shown and "• two" in shown and "x = 1" in shown


def test_an_unclosed_fence_still_shows_its_code():
    assert "print(1)" in plain(prose.render("Text\n\n```\nprint(1)\n"))


@pytest.mark.parametrize("color", [None, "truecolor"])
def test_an_explanation_laid_out_ahead_prints_as_one_laid_out_then(
    color: Literal["truecolor"] | None, monkeypatch: pytest.MonkeyPatch
):
    # A check lays out the explanation while the program runs (prepare_verdict); a pass
    # then prints those very segments, which are what laying it out then would print. If
    # the terminal was resized meanwhile, it is laid out anew.
    from importdrill.views import verdict
    from importdrill.views.console import using
    from importdrill.views.verdict import prepare_verdict, show_explanation

    problem = load_catalog().get("sys-modules-cache")

    lay_out = verdict._explanation_panel

    def show(prepared_at: int | None, *, again: bool) -> str:
        console = Console(
            width=prepared_at or 90,
            file=io.StringIO(),
            color_system=color,
            force_terminal=color is not None,
        )
        monkeypatch.setattr(verdict, "_laid_out", None)
        monkeypatch.setattr(verdict, "_explanation_panel", lay_out)
        with using(console):
            if prepared_at is not None:
                prepare_verdict(problem)
                console.width = 90
            if not again:
                monkeypatch.setattr(verdict, "_explanation_panel", None)  # laying out again fails
            show_explanation(problem)
        # Each laying out gives a link a fresh id (OSC 8), which says nothing of the layout.
        assert isinstance(console.file, io.StringIO)
        return re.sub(r"id=\d+;", "id=;", console.file.getvalue())

    reference = show(None, again=True)
    assert "is the import system" in reference
    assert show(90, again=False) == reference
    assert show(70, again=True) == reference
