"""The question kinds whose answer is something the program does, not what it prints.

- order: the problem's own modules, in the order their bodies start (or finish). The child runs
  with `-X importtime`, which makes CPython (3.7+) write one line to stderr as each import made
  through `import` or `__import__` finishes, indented by how deeply it is nested. Nothing else
  the program can see changes (only `sys._xoptions` says so); the lines are parsed into a tree
  and taken out of the stderr the learner is shown.
- which-file: for each of the problem's `names`, what `importlib.util.find_spec` says once the
  program has run, in the same interpreter: a probe is appended to the program's file (after
  its last line, so line numbers and tracebacks are unchanged) and runs only when the file
  runs as `__main__`. It writes its lines after a marker that holds a fresh nonce, so nothing
  the program prints can pass for them.

Both give a RunResult whose `stdout` is the answer text (what the learner is judged on), so
judging, marking, revealing and verifying work as for a predict problem. The program's own
stdout and, for order, the import tree are kept beside it (`program_stdout`, `tree`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from importdrill.core import runner
from importdrill.core.kinds import Kind
from importdrill.core.problems import Problem

IMPORTTIME_OPTIONS = ("-X", "importtime")
# "import time:       123 |        456 |     pkg.sub"; the header line has words instead.
_IMPORTTIME_LINE = re.compile(r"import time:\s+\d+\s+\|\s+\d+\s+\| ( *)(\S+)\s*")
_IMPORTTIME_HEADER = re.compile(r"import time:\s+self \[us\]")

ORDER_OF = ("start", "finish")
# What find_spec can say besides a path.
NOT_FOUND = "not found"
BUILT_IN = "built-in"
FROZEN = "frozen"
NAMESPACE = "namespace"
STDLIB = "<stdlib>"
SITE_PACKAGES = "<site-packages>"


@dataclass(frozen=True)
class Import:
    """One line of -X importtime: an import that finished, and those made while it ran."""

    name: str
    children: tuple[Import, ...] = ()


@dataclass(frozen=True)
class Body:
    """A module body of the problem's that ran, and the problem's bodies that ran inside it."""

    name: str
    inside: tuple[Body, ...] = ()


# --- order ---------------------------------------------------------------------------------


def parse_importtime(stderr: str) -> tuple[list[Import], str]:
    """The imports -X importtime reported (roots in the order they finished), and stderr
    without its lines. Imports still under way when the program ended (os._exit inside a
    body) never print: their finished children are kept as roots after the others."""
    pending: dict[int, list[Import]] = {}
    kept: list[str] = []
    for line in stderr.splitlines(keepends=True):
        match = _IMPORTTIME_LINE.fullmatch(line.rstrip("\r\n"))
        if match is None:
            if not _IMPORTTIME_HEADER.match(line):
                kept.append(line)
            continue
        depth = len(match.group(1)) // 2
        # Deeper lines printed since the last one at this depth were made inside this import.
        children: list[Import] = []
        for deeper in sorted(d for d in pending if d > depth):
            children.extend(pending.pop(deeper))
        pending.setdefault(depth, []).append(Import(match.group(2), tuple(children)))
    roots = [node for depth in sorted(pending) for node in pending[depth]]
    return roots, "".join(kept)


def after_startup(roots: list[Import]) -> list[Import]:
    """The imports the program made: start-up ends with `site` (whose .pth files and
    sitecustomize are imported inside it), so everything up to its line is dropped."""
    for index, node in enumerate(roots):
        if node.name == "site":
            return roots[index + 1 :]
    return roots


def module_names(problem: Problem) -> frozenset[str]:
    """The names the problem's own modules can be imported by: every .py file's dotted path
    from the run folder, and each shorter tail of it (a folder put on sys.path)."""
    names: set[str] = set()
    for rel in [problem.main, *problem.files]:
        path = PurePosixPath(rel)
        if path.suffix != ".py":
            continue
        parts = list(path.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            names.update(".".join(parts[i:]) for i in range(len(parts)))
    names.discard("__main__")
    return frozenset(names)


def _occurs_below(node: Import, name: str) -> bool:
    return any(child.name == name or _occurs_below(child, name) for child in node.children)


def bodies(roots: Iterable[Import], names: frozenset[str]) -> list[Body]:
    """The bodies of the problem's modules that ran, nested as they ran.

    `import pkg.sub` with pkg not yet imported reports pkg *inside* pkg.sub, though pkg's body
    runs (and ends) before pkg.sub's starts: a child that is a parent package is lifted out,
    before the node. When pkg's body itself imports pkg.sub, the outer pkg.sub line ran no
    body (the module was there once pkg was): a node whose own name occurs below it is not a
    body. Modules that are not the problem's are left out, their insides kept in place.
    """

    def walk(node: Import) -> list[Body]:
        parents = [c for c in node.children if node.name.startswith(c.name + ".")]
        rest = [c for c in node.children if not node.name.startswith(c.name + ".")]
        before = [body for child in parents for body in walk(child)]
        inside = [body for child in rest for body in walk(child)]
        if node.name in names and not _occurs_below(node, node.name):
            return [*before, Body(node.name, tuple(inside))]
        return before + inside

    return [body for root in roots for body in walk(root)]


def order(forest: Iterable[Body], which: str) -> list[str]:
    """Module names in the order their bodies start (pre-order) or finish (post-order)."""
    found: list[str] = []

    def visit(body: Body) -> None:
        if which == "start":
            found.append(body.name)
        for inner in body.inside:
            visit(inner)
        if which != "start":
            found.append(body.name)

    for body in forest:
        visit(body)
    return found


def tree_text(forest: Iterable[Body]) -> str:
    """The bodies as an indented tree under __main__, two spaces a level."""
    lines = ["__main__"]

    def visit(body: Body, depth: int) -> None:
        lines.append("  " * depth + body.name)
        for inner in body.inside:
            visit(inner, depth + 1)

    for body in forest:
        visit(body, 1)
    return "\n".join(lines)


# --- which-file ----------------------------------------------------------------------------

# Appended after the program's last line. It runs only in the __main__ module (the file may
# also be imported by name), asks find_spec for each name, and writes its lines itself (the
# program may have replaced sys.stdout). Written for every interpreter from 3.9.
PROBE = """

if __name__ == "__main__":
    def _importdrill_which_file(names, depth, marker):
        import os
        import sys

        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        root = os.path.dirname(os.path.realpath(__file__))
        for _ in range(depth):
            root = os.path.dirname(root)

        def inside(entry):
            rel = os.path.relpath(os.path.realpath(entry or "."), root)
            return rel != os.pardir and not rel.startswith(os.pardir + os.sep)

        # The probe's own imports must not find the problem's files (a local warnings.py or
        # types.py), so the run folder is off sys.path while they are made; and they must
        # not change the answers, so what they added to sys.modules is taken out again.
        saved = sys.path[:]
        loaded = set(sys.modules)
        sys.path[:] = [entry for entry in saved if not inside(entry)]
        try:
            import importlib.util
            import sysconfig

            places = []
            for label, key in (
                ("<site-packages>", "purelib"),
                ("<site-packages>", "platlib"),
                ("<stdlib>", "stdlib"),
                ("<stdlib>", "platstdlib"),
            ):
                try:
                    places.append((label, os.path.realpath(sysconfig.get_path(key))))
                except Exception:
                    pass
        finally:
            sys.path[:] = saved
            for name in set(sys.modules) - loaded:
                del sys.modules[name]

        def where(path):
            path = os.path.realpath(path)
            for label, folder in [("", root)] + places:
                rel = os.path.relpath(path, folder)
                if rel != os.pardir and not rel.startswith(os.pardir + os.sep):
                    rel = rel.replace(os.sep, "/")
                    return label + "/" + rel if label else rel
            return "<elsewhere>/" + os.path.basename(path)

        lines = [marker]
        for name in names:
            try:
                spec = importlib.util.find_spec(name)
            except ModuleNotFoundError:
                spec = None
            except Exception as exc:
                lines.append("error: " + type(exc).__name__)
                continue
            if spec is None:
                lines.append("not found")
            elif spec.origin in ("built-in", "frozen"):
                lines.append(spec.origin)
            elif spec.origin in (None, "namespace") and spec.submodule_search_locations is not None:
                lines.append("namespace")
            elif spec.origin is None:
                lines.append("no origin")
            elif os.path.isabs(spec.origin):
                lines.append(where(spec.origin))
            else:
                lines.append(str(spec.origin))
        os.write(1, ("\\n".join(lines) + "\\n").encode("utf-8"))

    _importdrill_which_file(NAMES, DEPTH, MARKER)
    del _importdrill_which_file
"""


def probe_code(names: Iterable[str], depth: int, marker: str) -> str:
    return (
        PROBE.replace("NAMES", repr(tuple(names)))
        .replace("DEPTH", str(depth))
        .replace("MARKER", repr(marker))
    )


def with_probe(code: str, problem: Problem, marker: str) -> str:
    """The program's code with the which-file probe after its last line."""
    if not code.endswith("\n"):
        code += "\n"
    return code + probe_code(problem.names, problem.main.count("/"), marker)


def new_marker() -> str:
    return f"importdrill-which-file {uuid.uuid4().hex}"


# --- running -------------------------------------------------------------------------------


def instrumented(problem: Problem, program: runner.Program) -> tuple[runner.Program, str]:
    """The program as a run of problem's kind records its answer, and the probe's marker."""
    if problem.kind is Kind.ORDER:
        options = (*program.options, *IMPORTTIME_OPTIONS)
        return program._replace(options=options), ""
    if problem.kind is Kind.WHICH_FILE:
        marker = new_marker()
        return program._replace(code=with_probe(program.code, problem, marker)), marker
    return program, ""


def answer_of(problem: Problem, result: runner.RunResult, marker: str = "") -> runner.RunResult:
    """The run turned round: its stdout the answer to problem's question, the program's own
    stdout and the import tree kept beside it, importdrill's lines out of its stderr."""
    if problem.kind is Kind.ORDER:
        roots, stderr = parse_importtime(result.stderr)
        forest = bodies(after_startup(roots), module_names(problem))
        answer = "\n".join(order(forest, problem.order_of or "start"))
        return result._replace(
            stdout=answer + "\n" if answer else "",
            stderr=stderr,
            program_stdout=result.stdout,
            tree=tree_text(forest),
        )
    if problem.kind is Kind.WHICH_FILE:
        program, found, answer = result.stdout.partition(marker + "\n")
        if not found:
            if result.finished:
                # It ended before the probe ran (sys.exit, os._exit): there is no answer.
                return result._replace(
                    stdout="",
                    returncode=None,
                    stderr=result.stderr
                    + "importdrill: the program ended before find_spec could be asked "
                    "(a which-file program must run to its last line)\n",
                    program_stdout=result.stdout,
                )
            return result._replace(stdout="", program_stdout=result.stdout)
        return result._replace(stdout=answer, program_stdout=program)
    return result


def run(
    problem: Problem,
    program: runner.Program,
    *,
    python: str,
    limits: runner.Limits,
    meanwhile: Callable[[], object] | None = None,
) -> runner.RunResult:
    """Run program (problem's code or the workspace copy) and answer problem's question."""
    if problem.kind not in (Kind.ORDER, Kind.WHICH_FILE):
        return runner.run(program, python=python, limits=limits, meanwhile=meanwhile)
    shown, marker = instrumented(problem, program)
    result = runner.run(shown, python=python, limits=limits, meanwhile=meanwhile)
    return answer_of(problem, result, marker)


def question_text(problem: Problem) -> str | None:
    """What exactly the learner writes, for the kinds whose answer is not printed output."""
    if problem.kind is Kind.ORDER:
        which = (
            "their bodies start running"
            if problem.order_of != "finish"
            else "their bodies finish running (a body that raises finishes there)"
        )
        return (
            f"Answer: the problem's own modules, one name a line (dotted: pkg.mod), in the "
            f"order {which}. A module whose body runs twice is written twice; __main__ is not "
            "written, nor modules whose body never runs."
        )
    if problem.kind is Kind.WHICH_FILE:
        names = ", ".join(problem.names)
        return (
            f"Answer, once the program has run: for each of {names}, one line, in that order: "
            "what importlib.util.find_spec(NAME) finds, as a path from the run folder "
            "(pkg/mod.py; the standard library's as <stdlib>/json/__init__.py, an installed "
            "package's as <site-packages>/NAME/..., any other place's as <elsewhere>/FILE), or "
            f"{BUILT_IN}, {FROZEN}, {NAMESPACE} or {NOT_FOUND}; if find_spec raises, "
            "error: ExceptionName."
        )
    return None


def answer_noun(problem: Problem) -> str:
    return {Kind.ORDER: "module", Kind.WHICH_FILE: "line"}.get(problem.kind, "line")


# --- the form of an answer -----------------------------------------------------------------

_FIXED = (BUILT_IN, FROZEN, NAMESPACE, NOT_FOUND)
_ERROR = re.compile(r"error: [A-Za-z_][A-Za-z0-9_.]*")
_PLACE = re.compile(r"<(stdlib|site-packages|elsewhere)>/\S.*")
_SPAN = re.compile(r"`([^`\n]+)`")


def _loose(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.lower())


def _path_problem(line: str) -> str | None:
    """Why line is no path from the run folder as the probe writes one (None: it is one)."""
    if "\\" in line:
        return "paths are written with /"
    if line.startswith("/"):
        return "paths are written from the run folder, not from /"
    parts = line.split("/")
    if parts[0] == ".":
        return "paths are written from the run folder without ./ (pkg/mod.py)"
    if any(part in ("", ".", "..") for part in parts):
        return "paths are written from the run folder, with no ./, ../ or //"
    if "." not in parts[-1].strip("."):
        return "a path names a file (pkg/mod.py); a folder is not an answer"
    return None


def _which_file_problem(line: str, extra: frozenset[str]) -> str | None:
    if line in _FIXED or line in extra or _ERROR.fullmatch(line) or _PLACE.fullmatch(line):
        return None
    for word in _FIXED:
        if _loose(line) == _loose(word):
            return f"did you mean {word}?"
    if line.startswith("<"):
        return "the places are written <stdlib>/..., <site-packages>/... or <elsewhere>/FILE"
    if _loose(line).startswith("error"):
        return "an exception is written error: ExceptionName"
    if " " in line and "/" not in line:
        return "it is no path, and none of built-in, frozen, namespace, not found"
    return _path_problem(line)


def _order_problem(line: str, names: frozenset[str]) -> str | None:
    if line in names:
        return None
    if line == "__main__":
        return "__main__ is never written"
    if "/" in line or line.endswith(".py"):
        path = PurePosixPath(line.removeprefix("./"))
        parts = list(path.with_suffix("").parts if path.suffix == ".py" else path.parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        dotted = ".".join(parts)
        if dotted in names:
            return f"write a module's dotted name, not its file: {dotted}"
        return "write a module's dotted name (pkg.mod), not a file"
    return "it is none of this problem's modules"


def answer_form_problems(problem: Problem, answer: str) -> list[str]:
    """Each line of an order or which-file answer that is no possible answer for problem,
    as "line N: `TEXT`: why"; empty when every line has a possible form (or for other kinds).

    Only the forms are checked, never the answer: what is allowed comes from the question
    text, the files shown and the origins the prompt names, so nothing is given away.
    """
    if problem.kind not in (Kind.ORDER, Kind.WHICH_FILE):
        return []
    from importdrill.core import judge

    names = module_names(problem)
    # Origins a problem's own finder sets are named in its prompt, in `code` spans that no
    # module name could be (`drill-bundle`, `<bundle>`): a span like `first` names a folder.
    extra = frozenset(
        span.strip()
        for span in _SPAN.findall(problem.prompt)
        if not all(part.isidentifier() for part in span.strip().split("."))
    )
    found = []
    for number, raw in enumerate(judge.split_lines(answer), 1):
        line = raw.strip()
        if not line:
            continue
        if problem.kind is Kind.ORDER:
            why = _order_problem(line, names)
        else:
            why = _which_file_problem(line, extra)
        if why is not None:
            found.append(f"line {number}: `{line}`: {why}")
    return found


def allowed_forms(problem: Problem) -> str:
    """The forms an answer line may take, from what the learner is already shown."""
    if problem.kind is Kind.ORDER:
        names = module_names(problem)
        main = PurePosixPath(problem.main).with_suffix("")
        own = ".".join(p for p in main.parts if p != "__init__")
        # The longest name of each file: a tail of it counts too (a folder on sys.path).
        full = sorted(n for n in names if not any(o != n and o.endswith("." + n) for o in names))
        shown = ", ".join(n for n in full if n != own) or "(none besides the main file)"
        return (
            "Each line is one of the problem's own modules by its dotted name (a tail of it "
            f"for a folder put on sys.path); the files shown make these: {shown}."
        )
    return (
        "Each line is a path from the run folder (pkg/mod.py, no ./), <stdlib>/..., "
        f"<site-packages>/..., <elsewhere>/FILE, {BUILT_IN}, {FROZEN}, {NAMESPACE}, "
        f"{NOT_FOUND}, error: ExceptionName, or an origin the prompt names."
    )
