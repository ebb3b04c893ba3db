"""The layers hold: no module imports from a layer above its own, and no import cycle, counting
the imports inside functions and under TYPE_CHECKING as well as those at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

# Lowest first. A module may import from its own layer and those below it.
LAYERS = [
    ("importdrill",),  # the package itself: its version
    ("importdrill.core",),
    ("importdrill.app",),
    ("importdrill.views", "importdrill.prose", "importdrill.prompt", "importdrill.editor"),
    ("importdrill.watch",),
    ("importdrill.cli", "importdrill.__main__"),
]


def layer(module: str) -> int:
    """The layer of module: that of the longest prefix named in LAYERS."""
    best, found = -1, -1
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), rank
    assert found >= 0, f"{module} is in no layer"
    return found


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path = SRC) -> dict[str, set[str]]:
    """Each importdrill module and the importdrill modules it imports, anywhere in its text."""
    files = {module_name(p, root): p for p in sorted((root / "importdrill").rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from . import x, from .errors import y
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in node.names:
                    # `from pkg import mod` imports the module pkg.mod, not pkg's namespace.
                    sub = f"{base}.{alias.name}"
                    edges.add(sub if sub in files else base)
        graph[name] = {e for e in edges if e in files and e != name}
    return graph


def problems_in(graph: dict[str, set[str]]) -> list[str]:
    """What breaks the layering: upward imports, then cycles (each named once)."""
    found = [
        f"{module} imports {target} from a layer above it"
        for module, targets in sorted(graph.items())
        for target in sorted(targets)
        if layer(target) > layer(module)
    ]
    # A cycle: a module reached again from itself, by depth-first search.
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> None:
        if module in path:
            found.append("cycle: " + " -> ".join([*path[path.index(module) :], module]))
            return
        if module in done:
            return
        path.append(module)
        for target in sorted(graph.get(module, ())):
            visit(target)
        path.pop()
        done.add(module)

    for start in sorted(graph):
        visit(start)
    return found


def test_the_real_graph_keeps_the_layers():
    graph = import_graph()
    assert "importdrill.core.catalog" in graph and "importdrill.cli.learn" in graph
    assert problems_in(graph) == []


def test_catalog_and_problems_do_not_import_each_other():
    graph = import_graph()
    assert "importdrill.core.catalog" not in graph["importdrill.core.problems"]


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        # An upward import planted in the core: the runner asking a view for something.
        (
            {"importdrill.core.runner": {"importdrill.views.console"}},
            ["importdrill.core.runner imports importdrill.views.console from a layer above it"],
        ),
        ({"importdrill.app.drill": {"importdrill.cli.learn"}}, ["from a layer above it"]),
        (
            {
                "importdrill.core.catalog": {"importdrill.core.problems"},
                "importdrill.core.problems": {"importdrill.core.catalog"},
            },
            ["cycle: importdrill.core.catalog -> importdrill.core.problems"],
        ),
        ({"importdrill.cli.learn": {"importdrill.app.drill", "importdrill.core.runner"}}, []),
    ],
    ids=["core-imports-a-view", "app-imports-cli", "cycle", "downward-is-fine"],
)
def test_the_checker_catches_what_is_planted(graph, expected):
    found = problems_in(graph)
    assert len(found) == len(expected)
    for problem, start in zip(found, expected, strict=True):
        assert problem.startswith(start) or start in problem


def test_a_planted_upward_import_in_a_copy_fails(tmp_path: Path):
    import shutil

    shutil.copytree(SRC / "importdrill", tmp_path / "importdrill")
    judge = tmp_path / "importdrill" / "core" / "judge.py"
    judge.write_text(
        judge.read_text(encoding="utf-8") + "\n\ndef _planted():\n"
        "    from importdrill.views import verdict  # noqa: F401\n",
        encoding="utf-8",
    )
    found = problems_in(import_graph(tmp_path))
    # The upward import, and the cycles it closes (the verdict view reads app's results).
    assert found[0] == (
        "importdrill.core.judge imports importdrill.views.verdict from a layer above it"
    )
    assert all("importdrill.core.judge" in problem for problem in found)


def test_no_test_module_imports_another():
    # Shared helpers live in tests/helpers.py; conftest.py holds fixtures only.
    for path in sorted(Path(__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.module == "helpers", f"{path.name} imports .{node.module}"
