"""The `why` screen: each step of `import NAME` in order, the traps found, near misses, and the
problems that drill each step. Lines are never wrapped, so that paths stay whole."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rich.text import Text

from importdrill.core import why
from importdrill.views.console import out, visible

if TYPE_CHECKING:
    from importdrill.app.why import WhyResult

MODE_COMMAND = {
    why.Mode.PLAIN: "python",
    why.Mode.SCRIPT: "python {script}",
    why.Mode.MODULE: "python -m {module}",
}
VERDICT_STYLE = {
    why.Verdict.WINS: "bold green",
    why.Verdict.PORTION: "cyan",
    why.Verdict.PASSED_OVER: "dim",
    why.Verdict.NOTHING: "dim",
    why.Verdict.MISSING: "dim",
    why.Verdict.NOT_REACHED: "dim",
    why.Verdict.FAILED: "red",
}


def _line(*parts: str | tuple[str, str], indent: int = 0) -> None:
    """One line of the screen: parts plain or (text, style), never wrapped; paths and names come
    from the learner's files, so their control characters are shown, not sent."""
    text = Text(" " * indent)
    for part in parts:
        words, style = (part, "") if isinstance(part, str) else part
        text.append(visible(words), style)
    out().print(text, soft_wrap=True)


def _drilled(kind: why.Step | why.TrapKind | why.NearKind, indent: int = 3) -> None:
    slugs = why.DRILLED_IN.get(kind, ())
    if slugs:
        _line(
            ("drilled in ", "dim"), (", ".join(f"`{s}`" for s in slugs), "dim cyan"), indent=indent
        )


def _heading(number: int, title: str) -> int:
    out().print()
    _line((f"{number}. {title}", "bold"))
    return number + 1


def _spec_text(spec: why.Spec) -> str:
    if spec.namespace:
        return f"namespace package over {', '.join(spec.locations or ())}"
    return spec.origin or "(no origin)"


def _where(path: str, cwd: str) -> str:
    """A path as the learner would read it: relative when it is under the current folder."""
    if path and os.path.isabs(path) and path.startswith(os.path.join(cwd, "")):
        return os.path.relpath(path, cwd)
    return path


def show_why(result: WhyResult) -> None:
    """The whole answer, step by step."""
    explanation = result.explanation
    probe = explanation.probe
    name = explanation.name
    command = MODE_COMMAND[probe.mode].format(
        script=explanation.script and os.path.relpath(explanation.script, probe.cwd),
        module=explanation.module,
    )
    _line(("import ", "bold"), (name, "bold cyan"), f"  as `{command}` in {probe.cwd} would")
    _line(f"asked {probe.python.label} (found as {explanation.asked})", indent=2)
    number = _show_start(probe, name)
    for level in probe.levels:
        number = _show_level(level, probe, number)
    if probe.stopped is not None:
        number = _heading(number, f"Stopped at {probe.stopped.parent}")
        _line((probe.stopped.message, "yellow"), indent=3)
        _drilled(why.Step.PARENT)
    elif probe.spec is not None:
        number = _show_spec(probe.spec, number)
    if probe.distributions or probe.named_distributions:
        number = _show_distributions(probe, name, number)
    _show_traps(explanation)
    _show_near(explanation, probe)
    out().print()
    if explanation.found and probe.spec is not None:
        _line(("→ ", "bold green"), (f"import {name}", "bold"), f" gets {_spec_text(probe.spec)}")
    elif failed := _failed_finder(probe):
        _line(
            ("→ ", "bold red"), (f"import {name}", "bold"), f" raises {failed.error} ({failed.cls})"
        )
    elif probe.stopped is None or probe.stopped.reason is not why.StopReason.PARENT_WOULD_RUN:
        _line(("→ ", "bold red"), (f"import {name}", "bold"), " raises ModuleNotFoundError here")
    else:
        _line(("→ ", "bold yellow"), "run again with --yes to let the parent package run")


IMPORTED_WORDS = {
    "namespace": "{name} is a namespace package: importing it runs no code, so it was imported "
    "to search {name}.__path__",
    "stdlib": "{name} is the standard library's: it was imported (its __init__ is no code of "
    "yours) to search {name}.__path__",
    "allowed": "{name} was imported (--yes): its __init__ ran, to search {name}.__path__",
    "locations": "{name}.__path__ is taken from its spec (the __path__ it starts with; its "
    "__init__ did not run, as the probe holds another {name} itself)",
}


def _failed_finder(probe: why.Probe) -> why.FinderAnswer | None:
    """The finder whose exception the import would raise, if one raised."""
    for level in probe.levels:
        if level.failed is not None:
            return level.finders[level.failed]
    return None


def _show_start(probe: why.Probe, name: str) -> int:
    number = _heading(1, "At start-up, before your code runs")
    first = probe.path0
    if probe.safe_path:
        _line(
            "safe_path is set (-P or PYTHONSAFEPATH): no folder is put first on sys.path", indent=3
        )
    elif first is not None:
        if probe.mode is why.Mode.SCRIPT:
            _line(f"sys.path[0] is the script's folder: {first}", indent=3)
        elif first == "":
            _line("sys.path[0] is '': the current folder, whatever it is at each import", indent=3)
        else:
            _line(f"sys.path[0] is the current folder: {first}", indent=3)
    for found in probe.pth:
        did = []
        if found.paths:
            did.append(f"added {', '.join(found.paths)}")
        if found.modules:
            more = f" and {len(found.modules) - 6} more" if len(found.modules) > 6 else ""
            did.append(f"imported {', '.join(found.modules[:6])}{more}")
        if found.finders:
            did.append(f"installed the finder {', '.join(found.finders)}")
        owner = f" (from {found.distribution})" if found.distribution else ""
        _line(f"site read {found.file}{owner}: {'; '.join(did) or 'nothing to do'}", indent=3)
    for found in probe.customize:
        _line(
            f"site ran {found.file}: imported {', '.join(found.modules) or 'nothing new'}", indent=3
        )
    cached = probe.levels[0].cached if probe.levels else None
    if cached is not None:
        by = "the interpreter's own start-up" if cached == "interpreter" else cached
        _line(
            (f"{name.partition('.')[0]} is already in sys.modules (imported by {by}): ", "bold"),
            "import returns it without asking any finder; below is what a search would find",
            indent=3,
        )
    else:
        _line(f"{name.partition('.')[0]} is not in sys.modules: import asks the finders", indent=3)
    _drilled(why.Step.START)
    return number


def _show_level(level: why.Level, probe: why.Probe, number: int) -> int:
    where = "sys.path" if level.on_path else f"{level.name.rpartition('.')[0]}.__path__"
    number = _heading(number, f"Finding {level.name}: each finder on sys.meta_path, in turn")
    if not level.on_path and level.cached == "parent":
        _line(f"{level.name} was imported by its parent's __init__ already", indent=3)
    for finder in level.finders:
        installer = (
            "" if finder.installed_by == "interpreter" else f" (installed by {finder.installed_by})"
        )
        label = f"[{finder.number}] {finder.short if finder.standard else finder.cls}{installer}"
        if not finder.asked:
            why_not = "has no find_spec (a legacy finder)" if finder.legacy else "not asked"
            _line(label, (f"  {why_not}", "dim"), indent=3)
        elif finder.error:
            _line(label, (f"  raised {finder.error}", "red"), indent=3)
        elif finder.answer is None:
            _line(label, ("  None: not mine", "dim"), indent=3)
        else:
            _line(label, ("  → ", "green"), (_spec_text(finder.answer), "green"), indent=3)
    _drilled(why.Step.META_PATH)
    winner = level.winning_finder
    if winner is not None and winner.short in ("BuiltinImporter", "FrozenImporter"):
        _drilled(why.Step.BUILTIN_FROZEN)
    path_asked = any(f.short == "PathFinder" and f.asked for f in level.finders)
    title = f"PathFinder searches {where}, first entry first"
    if not path_asked:
        title += " (not asked: an earlier finder answered; what it would find)"
    number = _heading(number, title)
    for entry in level.entries:
        origin = why.ORIGIN_WORDS[entry.origin]
        if entry.detail:
            origin += f" {os.path.basename(entry.detail)}"
        shown = entry.entry or "''"
        _line(
            f"[{entry.number}] ",
            (shown, "bold" if entry.verdict is why.Verdict.WINS else ""),
            (f"  ({origin})", "dim"),
            indent=3,
        )
        for held in entry.holds:
            _line(f"holds {why.HOLDS_WORDS[held.kind]}: {_where(held.path, probe.cwd)}", indent=7)
        _line((entry.reason, VERDICT_STYLE[entry.verdict]), indent=7)
    _drilled(why.Step.SYS_PATH if level.on_path else why.Step.PARENT)
    _drilled(why.Step.CHOICE)
    if any(e.verdict in (why.Verdict.PORTION, why.Verdict.PASSED_OVER) for e in level.entries):
        _drilled(why.Step.NAMESPACE)
    if any(
        h.kind in (why.Holds.BYTECODE, why.Holds.ORPHAN_CACHE)
        for e in level.entries
        for h in e.holds
    ):
        _drilled(why.Step.BYTECODE)
    if level.imported in IMPORTED_WORDS:
        _line((IMPORTED_WORDS[level.imported].format(name=level.name), "cyan"), indent=3)
        _drilled(why.Step.PARENT)
    return number


def _show_spec(spec: why.Spec, number: int) -> int:
    number = _heading(number, "The spec import loads from")
    _line(f"name   {spec.name}", indent=3)
    _line(f"origin {spec.origin}", indent=3)
    _line(f"loader {spec.loader or 'None (a namespace package)'}", indent=3)
    locations = "None (a module)" if spec.locations is None else ", ".join(spec.locations)
    _line(f"submodule_search_locations {locations}", indent=3)
    if spec.cached:
        _line(f"cached {spec.cached}", indent=3)
    _drilled(why.Step.SPEC)
    return number


def _show_distributions(probe: why.Probe, name: str, number: int) -> int:
    number = _heading(number, "The distribution behind it")
    top = name.partition(".")[0]
    for dist in probe.distributions:
        owns = "owns this file" if dist.owns_file else "provides the name (not this file)"
        naming = (
            f"; its name is not the import name ({dist.name} against {top})"
            if dist.name.lower().replace("-", "_") != top.lower()
            else ""
        )
        editable = f"; an editable install of {dist.editable}" if dist.editable else ""
        where = ""
        if dist.location and dist.location == os.path.realpath(probe.cwd):
            where = " (its metadata found in the current folder)"
        elif dist.location and not any(
            dist.location == os.path.realpath(e.entry) for e in probe.sys_path if e.entry
        ):
            where = f" (its metadata found in {dist.location})"
        _line(f"{dist.name} {dist.version or ''}{where} {owns}{naming}{editable}", indent=3)
    for dist in probe.named_distributions:
        names = ", ".join(dist.import_names) or "nothing importable"
        _line(f"{dist.name} {dist.version or ''} is installed, and provides {names}", indent=3)
    _drilled(why.Step.DISTRIBUTION)
    return number


def _show_traps(explanation: why.Explanation) -> None:
    if not explanation.traps:
        return
    out().print()
    _line(("Watch out", "bold yellow"))
    for trap in explanation.traps:
        _line(("⚠ ", "yellow"), trap.message, indent=1)
        _drilled(trap.kind)


def _show_near(explanation: why.Explanation, probe: why.Probe) -> None:
    if explanation.found:
        return
    out().print()
    if probe.stopped is None:
        _line(
            (f"{explanation.name} was not found", "bold red"),
            ": every entry above was searched, in order",
        )
    if explanation.near:
        _line(("Close by", "bold"))
        for near in explanation.near:
            _line("• ", near.message, indent=1)
            _drilled(near.kind)
