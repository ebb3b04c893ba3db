"""`importdrill why NAME`, the model: the chain of steps one `import NAME` takes in the learner's
interpreter (read from the probe's JSON), the traps found on it, near misses for a name not
found, and the problems that drill each step. Nothing here runs a process or prints.
"""

from __future__ import annotations

import enum
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any, NamedTuple

from importdrill.core.errors import DrillError, UsageError


class WhyNameError(UsageError):
    """The name given to `why` is not an absolute dotted module name."""

    kind = "why-name"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name!r} is not a module name to import: {reason}")
        self.name = name
        self.reason = reason


class WhyProbeError(DrillError):
    """The interpreter asked did not answer the probe (it is not Python 3.9 or later, it timed
    out, or it failed on the way); `reason` says which, `stderr` holds the end of its errors."""

    kind = "why-probe"

    def __init__(self, python: str, reason: str, stderr: str = "") -> None:
        tail = stderr.strip().splitlines()[-1:] if stderr.strip() else []
        detail = f" ({tail[0]})" if tail else ""
        super().__init__(f"{python}: {reason}{detail}")
        self.python = python
        self.reason = reason
        self.stderr = stderr[-2000:]


_DOTTED = re.compile(r"[^\W\d]\w*(\.[^\W\d]\w*)*")


def check_name(name: str, what: str = "NAME") -> str:
    """name if it is an absolute dotted module name, else WhyNameError saying why not."""
    if name.startswith("."):
        raise WhyNameError(name, f"{what} must be absolute (a relative import needs a package)")
    if (
        not name
        or not _DOTTED.fullmatch(name)
        or not all(p.isidentifier() for p in name.split("."))
    ):
        raise WhyNameError(name, f"{what} must be identifiers joined by dots, like json or pkg.sub")
    import keyword

    reserved = [p for p in name.split(".") if keyword.iskeyword(p)]
    if reserved:
        raise WhyNameError(
            name,
            f"{reserved[0]!r} is a keyword, so `import {name}` is a syntax error "
            "(importlib.import_module can still load it)",
        )
    return name


# --- the kinds of things the chain is made of ----------------------------------------------


class Mode(enum.Enum):
    """How the learner would start Python, which sets sys.path[0]."""

    PLAIN = "plain"  # `python` (or -c): the current folder, as ''
    SCRIPT = "script"  # `python FILE`: the script's folder
    MODULE = "module"  # `python -m MODULE`: the current folder, absolute


class Origin(enum.Enum):
    """Where a sys.path entry came from."""

    SCRIPT = "script"
    CWD = "cwd"
    PYTHONPATH = "pythonpath"
    PTH = "pth"
    CUSTOMIZE = "customize"
    STDLIB = "stdlib"
    SITE_PACKAGES = "site-packages"
    USER_SITE = "user-site"
    PACKAGE = "package"  # an entry of a parent package's __path__
    OTHER = "other"


ORIGIN_WORDS = {
    Origin.SCRIPT: "the script's folder",
    Origin.CWD: "the current folder",
    Origin.PYTHONPATH: "PYTHONPATH",
    Origin.PTH: "a .pth file",
    Origin.CUSTOMIZE: "sitecustomize",
    Origin.STDLIB: "the standard library",
    Origin.SITE_PACKAGES: "site-packages",
    Origin.USER_SITE: "the user site",
    Origin.PACKAGE: "the parent package's __path__",
    Origin.OTHER: "set at start-up",
}
LOCAL_ORIGINS = (Origin.SCRIPT, Origin.CWD)
INSTALLED_ORIGINS = (Origin.STDLIB, Origin.SITE_PACKAGES, Origin.USER_SITE, Origin.PTH)


class Holds(enum.Enum):
    """What a folder on the path holds under a name, in FileFinder's order of preference."""

    PACKAGE = "package"  # NAME/__init__.py (or .pyc, or an extension)
    EXTENSION = "extension"  # NAME.cpython-312-x86_64-linux-gnu.so and the like
    MODULE = "module"  # NAME.py
    BYTECODE = "bytecode"  # NAME.pyc, no source beside it
    NAMESPACE = "namespace"  # NAME/ without __init__: a namespace portion
    ORPHAN_CACHE = "orphan-cache"  # __pycache__/NAME.cpython-312.pyc whose source is gone


HOLDS_WORDS = {
    Holds.PACKAGE: "a regular package",
    Holds.EXTENSION: "an extension module",
    Holds.MODULE: "a module",
    Holds.BYTECODE: "bytecode without source",
    Holds.NAMESPACE: "a folder without __init__.py (a namespace portion)",
    Holds.ORPHAN_CACHE: "a cached .pyc whose source is gone (never imported)",
}
IMPORTABLE = (Holds.PACKAGE, Holds.EXTENSION, Holds.MODULE, Holds.BYTECODE)


class Verdict(enum.Enum):
    """What one path entry did for the name."""

    WINS = "wins"
    PORTION = "portion"  # a namespace portion that became part of the result
    PASSED_OVER = "passed-over"  # a namespace portion, dropped because a module was found
    NOTHING = "nothing"
    MISSING = "missing"  # the entry does not exist
    NOT_REACHED = "not-reached"  # after the winner: never searched
    FAILED = "failed"  # its finder raised


class Step(enum.Enum):
    """The steps of answering `import NAME`, each drilled by some built-in problems."""

    START = "start"
    SYS_MODULES = "sys-modules"
    META_PATH = "meta-path"
    BUILTIN_FROZEN = "builtin-frozen"
    SYS_PATH = "sys-path"
    PATH_ENTRY_FINDER = "path-entry-finder"
    CHOICE = "choice"
    NAMESPACE = "namespace"
    BYTECODE = "bytecode"
    SPEC = "spec"
    PARENT = "parent"
    DISTRIBUTION = "distribution"


class TrapKind(enum.Enum):
    SHADOWS = "shadows"
    IGNORED_LOCAL = "ignored-local"
    ACCIDENTAL_NAMESPACE = "accidental-namespace"
    TWO_NAMES = "two-names"
    OTHER_INTERPRETER = "other-interpreter"
    BYTECODE_ONLY = "bytecode-only"
    LOCAL_COPY_UNUSED = "local-copy-unused"


class NearKind(enum.Enum):
    CLOSE_NAME = "close-name"
    NOT_ON_PATH = "not-on-path"
    ORPHAN_CACHE = "orphan-cache"
    DISTRIBUTION_NAME = "distribution-name"
    ELSEWHERE = "elsewhere"


class StopReason(enum.Enum):
    """Why the search of a dotted name stopped at a parent."""

    PARENT_WOULD_RUN = "parent-would-run"
    PARENT_MISSING = "parent-missing"
    PARENT_NOT_PACKAGE = "parent-not-package"
    PARENT_FAILED = "parent-failed"


# The built-in problems that drill each step, trap and near miss (a test checks that every
# slug named here is a problem in problems/).
DRILLED_IN: dict[enum.Enum, tuple[str, ...]] = {
    Step.START: ("sitecustomize-startup", "pth-files-addsitedir", "pth-processor"),
    Step.SYS_MODULES: ("sys-modules-cache", "which-file-cache-before-path"),
    Step.META_PATH: ("which-finder", "meta-path-logger", "finder-veto"),
    Step.BUILTIN_FROZEN: ("builtin-modules", "frozen-stdlib-modules"),
    Step.SYS_PATH: ("sys-path-first-entry", "package-beside-script"),
    Step.PATH_ENTRY_FINDER: ("path-entry-finder-vs-meta-path", "zipimport-basics"),
    Step.CHOICE: ("package-beats-module", "which-file-package-module-folder"),
    Step.NAMESPACE: ("namespace-package-two-portions", "regular-package-beats-namespace"),
    Step.BYTECODE: ("sourceless-pyc", "pycache-location"),
    Step.SPEC: ("spec-package-vs-module", "spec-lookup-side-effects"),
    Step.PARENT: ("which-file-package-path", "package-init-runs-once", "order-package-body-first"),
    Step.DISTRIBUTION: ("metadata-mappings", "dist-info-version"),
    TrapKind.SHADOWS: (
        "local-json-shadows-stdlib",
        "which-file-script-folder-shadows",
        "shadowed-stdlib-hint",
    ),
    TrapKind.IGNORED_LOCAL: ("what-a-local-file-can-shadow", "which-file-frozen-by-version"),
    TrapKind.ACCIDENTAL_NAMESPACE: (
        "regular-package-beats-namespace",
        "which-file-package-module-folder",
    ),
    TrapKind.TWO_NAMES: ("main-imported-twice", "relative-import-run-by-path"),
    TrapKind.OTHER_INTERPRETER: ("dist-info-version",),
    TrapKind.BYTECODE_ONLY: ("sourceless-pyc",),
    TrapKind.LOCAL_COPY_UNUSED: ("test-runs-from-shell", "package-beside-script"),
    NearKind.CLOSE_NAME: ("import-error-suggestions",),
    NearKind.NOT_ON_PATH: ("test-runs-from-shell", "absolute-import-in-package"),
    NearKind.ORPHAN_CACHE: ("pycache-location", "sourceless-pyc"),
    NearKind.DISTRIBUTION_NAME: ("dist-info-version", "metadata-mappings"),
    NearKind.ELSEWHERE: ("dist-info-version",),
}


# --- the chain ---------------------------------------------------------------------------


class Spec(NamedTuple):
    """A ModuleSpec as the probe saw it."""

    name: str
    origin: str | None
    loader: str | None
    locations: tuple[str, ...] | None
    cached: str | None
    namespace: bool

    @property
    def loader_name(self) -> str:
        return (self.loader or "").rpartition(".")[2]

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "origin": self.origin,
            "loader": self.loader,
            "submodule_search_locations": None if self.locations is None else list(self.locations),
            "cached": self.cached,
            "namespace": self.namespace,
        }


class Held(NamedTuple):
    kind: Holds
    path: str


class FinderAnswer(NamedTuple):
    """One finder on sys.meta_path, asked (or not) for the name."""

    number: int  # its index on sys.meta_path
    cls: str
    repr: str
    installed_by: str  # "interpreter", "site", or the .pth / customize file that installed it
    asked: bool
    legacy: bool
    answer: Spec | None
    error: str | None

    @property
    def standard(self) -> bool:
        return self.cls.rpartition(".")[2] in ("BuiltinImporter", "FrozenImporter", "PathFinder")

    @property
    def short(self) -> str:
        return self.cls.rpartition(".")[2]


class EntrySearch(NamedTuple):
    """One entry of the path searched, what it holds under the name, and what came of it."""

    number: int  # its index on the path searched
    entry: str
    origin: Origin
    detail: str | None  # the .pth file that added it
    exists: str  # dir, file or missing
    finder: str | None
    holds: tuple[Held, ...]
    answer: Spec | None
    error: str | None
    verdict: Verdict
    reason: str


class Level(NamedTuple):
    """The search for one name of the chain (pkg, then pkg.sub)."""

    name: str
    on_path: bool  # searched on sys.path (a top-level name), not a parent's __path__
    cached: str | None  # in sys.modules before the search: who imported it
    finders: tuple[FinderAnswer, ...]
    winner: int | None  # the index of the finder that answered
    failed: int | None
    entries: tuple[EntrySearch, ...]
    path_winner: int | None  # the entry that won for PathFinder, asked or not
    path_answer: Spec | None
    spec: Spec | None  # what `import` would use: the cached module's, else the winner's
    # How it was imported so that the next name could be searched on its __path__:
    # "namespace" (runs nothing), "stdlib" (no code of the learner's), "allowed" (--yes).
    imported: str | None = None

    @property
    def winning_finder(self) -> FinderAnswer | None:
        return None if self.winner is None else self.finders[self.winner]


class StartFile(NamedTuple):
    """A .pth file or a customize module that start-up ran, and what it did."""

    file: str
    paths: tuple[str, ...]
    modules: tuple[str, ...]
    finders: tuple[str, ...]
    hooks: tuple[str, ...]
    distribution: str | None


class PathEntry(NamedTuple):
    entry: str
    origin: Origin
    detail: str | None
    exists: str


class Distribution(NamedTuple):
    name: str
    version: str | None
    import_names: tuple[str, ...]
    editable: str | None
    owns_file: bool
    location: str | None = None  # the folder its metadata is in


class Stop(NamedTuple):
    reason: StopReason
    parent: str
    origin: str | None
    error: str | None

    @property
    def message(self) -> str:
        if self.reason is StopReason.PARENT_WOULD_RUN:
            return (
                f"finding a submodule searches {self.parent}.__path__, which exists only once "
                f"{self.parent} is imported: that runs {self.origin or self.parent}. Not done "
                "without --yes (it may do anything a program does)"
            )
        if self.reason is StopReason.PARENT_MISSING:
            return f"{self.parent} is not found, so nothing under it can be"
        if self.reason is StopReason.PARENT_NOT_PACKAGE:
            return (
                f"{self.parent} is a module, not a package (it has no __path__): nothing can be "
                "imported under it"
            )
        return f"importing {self.parent} failed: {self.error}"


class Python(NamedTuple):
    executable: str
    version: tuple[int, int, int]

    @property
    def label(self) -> str:
        return f"Python {'.'.join(map(str, self.version))} ({self.executable})"


class Elsewhere(NamedTuple):
    """The top-level name as another interpreter finds it (pip's, when it differs)."""

    command: str  # how it was found: "pip on PATH (#!/path/python)"
    python: Python
    spec: Spec | None


class Trap(NamedTuple):
    kind: TrapKind
    message: str
    paths: tuple[str, ...] = ()

    @property
    def drilled_in(self) -> tuple[str, ...]:
        return DRILLED_IN.get(self.kind, ())


class NearMiss(NamedTuple):
    kind: NearKind
    message: str

    @property
    def drilled_in(self) -> tuple[str, ...]:
        return DRILLED_IN.get(self.kind, ())


class Probe(NamedTuple):
    """The probe's answer, parsed: what the learner's interpreter said."""

    python: Python
    cwd: str
    mode: Mode
    path0: str | None
    safe_path: bool
    user_site: str | None
    sys_path: tuple[PathEntry, ...]
    pth: tuple[StartFile, ...]
    customize: tuple[StartFile, ...]
    start_modules: dict[str, str]
    levels: tuple[Level, ...]
    stopped: Stop | None
    spec: Spec | None
    distributions: tuple[Distribution, ...]
    named_distributions: tuple[Distribution, ...]
    stdlib_name: bool
    near: dict[str, Any] | None
    stdlib_close: tuple[str, ...]
    nested: tuple[dict[str, Any], ...] = ()  # NAME one folder down, for a name found


class Explanation(NamedTuple):
    """Everything `why` tells: the chain, the traps on it, near misses for a name not found."""

    name: str
    asked: str  # the interpreter command asked
    script: str | None
    module: str | None
    probe: Probe
    traps: tuple[Trap, ...]
    near: tuple[NearMiss, ...]
    elsewhere: tuple[Elsewhere, ...]

    @property
    def found(self) -> bool:
        return self.probe.spec is not None and self.probe.stopped is None

    @property
    def steps(self) -> tuple[Step, ...]:
        """The steps this answer went through, in order (for the drilled-in pointers)."""
        probe = self.probe
        steps = [Step.START, Step.SYS_MODULES, Step.META_PATH]
        finders = {f.short for level in probe.levels for f in level.finders if f.answer}
        if finders & {"BuiltinImporter", "FrozenImporter"}:
            steps.append(Step.BUILTIN_FROZEN)
        steps += [Step.SYS_PATH, Step.PATH_ENTRY_FINDER, Step.CHOICE]
        if any(
            e.verdict in (Verdict.PORTION, Verdict.PASSED_OVER)
            for lv in probe.levels
            for e in lv.entries
        ):
            steps.append(Step.NAMESPACE)
        if any(
            h.kind in (Holds.BYTECODE, Holds.ORPHAN_CACHE)
            for lv in probe.levels
            for e in lv.entries
            for h in e.holds
        ):
            steps.append(Step.BYTECODE)
        if len(probe.levels) > 1 or probe.stopped is not None:
            steps.append(Step.PARENT)
        steps.append(Step.SPEC)
        if probe.distributions or probe.named_distributions:
            steps.append(Step.DISTRIBUTION)
        return tuple(steps)


# --- parsing the probe's document --------------------------------------------------------------


def spec_from(data: Any) -> Spec | None:
    if not isinstance(data, dict):
        return None
    locations = data.get("locations")
    return Spec(
        name=str(data.get("name") or ""),
        origin=data.get("origin"),
        loader=data.get("loader"),
        locations=None if locations is None else tuple(str(p) for p in locations),
        cached=data.get("cached"),
        namespace=bool(data.get("namespace")),
    )


def _origin(text: str) -> Origin:
    try:
        return Origin(text)
    except ValueError:
        return Origin.OTHER


def _start_file(data: dict[str, Any], owners: dict[str, str]) -> StartFile:
    return StartFile(
        file=str(data["file"]),
        paths=tuple(data.get("paths", ())),
        modules=tuple(data.get("modules", ())),
        finders=tuple(str(f) for f in data.get("finders", ())),
        hooks=tuple(data.get("hooks", ())),
        distribution=owners.get(str(data["file"])),
    )


def last_document(stdout: str) -> dict[str, Any] | None:
    """The probe's document: the last line of its stdout that is a JSON object."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:
                return None
            return data if isinstance(data, dict) and "probe" in data else None
    return None


def parse_python(data: dict[str, Any]) -> Python:
    python = data["python"]
    major, minor, micro = (int(v) for v in python["version"][:3])
    return Python(str(python["executable"]), (major, minor, micro))


def parse(data: dict[str, Any], python: str) -> Probe:
    """The probe's document as a Probe; WhyProbeError if it is not one."""
    if "failure" in data:
        raise WhyProbeError(
            python, f"the probe failed: {data['failure']}", data.get("traceback", "")
        )
    try:
        return _parse(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise WhyProbeError(python, f"the probe's answer could not be read ({exc!r})") from None


def _parse(data: dict[str, Any]) -> Probe:
    dists = data.get("distributions") or {}
    owners = {str(k): str(v) for k, v in (dists.get("owners") or {}).items()}
    spec = spec_from(data.get("spec"))
    sys_path = tuple(
        PathEntry(str(e["entry"]), _origin(e["origin"]), e.get("detail"), str(e["exists"]))
        for e in data["sys_path"]
    )
    levels = tuple(_level(level, sys_path) for level in data["levels"])
    stopped = data.get("stopped")

    def dist(row: dict[str, Any], owns: bool) -> Distribution:
        return Distribution(
            name=str(row["name"]),
            version=row.get("version"),
            import_names=tuple(row.get("import_names", ())),
            editable=row.get("editable"),
            owns_file=owns,
            location=row.get("location"),
        )

    origin = spec.origin if spec else None
    return Probe(
        python=parse_python(data),
        cwd=str(data["cwd"]),
        mode=Mode(data["mode"]),
        path0=data.get("path0"),
        safe_path=bool(data.get("safe_path")),
        user_site=data.get("user_site"),
        sys_path=sys_path,
        pth=tuple(_start_file(p, owners) for p in data.get("pth", ())),
        customize=tuple(_start_file(p, owners) for p in data.get("customize", ())),
        start_modules={str(k): str(v) for k, v in (data.get("start_modules") or {}).items()},
        levels=levels,
        stopped=None
        if not stopped
        else Stop(
            reason=StopReason(stopped["reason"]),
            parent=str(stopped["parent"]),
            origin=stopped.get("origin"),
            error=stopped.get("error"),
        ),
        spec=spec,
        distributions=tuple(
            dist(row, origin is not None and owners.get(origin) == row["name"])
            for row in dists.get("providers", ())
        ),
        named_distributions=tuple(dist(row, False) for row in dists.get("named", ())),
        stdlib_name=bool(data.get("stdlib_name")),
        near=data.get("near"),
        stdlib_close=tuple(data.get("stdlib_close") or ()),
        nested=tuple(data.get("nested") or ()),
    )


def _level(data: dict[str, Any], sys_path: tuple[PathEntry, ...]) -> Level:
    finders = tuple(
        FinderAnswer(
            number=int(f["index"]),
            cls=str(f["class"]),
            repr=str(f["repr"]),
            installed_by=str(f["installed_by"]),
            asked=bool(f["asked"]),
            legacy=bool(f["legacy"]),
            answer=spec_from(f.get("answer")),
            error=f.get("error"),
        )
        for f in data["finders"]
    )
    on_path = data.get("search_path") is None
    raw = data["entries"]
    answers = [spec_from(e.get("answer")) for e in raw]
    path_winner = next(
        (i for i, a in enumerate(answers) if a is not None and not a.namespace), None
    )
    portions = [i for i, a in enumerate(answers) if a is not None and a.namespace]
    winner = data.get("winner")
    name = str(data["name"])
    last = name.rpartition(".")[2]
    entries = []
    for i, e in enumerate(raw):
        holds = tuple(Held(Holds(h["kind"]), str(h["path"])) for h in e.get("holds", ()))
        if on_path and i < len(sys_path):
            origin, detail, exists = sys_path[i].origin, sys_path[i].detail, sys_path[i].exists
        else:
            origin, detail = Origin.PACKAGE, None
            exists = "dir" if os.path.isdir(str(e["entry"])) else "missing"
        verdict, reason = _verdict(
            i, answers[i], e.get("error"), holds, exists, path_winner, portions, last
        )
        entries.append(
            EntrySearch(
                number=i,
                entry=str(e["entry"]),
                origin=origin,
                detail=detail,
                exists=exists,
                finder=e.get("finder"),
                holds=holds,
                answer=answers[i],
                error=e.get("error"),
                verdict=verdict,
                reason=reason,
            )
        )
    cached = data.get("cached")
    spec = spec_from(data.get("cached_spec")) if cached else None
    if spec is None and winner is not None:
        spec = finders[int(winner)].answer
    return Level(
        name=name,
        on_path=on_path,
        cached=cached,
        finders=finders,
        winner=None if winner is None else int(winner),
        failed=data.get("failed"),
        entries=tuple(entries),
        path_winner=path_winner,
        path_answer=spec_from(data.get("path_answer")),
        spec=spec,
        imported=data.get("imported"),
    )


def _verdict(  # noqa: PLR0917 - one entry's facts, each needed
    index: int,
    answer: Spec | None,
    error: str | None,
    holds: tuple[Held, ...],
    exists: str,
    path_winner: int | None,
    portions: list[int],
    last: str,
) -> tuple[Verdict, str]:
    """What one entry did, and why, in FileFinder's terms."""
    importable = [h for h in holds if h.kind in IMPORTABLE]
    if error:
        return Verdict.FAILED, f"its finder raised {error}"
    if path_winner is not None and index > path_winner:
        return Verdict.NOT_REACHED, "not searched: an earlier entry answered"
    if exists == "missing":
        return Verdict.MISSING, "does not exist: skipped (no finder for it)"
    if answer is None:
        orphan = [h for h in holds if h.kind is Holds.ORPHAN_CACHE]
        if orphan:
            return Verdict.NOTHING, (
                f"only {os.path.basename(orphan[0].path)} in __pycache__: a cache is never "
                "imported without its source"
            )
        return Verdict.NOTHING, f"nothing named {last} here"
    if answer.namespace:
        if path_winner is not None:
            return Verdict.PASSED_OVER, (
                "a folder without __init__.py: a namespace portion, dropped because a later "
                "entry has a module or a regular package"
            )
        return Verdict.PORTION, (
            "a folder without __init__.py: a namespace portion (no entry has a module or "
            f"a regular package, so the {len(portions)} portion(s) together make the package)"
        )
    kind = importable[0].kind if importable else None
    others = [h for h in holds[1:] if h.kind is not Holds.ORPHAN_CACHE]
    reason = f"the first entry with {HOLDS_WORDS[kind] if kind else 'an answer'}"
    if kind is Holds.PACKAGE and others:
        also = ", ".join(os.path.basename(h.path) for h in others)
        reason += (
            f"; FileFinder looks for a package folder before {also} in the same folder, so the "
            "package wins"
        )
    elif others:
        also = ", ".join(os.path.basename(h.path) for h in others)
        reason += f"; in this folder it is preferred to {also} (extensions, then .py, then .pyc)"
    return Verdict.WINS, reason


# --- traps and near misses -------------------------------------------------------------------


def _real(path: str, cwd: str) -> str:
    return os.path.realpath(os.path.join(cwd, path) if path else cwd)


def module_names(origin: str, probe: Probe) -> list[tuple[str, str]]:
    """Every name under which the file origin can be imported from sys.path: (name, entry)."""
    real = _real(origin, probe.cwd)
    found = []
    for entry in probe.sys_path:
        base = _real(entry.entry, probe.cwd)
        if not real.startswith(base + os.sep):
            continue
        parts = os.path.relpath(real, base).split(os.sep)
        stem = parts[-1].split(".")[0]
        parts = parts[:-1] if stem == "__init__" else [*parts[:-1], stem]
        if parts and all(p.isidentifier() for p in parts):
            found.append((".".join(parts), entry.entry))
    return found


def _traps(
    probe: Probe, name: str, script: str | None, elsewhere: tuple[Elsewhere, ...]
) -> list[Trap]:
    traps: list[Trap] = []
    top = probe.levels[0] if probe.levels else None
    if top is not None:
        traps += _shadow_traps(probe, top)
    spec = probe.spec
    if spec is not None and spec.namespace and probe.levels:
        local = [
            e.entry or probe.cwd
            for e in probe.levels[-1].entries
            if e.verdict is Verdict.PORTION and e.origin in LOCAL_ORIGINS
        ]
        portions = [
            h.path
            for e in probe.levels[-1].entries
            if e.verdict is Verdict.PORTION
            for h in e.holds
            if h.kind is Holds.NAMESPACE
        ]
        if local or probe.stdlib_name:
            traps.append(
                Trap(
                    TrapKind.ACCIDENTAL_NAMESPACE,
                    f"`import {name}` gives a namespace package made of "
                    f"{', '.join(portions) or 'folders without __init__.py'}: a folder without "
                    "__init__.py is importable under its name, with no code and no __file__; "
                    "if it is a folder of data (or a package missing its __init__.py), "
                    f"`from {name} import x` fails or finds the wrong thing",
                    tuple(portions),
                )
            )
    if spec is not None and spec.origin and not spec.namespace and os.path.isabs(spec.origin):
        others = [(n, e) for n, e in module_names(spec.origin, probe) if n != name]
        if others:
            listed = "; ".join(f"{n} (from {e or probe.cwd})" for n, e in others)
            traps.append(
                Trap(
                    TrapKind.TWO_NAMES,
                    f"{spec.origin} can also be imported as {listed}: each name makes a module "
                    "object of its own, which runs the file again and duplicates its state",
                    (spec.origin,),
                )
            )
        if script and os.path.realpath(script) == os.path.realpath(spec.origin):
            traps.append(
                Trap(
                    TrapKind.TWO_NAMES,
                    f"{script} is the script itself: run, it is __main__; `import {name}` runs "
                    "it a second time as another module",
                    (spec.origin,),
                )
            )
        if spec.loader_name == "SourcelessFileLoader":
            traps.append(
                Trap(
                    TrapKind.BYTECODE_ONLY,
                    f"{spec.origin} is imported as bytecode, with no source beside it: editing "
                    "a .py elsewhere changes nothing, tracebacks show no lines, and only the "
                    "Python version that wrote it can load it",
                    (spec.origin,),
                )
            )
    if spec is not None and spec.origin and probe.stopped is None:
        real = os.path.realpath(spec.origin)
        for row in probe.nested:
            copy = os.path.realpath(str(row["path"]))
            if real != copy and not real.startswith(copy + os.sep):
                folder = str(row["folder"])
                traps.append(
                    Trap(
                        TrapKind.LOCAL_COPY_UNUSED,
                        f"{row['path']} is here, but {folder} is not on sys.path: `import "
                        f"{name}` gets {spec.origin}, not the copy in this folder (install the "
                        f"project with pip install -e ., or set PYTHONPATH={folder}, to use it)",
                        (str(row["path"]), spec.origin),
                    )
                )
    for other in elsewhere:
        missing = spec is None or probe.stopped is not None
        if other.spec is not None and missing and other.command.startswith("pip"):
            traps.append(
                Trap(
                    TrapKind.OTHER_INTERPRETER,
                    f"{other.command} installs for {other.python.label}, not the interpreter "
                    f"asked ({probe.python.label}): there {name.partition('.')[0]} is found "
                    f"({other.spec.origin}). Install with `{probe.python.executable} -m pip`, "
                    "or run that interpreter",
                    (other.python.executable,),
                )
            )
    return traps


def _shadow_traps(probe: Probe, top: Level) -> list[Trap]:
    traps: list[Trap] = []
    name = top.name
    finder = top.winning_finder
    local = [
        e
        for e in top.entries
        if e.origin in LOCAL_ORIGINS and any(h.kind in IMPORTABLE for h in e.holds)
    ]
    if top.cached is not None and local:
        paths = tuple(h.path for e in local for h in e.holds if h.kind in IMPORTABLE)
        by = "the interpreter's start-up" if top.cached == "interpreter" else top.cached
        traps.append(
            Trap(
                TrapKind.IGNORED_LOCAL,
                f"{paths[0]} is never imported under this name: {name} is already in sys.modules "
                f"at start-up (imported by {by}), and import returns that module without "
                "searching",
                paths,
            )
        )
        return traps
    if finder is not None and finder.short in ("BuiltinImporter", "FrozenImporter") and local:
        paths = tuple(h.path for e in local for h in e.holds if h.kind in IMPORTABLE)
        which = "built into the interpreter" if finder.short == "BuiltinImporter" else "frozen"
        traps.append(
            Trap(
                TrapKind.IGNORED_LOCAL,
                f"{paths[0]} is never imported under this name: {name} is {which}, and "
                f"{finder.short} is asked before PathFinder",
                paths,
            )
        )
        return traps
    if top.path_winner is None or finder is None or finder.short != "PathFinder":
        return traps
    winner = top.entries[top.path_winner]
    if winner.origin not in LOCAL_ORIGINS:
        return traps
    shadowed = [
        (e, h)
        for e in top.entries[top.path_winner + 1 :]
        if e.origin in INSTALLED_ORIGINS or e.origin is Origin.PYTHONPATH
        for h in e.holds
        if h.kind in IMPORTABLE
    ]
    where = ORIGIN_WORDS[winner.origin]
    mine = next((h.path for h in winner.holds if h.kind in IMPORTABLE), winner.entry)
    if shadowed:
        entry, held = shadowed[0]
        owner = "the standard library's" if entry.origin is Origin.STDLIB else "the installed"
        traps.append(
            Trap(
                TrapKind.SHADOWS,
                f"{mine} in {where} shadows {owner} {name} ({held.path}): {where} comes first "
                "on sys.path, so every `import " + name + "` here gets the local one",
                (mine, held.path),
            )
        )
    elif probe.stdlib_name:
        traps.append(
            Trap(
                TrapKind.SHADOWS,
                f"{mine} in {where} has the name of a standard-library module ({name}), and "
                "wins: every `import " + name + "` here, the standard library's own included, "
                "gets the local one",
                (mine,),
            )
        )
    return traps


def _near_misses(probe: Probe, name: str, elsewhere: tuple[Elsewhere, ...]) -> list[NearMiss]:
    near: list[NearMiss] = []
    data = probe.near or {}
    last = name.rpartition(".")[2]
    close = [str(c) for c in data.get("close", ())]
    close += [c for c in probe.stdlib_close if c not in close]
    if close:
        near.append(
            NearMiss(NearKind.CLOSE_NAME, f"close names that can be imported: {', '.join(close)}")
        )
    for row in data.get("nested", ()):
        folder = str(row["folder"])
        path = str(row["path"])
        note = ""
        if row.get("is_dir") and not row.get("has_init"):
            note = " (a folder without __init__.py: it would be a namespace package)"
        near.append(
            NearMiss(
                NearKind.NOT_ON_PATH,
                f"{path} has the name{note}, but {folder} is not on sys.path: install the project "
                f"(pip install -e .), or add it (PYTHONPATH={folder})",
            )
        )
    for level in probe.levels[-1:]:
        for entry in level.entries:
            for held in entry.holds:
                if held.kind is Holds.ORPHAN_CACHE:
                    near.append(
                        NearMiss(
                            NearKind.ORPHAN_CACHE,
                            f"{held.path} is a cache of a {last}.py that is gone: a .pyc in "
                            "__pycache__ is never imported without its source (a sourceless "
                            f"{last}.pyc must sit in the folder itself)",
                        )
                    )
    for dist in probe.named_distributions:
        names = ", ".join(dist.import_names) or "no importable name"
        near.append(
            NearMiss(
                NearKind.DISTRIBUTION_NAME,
                f"the distribution {dist.name} {dist.version or ''} is installed, and it "
                f"provides {names}: a distribution's name need not be its import name".replace(
                    "  ", " "
                ),
            )
        )
    for other in elsewhere:
        if other.spec is not None:
            near.append(
                NearMiss(
                    NearKind.ELSEWHERE,
                    f"{other.python.label}, {other.command}, finds {name.partition('.')[0]} "
                    f"({other.spec.origin})",
                )
            )
    return near


def explain(
    probe: Probe,
    *,
    name: str,
    asked: str,
    script: str | None,
    module: str | None,
    elsewhere: tuple[Elsewhere, ...] = (),
) -> Explanation:
    """The chain the probe reported, with the traps on it and, if the name was not found, what
    is close by."""
    traps = _traps(probe, name, script, elsewhere)
    found = probe.spec is not None and probe.stopped is None
    near = () if found else tuple(_near_misses(probe, name, elsewhere))
    return Explanation(
        name=name,
        asked=asked,
        script=script,
        module=module,
        probe=probe,
        traps=tuple(traps),
        near=near,
        elsewhere=elsewhere,
    )


# --- pip on PATH -------------------------------------------------------------------------------


_EXEC_LINE = re.compile(r"""^'''exec' "?([^"\s]+)"?""")


def pip_interpreter(path: str | None = None) -> tuple[str, str] | None:
    """The `pip` (or `pip3`) first on PATH and the Python its shebang names, if it names one
    (a shell shim, pyenv's say, names none that can be read without running it)."""
    for command in ("pip", "pip3"):
        found = shutil.which(command, path=path)
        if found is None:
            continue
        try:
            with Path(found).open("rb") as handle:
                head = handle.read(1024).decode("utf-8", "replace").splitlines()
        except OSError:
            return None
        if not head or not head[0].startswith("#!"):
            return None
        words = head[0][2:].split()
        if not words:
            return None
        target = words[0]
        if target.endswith("/sh") and len(head) > 1:
            match = _EXEC_LINE.match(head[1])
            target = match.group(1) if match else target
        elif target.endswith("/env") and len(words) > 1:
            located = shutil.which(words[1], path=path)
            target = located or words[1]
        if "python" not in os.path.basename(target):
            return None
        return found, target
    return None


def same_interpreter(a: str, b: str) -> bool:
    """Whether two interpreter paths start the same Python (one venv's python and python3)."""
    if os.path.abspath(a) == os.path.abspath(b):
        return True
    try:
        return os.path.dirname(os.path.abspath(a)) == os.path.dirname(
            os.path.abspath(b)
        ) and os.path.samefile(a, b)
    except OSError:
        return False
