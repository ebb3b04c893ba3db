"""Static rules on the learner's file, checked with `ast`: what it must call, import or leave alone.

Names are resolved through the file's own imports, so `importlib.util.spec_from_file_location`
is found whether the file wrote `import importlib.util`, `from importlib import util` or
`from importlib.util import spec_from_file_location as sffl`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from importdrill.core.problems import Rule, RuleKind

# List methods that change the list they are called on.
MUTATING_METHODS = frozenset(
    {"append", "insert", "extend", "remove", "pop", "clear", "sort", "reverse", "__setitem__"}
    | {"__delitem__", "__iadd__"}
)


@dataclass(frozen=True)
class Breach:
    """A rule the file breaks: the learner's message, and the line it applies to (if any)."""

    message: str
    line: int | None
    index: int = 0  # which of the problem's rules, counting from 0


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> the dotted name it stands for, from every import in the file."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The dotted name an expression such as `util.spec_from_file_location` stands for."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def _scope(tree: ast.Module, within: str | None) -> tuple[list[ast.AST], int | None]:
    """The nodes a rule looks at: the whole file, or the named function or class (and its
    line). A dotted `within` (`Class.method`) walks down through nested definitions."""
    if within is None:
        return [tree], None
    found: list[ast.AST] = [tree]
    line: int | None = None
    for part in within.split("."):
        matches = [
            node
            for parent in found
            for node in ast.walk(parent)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.name == part
        ]
        if not matches:
            return [], None
        found = list(matches)
        line = matches[0].lineno
    return found, line


def _walk(roots: Iterable[ast.AST]) -> Iterator[ast.AST]:
    for root in roots:
        yield from ast.walk(root)


def _calls(roots: list[ast.AST], aliases: dict[str, str], name: str) -> bool:
    return any(
        isinstance(node, ast.Call) and _dotted(node.func, aliases) == name for node in _walk(roots)
    )


def _imports(roots: list[ast.AST], name: str) -> bool:
    for node in _walk(roots):
        if isinstance(node, ast.Import) and any(
            a.name == name or a.name.startswith(name + ".") for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == name or node.module.startswith(name + "."):
                return True
            if any(f"{node.module}.{a.name}" == name for a in node.names):
                return True
    return False


def _modifications(roots: list[ast.AST], aliases: dict[str, str], name: str) -> Iterator[int]:
    """Lines where name is assigned, deleted, augmented, subscript-assigned or mutated."""

    def is_it(node: ast.AST) -> bool:
        if isinstance(node, ast.Subscript):
            node = node.value
        return _dotted(node, aliases) == name

    for node in _walk(roots):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATING_METHODS
            and is_it(node.func.value)
        ):
            yield node.lineno
            continue
        flat: list[ast.AST] = []
        for target in targets:
            flat.extend(target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target])
        if any(is_it(target) for target in flat):
            yield getattr(node, "lineno", 0)


def check(rules: Iterable[Rule], source: str) -> list[Breach]:
    """The rules source breaks, in the order given. A file that does not parse breaks none
    here: every run fails on it, with the SyntaxError's own message and line."""
    rules = list(rules)
    if not rules:
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    aliases = _aliases(tree)
    breaches: list[Breach] = []
    for index, rule in enumerate(rules):
        roots, line = _scope(tree, rule.within)
        if rule.kind is RuleKind.MUST_CALL:
            if not _calls(roots, aliases, rule.name):
                breaches.append(Breach(rule.message, line, index))
        elif rule.kind is RuleKind.MUST_IMPORT:
            if not _imports(roots, rule.name):
                breaches.append(Breach(rule.message, line, index))
        else:
            lines = sorted(set(_modifications(roots, aliases, rule.name)))
            if lines:
                breaches.append(Breach(rule.message, lines[0], index))
    return breaches
