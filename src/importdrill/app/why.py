"""The `why` use case: ask the learner's interpreter, in the learner's folder, how it would answer
`import NAME`, and return the explanation with its versioned JSON form. Nothing here prints.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from importdrill.app import versioned
from importdrill.core import why
from importdrill.core.errors import InterpreterError, UsageError

if TYPE_CHECKING:
    from importdrill.core import runner

# The probe, beside the model in the core (core/whyprobe.py).
PROBE_FILE = "whyprobe.py"


def probe_source() -> str:
    """The probe's source, read, never imported: importing it would edit importdrill's sys.path."""
    return Path(why.__file__).with_name(PROBE_FILE).read_text(encoding="utf-8")


def default_python() -> str:
    """The interpreter the learner would run: `python3` on PATH, else `python`."""
    for command in ("python3", "python"):
        if shutil.which(command):
            return command
    raise InterpreterError(
        "python3", "neither python3 nor python is on PATH: name one with --python"
    )


class WhyResult(NamedTuple):
    """What `why` found, and the command line that would reproduce its sys.path."""

    explanation: why.Explanation

    @property
    def found(self) -> bool:
        return self.explanation.found

    def to_json(self) -> dict[str, object]:
        return to_json(self.explanation)


def _run(
    python: str, argv: list[str], cwd: Path, limits: runner.Limits | None
) -> dict[str, object]:
    from importdrill.core import runner

    limits = limits or runner.Limits()
    result = runner.probe(python, argv, cwd=cwd, limits=limits)
    if result.returncode is None and not result.timed_out and not result.output_limit:
        raise InterpreterError(python, result.stderr or "it could not be started")
    if result.timed_out:
        raise why.WhyProbeError(
            python,
            f"the probe did not finish within {limits.timeout_s:g} s (a finder, or a package "
            "run with --yes, kept it busy)",
            result.stderr,
        )
    if result.output_limit or result.memory_limit:
        raise why.WhyProbeError(python, "the probe went past its limits", result.stderr)
    document = why.last_document(result.stdout)
    if document is None:
        # The first line says what went wrong (`pyenv: python3.13: command not found`).
        said = result.stderr.strip().splitlines()[:1] or [f"exit status {result.returncode}"]
        raise InterpreterError(
            python, f"it did not answer like Python 3.9 or later ({said[0][:200]})"
        )
    return document


def explain_import(
    name: str,
    *,
    python: str | None = None,
    script: str | None = None,
    module: str | None = None,
    allow: bool = False,
    limits: runner.Limits | None = None,
    cwd: Path | None = None,
) -> WhyResult:
    """How `import name` would go in the current folder, with the learner's interpreter and
    environment, as `python` (default), `python SCRIPT` or `python -m MODULE` would start.

    allow: a dotted name's parent packages may be imported (their __init__ runs) so that the
    submodule can be searched on their __path__; without it the search stops there.
    """
    why.check_name(name)
    if script is not None and module is not None:
        raise UsageError("--script and -m both set sys.path[0]: give one of them")
    try:
        folder = cwd or Path.cwd()
    except OSError as exc:
        raise UsageError(f"the current folder cannot be used ({exc.strerror or exc})") from None
    mode = why.Mode.PLAIN
    script_path = ""
    if module is not None:
        why.check_name(module, "-m MODULE")
        mode = why.Mode.MODULE
    if script is not None:
        target = folder / script
        if not target.is_file():
            raise UsageError(f"--script {script}: no such file in {folder}")
        mode = why.Mode.SCRIPT
        script_path = str(target)
    command = python or default_python()
    source = probe_source()
    argv = ["-S", "-c", source, name, mode.value, script_path, "1" if allow else "0", "0"]
    probe = why.parse(_run(command, argv, folder, limits), command)
    elsewhere = _elsewhere(probe, name, mode, script_path, source, folder, limits)
    explanation = why.explain(
        probe,
        name=name,
        asked=command,
        script=script_path or None,
        module=module,
        elsewhere=elsewhere,
    )
    return WhyResult(explanation)


def _elsewhere(  # noqa: PLR0917 - the probe's own arguments, passed on
    probe: why.Probe,
    name: str,
    mode: why.Mode,
    script: str,
    source: str,
    folder: Path,
    limits: runner.Limits | None,
) -> tuple[why.Elsewhere, ...]:
    """The name as other interpreters find it: pip's, when `pip` on PATH runs another Python,
    and (for a name not found) importdrill's own, often a venv that is not active."""
    import sys

    candidates = []
    pip = why.pip_interpreter(os.environ.get("PATH"))
    if pip is not None and not why.same_interpreter(pip[1], probe.python.executable):
        candidates.append((f"pip on PATH ({pip[0]}, #!{pip[1]})", pip[1]))
    missing = probe.spec is None or probe.stopped is not None
    known = [probe.python.executable, *(c[1] for c in candidates)]
    if missing and not any(why.same_interpreter(sys.executable, k) for k in known):
        candidates.append(("importdrill's own interpreter", sys.executable))
    top = name.partition(".")[0]
    argv = ["-S", "-c", source, top, mode.value, script, "0", "1"]
    found = []
    for label, command in candidates:
        try:
            document = _run(command, argv, folder, limits)
            brief = document.get("brief")
            if not isinstance(brief, dict):
                continue
            python = why.parse_python(document)
        except (InterpreterError, why.WhyProbeError, KeyError, TypeError, ValueError):
            continue  # a broken interpreter elsewhere says nothing about the one asked
        if not why.same_interpreter(python.executable, probe.python.executable):
            found.append(why.Elsewhere(label, python, why.spec_from(brief.get("spec"))))
    return tuple(found)


# --- the JSON document ----------------------------------------------------------------------


def _slugs(kind: why.Step) -> list[str]:
    return list(why.DRILLED_IN.get(kind, ()))


def _spec(spec: why.Spec | None) -> dict[str, object] | None:
    return None if spec is None else spec.to_json()


def to_json(explanation: why.Explanation) -> dict[str, object]:
    """The `why --json` document (docs/json.md lists its keys)."""
    probe = explanation.probe
    return versioned(
        {
            "name": explanation.name,
            "found": explanation.found,
            "python": {
                "asked": explanation.asked,
                "executable": probe.python.executable,
                "version": ".".join(map(str, probe.python.version)),
            },
            "mode": probe.mode.value,
            "cwd": probe.cwd,
            "first_entry": probe.path0,
            "sys_path": [
                {"entry": e.entry, "origin": e.origin.value, "detail": e.detail, "exists": e.exists}
                for e in probe.sys_path
            ],
            "startup": {
                "modules": probe.start_modules,
                "pth": [_start_file(f) for f in probe.pth],
                "customize": [_start_file(f) for f in probe.customize],
            },
            "levels": [_level(level) for level in probe.levels],
            "stopped": None
            if probe.stopped is None
            else {
                "reason": probe.stopped.reason.value,
                "parent": probe.stopped.parent,
                "origin": probe.stopped.origin,
                "error": probe.stopped.error,
                "message": probe.stopped.message,
            },
            "spec": _spec(probe.spec if explanation.found else None),
            "distributions": [
                {
                    "name": d.name,
                    "version": d.version,
                    "import_names": list(d.import_names),
                    "owns_file": d.owns_file,
                    "editable": d.editable,
                    "location": d.location,
                }
                for d in probe.distributions
            ],
            "traps": [
                {
                    "kind": t.kind.value,
                    "message": t.message,
                    "paths": list(t.paths),
                    "drilled_in": list(t.drilled_in),
                }
                for t in explanation.traps
            ],
            "near_misses": [
                {"kind": n.kind.value, "message": n.message, "drilled_in": list(n.drilled_in)}
                for n in explanation.near
            ],
            "drilled_in": {step.value: _slugs(step) for step in explanation.steps},
        }
    )


def _start_file(found: why.StartFile) -> dict[str, object]:
    return {
        "file": found.file,
        "paths": list(found.paths),
        "modules": list(found.modules),
        "finders": list(found.finders),
        "distribution": found.distribution,
    }


def _level(level: why.Level) -> dict[str, object]:
    return {
        "name": level.name,
        "searched": "sys.path" if level.on_path else "__path__",
        "in_sys_modules": level.cached,
        "finders": [
            {
                "index": f.number,
                "class": f.cls,
                "installed_by": f.installed_by,
                "asked": f.asked,
                "answer": _spec(f.answer),
                "error": f.error,
            }
            for f in level.finders
        ],
        "winner": level.winner,
        "entries": [
            {
                "index": e.number,
                "entry": e.entry,
                "origin": e.origin.value,
                "detail": e.detail,
                "finder": e.finder,
                "holds": [{"kind": h.kind.value, "path": h.path} for h in e.holds],
                "answer": _spec(e.answer),
                "verdict": e.verdict.value,
                "reason": e.reason,
            }
            for e in level.entries
        ],
        "path_winner": level.path_winner,
        "spec": _spec(level.spec),
        "imported": level.imported,
    }
