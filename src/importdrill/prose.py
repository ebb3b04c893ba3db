"""The problems' Markdown (the small subset they use) as Rich renderables, without a parser.

rich.markdown imports markdown-it, which alone takes longer than the rest of a `check`; the
prompts, hints and explanations use paragraphs, lists, headings, fenced code and inline
code, bold, italics and links, and this renders exactly those.
"""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

FENCE = re.compile(r"^\s*(```|~~~)")
BULLET = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE = re.compile(
    r"(?P<code>`+)(?P<code_text>.+?)(?P=code)"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|__(?P<bold2>.+?)__"
    r"|(?<![\w*])\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<italic2>[^_\s](?:[^_]*[^_\s])?)_(?![\w_])"
    r"|\[(?P<link_text>[^\]]+)\]\((?P<url>[^)\s]+)\)"
    r"|<(?P<autolink>https?://[^>\s]+)>"
    # A bare URL is not Markdown emphasis: `__main__` inside one is part of the address.
    r"|(?P<bare>https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"])"
)
CODE_STYLE = "bold cyan"


def inline(text: str) -> Text:
    """One paragraph's inline Markdown as styled Text."""
    out = Text()
    pos = 0
    for match in INLINE.finditer(text):
        out.append(text[pos : match.start()])
        pos = match.end()
        if match.group("code"):
            out.append(match.group("code_text").strip(), style=CODE_STYLE)
        elif match.group("bold") or match.group("bold2"):
            start = len(out)
            out.append_text(inline(match.group("bold") or match.group("bold2")))
            out.stylize("bold", start)
        elif match.group("italic") or match.group("italic2"):
            start = len(out)
            out.append_text(inline(match.group("italic") or match.group("italic2")))
            out.stylize("italic", start)
        elif match.group("link_text"):
            url = match.group("url")
            start = len(out)
            # Link text is Markdown too: ``[`__import__`](url)`` shows code, not backticks.
            out.append_text(inline(match.group("link_text")))
            out.stylize(f"underline link {url}", start)
            if url != match.group("link_text"):
                out.append(f" ({url})", style="dim")
        else:
            url = match.group("autolink") or match.group("bare")
            out.append(url, style=f"underline link {url}")
    out.append(text[pos:])
    return out


def _flush_paragraph(lines: list[str], blocks: list[RenderableType]) -> None:
    if lines:
        blocks.append(inline(" ".join(line.strip() for line in lines)))
        lines.clear()


def _flush_list(items: list[tuple[str, list[str]]], blocks: list[RenderableType]) -> None:
    if not items:
        return
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column()
    for marker, parts in items:
        shown = "•" if marker in "-*+" else marker
        grid.add_row(shown, inline(" ".join(p.strip() for p in parts)))
    blocks.append(Padding(grid, (0, 0, 0, 1)))
    items.clear()


def render(markdown: str) -> RenderableType:
    """A Markdown text as a group of paragraphs, lists, headings and code blocks."""
    blocks: list[RenderableType] = []
    paragraph: list[str] = []
    items: list[tuple[str, list[str]]] = []
    code: list[str] | None = None
    for raw in markdown.strip("\n").splitlines():
        if code is not None:
            if FENCE.match(raw):
                blocks.append(Padding(Text("\n".join(code), style="cyan"), (0, 0, 0, 4)))
                code = None
            else:
                code.append(raw)
            continue
        if FENCE.match(raw):
            _flush_paragraph(paragraph, blocks)
            _flush_list(items, blocks)
            code = []
            continue
        if not raw.strip():
            _flush_paragraph(paragraph, blocks)
            _flush_list(items, blocks)
            continue
        heading = HEADING.match(raw)
        bullet = BULLET.match(raw)
        if heading:
            _flush_paragraph(paragraph, blocks)
            _flush_list(items, blocks)
            blocks.append(Text.assemble(inline(heading.group(2)), style="bold underline"))
        elif bullet:
            _flush_paragraph(paragraph, blocks)
            items.append((bullet.group(2), [bullet.group(3)]))
        elif items and raw.startswith((" ", "\t")):
            items[-1][1].append(raw)  # a list item continued on the next line
        else:
            _flush_list(items, blocks)
            paragraph.append(raw)
    if code is not None:  # an unclosed fence still shows its code
        blocks.append(Padding(Text("\n".join(code), style="cyan"), (0, 0, 0, 4)))
    _flush_paragraph(paragraph, blocks)
    _flush_list(items, blocks)
    spaced: list[RenderableType] = []
    for block in blocks:
        if spaced:
            spaced.append(Text())
        spaced.append(block)
    return Group(*spaced)
