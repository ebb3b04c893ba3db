"""Problems: the whole problem model, and reading and validating problem files.

Listing needs none of it: the catalogue (catalog) holds summaries, and reads a Problem from
here only when one is asked for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, NamedTuple

from importdrill.core import safepaths
from importdrill.core.errors import ProblemFileError
from importdrill.core.kinds import DIFFICULTIES, KINDS, Difficulty, Kind
from importdrill.core.summary import BUILTIN_PACK, Summary, unavailable_reason


class RunMode(StrEnum):
    """How the learner's file is started: `python main.py` or `python -m package`."""

    SCRIPT = "script"
    MODULE = "module"


RUN_MODES = tuple(r.value for r in RunMode)
SLUG_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # used with fullmatch: no final newline
REQUIRES_RE = re.compile(r">=\s*3\.(\d+)")
DEFAULT_ORDER = 100

# field -> (required, description of what is allowed); the JSON Schema in problem.schema.json
# says the same for editors, and a test keeps the two in step.
FIELDS: dict[str, tuple[bool, str]] = {
    "slug": (True, "lowercase words joined by '-', equal to the file name"),
    "title": (True, "a non-empty one-line string"),
    "difficulty": (True, "one of easy, medium, hard"),
    "order": (False, "an integer (position within its difficulty)"),
    "kind": (True, "one of predict, implement, order, which-file"),
    "tags": (True, "a non-empty list of strings"),
    "prompt": (True, "a non-empty string (Markdown)"),
    "code": (True, "a non-empty string (the program, or the implement starter)"),
    "solution": (False, "a non-empty string; required for implement, forbidden for predict"),
    "expected_output": (True, "a string: what the program prints"),
    "hints": (True, "a list of at least two non-empty strings"),
    "explanation": (True, "a non-empty string (Markdown)"),
    "files": (False, "a mapping of relative POSIX path to file content"),
    "main": (False, "a relative POSIX path ending in .py"),
    "run": (False, "one of script, module"),
    "requires_python": (False, 'a version floor such as ">=3.11"'),
    "output_by_python": (
        False,
        'a mapping of a version range (">=3.12", "<3.11", "3.10") to what CPython in that '
        "range prints instead of expected_output (predict only)",
    ),
    "variants": (
        False,
        "a list of variants (predict, order and which-file), each a mapping of name "
        "(lowercase words joined by '-'), replace (a mapping of text in the prompt, the "
        "program, its support files, their paths and which-file names to the text that "
        "replaces it) and files (a mapping of a relative path to new content, or null to "
        "remove the file); a variant needs no stated output: it is run",
    ),
    "order_of": (
        False,
        "start or finish: whether an order problem asks when bodies start or finish "
        "(order only, required there)",
    ),
    "names": (
        False,
        "a non-empty list of dotted module names whose file a which-file problem asks for "
        "(which-file only, required there)",
    ),
    "runs": (
        False,
        "a non-empty list of runs, each a mapping with a name and optionally driver, cwd, "
        "args, env, stdin and expected (implement only)",
    ),
    "decoys": (
        False,
        "a list of wrong solutions, each a mapping of code and misconception (implement only)",
    ),
    "rules": (
        False,
        "a list of static rules, each a mapping of one of must_call, must_import or "
        "must_not_modify (a dotted name), a message, and optionally within (implement only)",
    ),
}
VERSION_RANGE_RE = re.compile(r"(>=|<|)3\.(\d+)")
# A run's driver is written here, at the top of the run folder, and run instead of `main`.
DRIVER_PATH = "driver.py"
RUN_KEYS = ("name", "driver", "cwd", "args", "env", "stdin", "expected")
DECOY_KEYS = ("code", "misconception")
ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DOTTED_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
# Sibling folders of the run folder that the runner itself uses: not a working folder.
RESERVED_OUTSIDE = ("run", "tmp", "home")


class RuleKind(StrEnum):
    """What a static rule asks of the learner's file."""

    MUST_CALL = "must_call"  # call this dotted name somewhere (or within a function)
    MUST_IMPORT = "must_import"  # import this module (or a name from it)
    MUST_NOT_MODIFY = "must_not_modify"  # never assign, delete or mutate this dotted name


RULE_KINDS = tuple(k.value for k in RuleKind)


class Run(NamedTuple):
    """One way an implement problem runs the learner's file, with a name the learner reads.

    `cwd` is "." (the run folder), a folder of the run tree, or "../NAME", an empty folder
    beside the run folder (outside the project). `expected` None: the reference solution's
    output in the same run (the first run: expected_output, which verify proves it is).
    """

    name: str
    driver: str | None = None
    cwd: str = "."
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = MappingProxyType({})
    stdin: str | None = None
    expected: str | None = None


class Decoy(NamedTuple):
    """A wrong solution that must fail, and the misconception it stands for."""

    code: str
    misconception: str


class Rule(NamedTuple):
    """A static requirement on the learner's file, and what the learner reads when broken."""

    kind: RuleKind
    name: str
    message: str
    within: str | None = None  # the function or class the rule looks inside


class Variant(NamedTuple):
    """A named change to a question's program: text replaced, files added or removed."""

    name: str
    replace: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, str | None], ...] = ()

    def swap(self, text: str) -> str:
        """text with this variant's replacements applied, in order."""
        for old, new in self.replace:
            text = text.replace(old, new)
        return text


class Problem(NamedTuple):
    """One problem, validated, as the rest of importdrill sees it."""

    slug: str
    title: str
    difficulty: Difficulty
    kind: Kind
    tags: tuple[str, ...]
    prompt: str
    code: str
    expected_output: str
    hints: tuple[str, ...]
    explanation: str
    source: Path
    pack: str = BUILTIN_PACK
    order: int = DEFAULT_ORDER
    solution: str | None = None
    files: Mapping[str, str] = MappingProxyType({})
    main: str = "main.py"
    run: RunMode = RunMode.SCRIPT
    requires_python: tuple[int, int] | None = None
    # (operator, minor version, output): where behaviour really differs between versions.
    output_by_python: tuple[tuple[str, int, str], ...] = ()
    runs: tuple[Run, ...] = ()
    decoys: tuple[Decoy, ...] = ()
    rules: tuple[Rule, ...] = ()
    variants: tuple[Variant, ...] = ()
    # Which variant this is (None: the problem as written).
    variant: str | None = None
    order_of: str | None = None  # order: "start" or "finish"
    names: tuple[str, ...] = ()  # which-file: the names find_spec is asked for

    @property
    def checked_runs(self) -> tuple[Run, ...]:
        """The runs a check makes: the stated ones, or the one run `command()` describes.

        The first run's expected output is expected_output unless the run states its own
        (verify proves the solution prints it there, so no solution run is needed for it).
        """
        runs = self.runs or (Run(name=" ".join(self.command())),)
        first = runs[0]
        if first.expected is None:
            first = Run(
                first.name,
                first.driver,
                first.cwd,
                first.args,
                first.env,
                first.stdin,
                self.expected_output,
            )
        return (first, *runs[1:])

    def with_variant(self, name: str | None) -> Problem:
        """This problem with variant `name` applied (itself for None). Its real output is
        what it prints: a variant states none, so expected_output no longer applies."""
        if name is None:
            return self
        found = next((v for v in self.variants if v.name == name), None)
        if found is None:
            raise KeyError(name)

        swap = found.swap
        files = {swap(rel): swap(content) for rel, content in self.files.items()}
        for rel, content in found.files:
            if content is None:
                files.pop(rel, None)
            else:
                files[rel] = content
        for rel in [swap(self.main), *files]:
            reason = safepaths.problem(rel)
            if reason is not None:  # the loader refuses such a variant; this is a backstop
                raise ProblemFileError(f"{self.source}: variant {name}: {reason}")
        return self._replace(
            prompt=swap(self.prompt),
            code=swap(self.code),
            files=files,
            main=swap(self.main),
            names=tuple(swap(n) for n in self.names),
            expected_output="",
            output_by_python=(),
            variant=name,
        )

    @property
    def variant_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variants)

    @property
    def is_multi_file(self) -> bool:
        return bool(self.files)

    @property
    def module_name(self) -> str:
        """The dotted name `python -m` is given for run: module."""
        dotted = PurePosixPath(self.main).with_suffix("").as_posix().replace("/", ".")
        return dotted.removesuffix(".__main__")

    def command(self, python: str = "python") -> list[str]:
        """The command a learner would type in the run folder to run this problem."""
        if self.run is RunMode.MODULE:
            return [python, "-m", self.module_name]
        return [python, self.main]

    def unavailable_reason(self, version: tuple[int, int] | None = None) -> str | None:
        """Why this problem can't run on that interpreter version (default: this one), or None."""
        return unavailable_reason(self.requires_python, version)

    @property
    def hint_count(self) -> int:
        return len(self.hints)

    @property
    def differs_by_version(self) -> bool:
        return bool(self.output_by_python)

    def expected_for(self, version: tuple[int, int]) -> str:
        """What the program prints on that interpreter version: the first range that holds
        it, else expected_output."""
        for operator, minor, output in self.output_by_python:
            have = version[1] if version[0] == 3 else 99
            if (
                (operator == ">=" and have >= minor)
                or (operator == "<" and have < minor)
                or (operator == "" and have == minor)
            ):
                return output
        return self.expected_output

    @property
    def summary(self) -> Summary:
        return Summary(
            slug=self.slug,
            title=self.title,
            difficulty=self.difficulty,
            kind=self.kind,
            tags=self.tags,
            order=self.order,
            hint_count=len(self.hints),
            requires_python=self.requires_python,
            path=str(self.source),
            pack=self.pack,
        )


def _field_line(path: Path, key: str) -> int | None:
    """The 1-based line where top-level `key` is written, to point error messages at it."""
    try:
        pattern = re.compile(rf"^{re.escape(key)}\s*:")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.match(line):
                return number
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _schema_error(path: Path, key: str, message: str) -> ProblemFileError:
    line = _field_line(path, key)
    where = f"{path}:{line}" if line else str(path)
    return ProblemFileError(f"{where}: field '{key}': {message}")


def _is_str(value: Any, *, allow_empty: bool = False) -> bool:
    return isinstance(value, str) and (allow_empty or bool(value.strip()))


def _check_relpath(path: Path, key: str, rel: Any) -> str:
    # Checked on the text as written, as the run writes it: '.', '' and '..' name no file.
    reason = safepaths.problem(rel)
    if reason is not None:
        raise _schema_error(path, key, reason)
    return str(rel)


def _check_tree(path: Path, key: str, names: list[str]) -> None:
    """No file may also be a folder of another (`main.py` and `main.py/x.py`, `pkg` and
    `pkg/__init__.py`): the run could not lay both out."""
    folders = {
        "/".join(name.split("/")[:i]) for name in names for i in range(1, name.count("/") + 1)
    }
    for name in names:
        if name in folders:
            raise _schema_error(
                path, key, f"{name!r} is a file, and also the folder of another file in 'files'"
            )


def validate(data: Any, path: Path, pack: str = BUILTIN_PACK) -> Problem:
    """Check one parsed problem file against the schema and build its Problem."""
    if not isinstance(data, dict):
        raise ProblemFileError(f"{path}: a problem file must be a YAML mapping of fields")
    unknown = sorted(set(map(str, data)) - set(FIELDS))
    if unknown:
        allowed = ", ".join(FIELDS)
        raise _schema_error(path, unknown[0], f"unknown field; allowed fields are: {allowed}")
    for key, (required, allowed) in FIELDS.items():
        if required and key not in data:
            raise ProblemFileError(f"{path}: field '{key}' is missing: it must be {allowed}")

    def need(ok: bool, key: str) -> None:
        if not ok:
            shown = repr(data.get(key))
            if len(shown) > 60:
                shown = shown[:57] + "..."
            raise _schema_error(path, key, f"{shown} is not allowed: must be {FIELDS[key][1]}")

    slug = data["slug"]
    need(isinstance(slug, str) and bool(SLUG_RE.fullmatch(slug)), "slug")
    if path.suffix in (".yaml", ".yml") and path.stem != slug:
        raise _schema_error(path, "slug", f"'{slug}' must equal the file name '{path.stem}'")
    need(_is_str(data["title"]) and "\n" not in data["title"].strip(), "title")
    need(data["difficulty"] in DIFFICULTIES, "difficulty")
    need(data["kind"] in KINDS, "kind")
    order = data.get("order", DEFAULT_ORDER)
    need(isinstance(order, int) and not isinstance(order, bool), "order")
    for key in ("tags", "hints"):
        items = data[key]
        if isinstance(items, list):
            for number, item in enumerate(items, 1):
                if isinstance(item, dict):
                    raise _schema_error(
                        path,
                        key,
                        f"item {number} was read as a mapping, not a string: a ': ' inside "
                        "an unquoted line does that; quote the item or use a '|' block",
                    )
    tags = data["tags"]
    need(isinstance(tags, list) and bool(tags) and all(_is_str(t) for t in tags), "tags")
    for key in ("prompt", "code", "explanation"):
        need(_is_str(data[key]), key)
    need(_is_str(data["expected_output"], allow_empty=True), "expected_output")
    hints = data["hints"]
    need(isinstance(hints, list) and len(hints) >= 2 and all(_is_str(h) for h in hints), "hints")

    solution = data.get("solution")
    if data["kind"] == Kind.IMPLEMENT:
        if solution is None:
            raise ProblemFileError(
                f"{path}: field 'solution' is missing: an implement problem needs "
                "a complete program that passes"
            )
        need(_is_str(solution), "solution")
    elif solution is not None:
        raise _schema_error(path, "solution", "only implement problems have a solution")

    main = _check_relpath(path, "main", data.get("main", "main.py"))
    if not main.endswith(".py"):
        raise _schema_error(path, "main", f"{main!r} must end in .py")
    files_raw = data.get("files") or {}
    need(isinstance(files_raw, dict), "files")
    files: dict[str, str] = {}
    for rel, content in files_raw.items():
        clean = _check_relpath(path, "files", rel)
        if not isinstance(content, str):
            raise _schema_error(path, "files", f"the content of {rel!r} must be a string")
        files[clean] = content
    if main in files:
        raise _schema_error(path, "main", f"{main!r} is also a key of 'files'")
    _check_tree(path, "files", [main, *files])
    need(data.get("run", "script") in RUN_MODES, "run")
    requires = data.get("requires_python")
    if requires is not None:
        ok = isinstance(requires, str) and REQUIRES_RE.fullmatch(requires.strip()) is not None
        need(ok, "requires_python")
    by_python = data.get("output_by_python")
    if by_python is not None:
        need(isinstance(by_python, dict) and bool(by_python), "output_by_python")
        if data["kind"] == Kind.IMPLEMENT:
            raise _schema_error(
                path, "output_by_python", "implement problems state their output per run"
            )
        for key, output in by_python.items():
            if not isinstance(key, str) or VERSION_RANGE_RE.fullmatch(key.strip()) is None:
                raise _schema_error(
                    path,
                    "output_by_python",
                    f"{key!r} is not a version range such as '>=3.12', '<3.11' or '3.10'",
                )
            if not isinstance(output, str):
                raise _schema_error(path, "output_by_python", f"the output for {key!r} is not text")
    _check_question(path, data)
    for key in ("runs", "decoys", "rules"):
        if key in data and data["kind"] != Kind.IMPLEMENT:
            raise _schema_error(path, key, "only implement problems have it")
    if "runs" in data:
        _check_runs(path, data["runs"], main, files)
    if "decoys" in data:
        _check_decoys(path, data["decoys"])
    if "rules" in data:
        _check_rules(path, data["rules"])
    if data.get("variants") is not None:
        _check_variants(data, path, main, files)
    return build(data, path, pack)


def _check_variants(data: dict[str, Any], path: Path, main: str, files: dict[str, str]) -> None:
    variants = data["variants"]
    if data["kind"] == Kind.IMPLEMENT:
        raise _schema_error(
            path, "variants", "only predict, order and which-file problems have variants"
        )
    if not isinstance(variants, list) or not variants:
        raise _schema_error(path, "variants", "must be a non-empty list of variants")
    seen: set[str] = set()
    names = [str(n) for n in data.get("names") or ()]
    text = "\n".join([data["prompt"], data["code"], main, *files, *files.values(), *names])
    for number, variant in enumerate(variants, 1):
        where = f"variant {number}"
        if not isinstance(variant, dict):
            raise _schema_error(path, "variants", f"{where} must be a mapping")
        unknown = sorted(set(map(str, variant)) - {"name", "replace", "files"})
        if unknown:
            raise _schema_error(
                path, "variants", f"{where}: unknown key {unknown[0]!r} (name, replace, files)"
            )
        name = variant.get("name")
        if not (isinstance(name, str) and SLUG_RE.fullmatch(name)):
            raise _schema_error(
                path, "variants", f"{where}: name must be lowercase words joined by '-'"
            )
        if name in seen:
            raise _schema_error(path, "variants", f"{where}: the name {name!r} is used twice")
        seen.add(name)
        replace = variant.get("replace") or {}
        changed = variant.get("files") or {}
        if not isinstance(replace, dict) or not isinstance(changed, dict):
            raise _schema_error(path, "variants", f"{name}: replace and files must be mappings")
        if not replace and not changed:
            raise _schema_error(path, "variants", f"{name}: it changes nothing")
        for old, new in replace.items():
            if not (_is_str(old) and isinstance(new, str)):
                raise _schema_error(path, "variants", f"{name}: replace maps text to text")
            if old not in text:
                raise _schema_error(
                    path,
                    "variants",
                    f"{name}: {old!r} is not in the program or its files, so replacing it "
                    "changes nothing",
                )
        for rel, content in changed.items():
            clean = _check_relpath(path, "variants", rel)
            if clean == main:
                raise _schema_error(
                    path, "variants", f"{name}: the main file changes through replace, not files"
                )
            if content is not None and not isinstance(content, str):
                raise _schema_error(
                    path, "variants", f"{name}: the content of {rel!r} must be text or null"
                )
        _check_variant_tree(path, name, replace=replace, changed=changed, main=main, files=files)


def _check_variant_tree(
    path: Path,
    name: str,
    *,
    replace: dict[str, str],
    changed: dict[str, Any],
    main: str,
    files: dict[str, str],
) -> None:
    """The paths as the variant leaves them: replace may rename the main file and support
    files, and every path it makes must still name a file inside the run folder."""

    def swap(text: str) -> str:
        for old, new in replace.items():
            text = text.replace(old, new)
        return text

    where = f"{name}: once replaced,"
    new_main = swap(main)
    reason = safepaths.problem(new_main)
    if reason is not None:
        raise _schema_error(path, "variants", f"{where} the main file {reason}")
    if not new_main.endswith(".py"):
        raise _schema_error(path, "variants", f"{where} the main file {new_main!r} must end in .py")
    tree = {swap(rel) for rel in files}
    if len(tree) < len(files):
        raise _schema_error(path, "variants", f"{where} two support files have one path")
    for rel in tree:
        reason = safepaths.problem(rel)
        if reason is not None:
            raise _schema_error(path, "variants", f"{where} {reason}")
    for rel, content in changed.items():
        if content is None:
            tree.discard(rel)
        else:
            tree.add(rel)
    if new_main in tree:
        raise _schema_error(
            path, "variants", f"{where} the main file {new_main!r} is also a support file"
        )
    _check_tree(path, "variants", [new_main, *tree])


def _check_question(path: Path, data: dict[str, Any]) -> None:
    """order_of belongs to (and is required by) order problems; names to which-file ones."""
    for key, kind in (("order_of", Kind.ORDER), ("names", Kind.WHICH_FILE)):
        if key in data and data["kind"] != kind:
            raise _schema_error(path, key, f"only {kind} problems have it")
        if key not in data and data["kind"] == kind:
            raise ProblemFileError(
                f"{path}: field '{key}' is missing: a {kind} problem needs it ({FIELDS[key][1]})"
            )
    if data["kind"] == Kind.ORDER and data["order_of"] not in ("start", "finish"):
        raise _schema_error(path, "order_of", f"{data['order_of']!r}: must be start or finish")
    if data["kind"] == Kind.WHICH_FILE:
        names = data["names"]
        ok = (
            isinstance(names, list)
            and bool(names)
            and all(isinstance(n, str) and DOTTED_RE.fullmatch(n) for n in names)
        )
        if not ok:
            raise _schema_error(path, "names", f"must be {FIELDS['names'][1]}")


def _items(path: Path, key: str, value: Any, allowed: tuple[str, ...]) -> list[dict[str, Any]]:
    """A list of mappings whose keys are all in allowed; errors name the item."""
    if not isinstance(value, list) or not value:
        raise _schema_error(path, key, f"must be {FIELDS[key][1]}")
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise _schema_error(path, key, f"item {number} is not a mapping of fields")
        unknown = sorted(set(map(str, item)) - set(allowed))
        if unknown:
            raise _schema_error(
                path,
                key,
                f"item {number}: unknown field '{unknown[0]}'; allowed: {', '.join(allowed)}",
            )
    return value


def _check_runs(path: Path, value: Any, main: str, files: Mapping[str, str]) -> None:
    runs = _items(path, "runs", value, RUN_KEYS)
    folders = {str(parent) for rel in [*files, main] for parent in PurePosixPath(rel).parents}
    names: set[str] = set()
    for number, run in enumerate(runs, 1):

        def bad(message: str, number: int = number) -> ProblemFileError:
            return _schema_error(path, "runs", f"run {number}: {message}")

        name = run.get("name")
        if not isinstance(name, str) or not name.strip() or "\n" in name.strip():
            raise bad("'name' must be a non-empty one-line string (the learner reads it)")
        if name.strip() in names:
            raise bad(f"the name {name.strip()!r} is used by an earlier run")
        names.add(name.strip())
        if "driver" in run:
            if not _is_str(run["driver"]):
                raise bad("'driver' must be a non-empty string (a Python program)")
            if DRIVER_PATH in files or main == DRIVER_PATH:
                raise bad(f"a driver is written as {DRIVER_PATH!r}, which 'files' or 'main' uses")
        cwd = run.get("cwd", ".")
        if not isinstance(cwd, str) or not cwd.strip():
            raise bad("'cwd' must be a folder: '.', a folder of the run tree, or '../NAME'")
        pure = PurePosixPath(cwd)
        if pure.is_absolute() or "\\" in cwd:
            raise bad(f"'cwd' {cwd!r} must be a relative POSIX path")
        if pure.parts and pure.parts[0] == "..":
            if len(pure.parts) != 2 or pure.parts[1] in (*RESERVED_OUTSIDE, ".."):
                raise bad(
                    f"'cwd' {cwd!r}: a folder outside the run tree is written '../NAME', "
                    f"NAME not one of {', '.join(RESERVED_OUTSIDE)}"
                )
        elif ".." in pure.parts or pure.as_posix() not in folders:
            raise bad(f"'cwd' {cwd!r} is not a folder of the run tree (from 'files' and 'main')")
        args = run.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise bad("'args' must be a list of strings")
        env = run.get("env", {})
        if not isinstance(env, dict):
            raise bad("'env' must be a mapping of variable name to string")
        for var, text in env.items():
            if not isinstance(var, str) or not ENV_NAME_RE.fullmatch(var):
                raise bad(f"'env': {var!r} is not a variable name")
            if var.startswith("IMPORTDRILL_"):
                raise bad(f"'env': {var!r}: IMPORTDRILL_ variables are importdrill's own")
            if not isinstance(text, str):
                raise bad(f"'env': the value of {var} must be a string (quote it)")
        for key in ("stdin", "expected"):
            if key in run and not isinstance(run[key], str):
                raise bad(f"'{key}' must be a string")


def _check_decoys(path: Path, value: Any) -> None:
    for number, decoy in enumerate(_items(path, "decoys", value, DECOY_KEYS), 1):
        for key in DECOY_KEYS:
            if not _is_str(decoy.get(key)):
                raise _schema_error(
                    path, "decoys", f"decoy {number}: '{key}' must be a non-empty string"
                )


def _check_rules(path: Path, value: Any) -> None:
    allowed = (*RULE_KINDS, "message", "within")
    for number, rule in enumerate(_items(path, "rules", value, allowed), 1):
        kinds = [k for k in RULE_KINDS if k in rule]
        if len(kinds) != 1:
            raise _schema_error(
                path,
                "rules",
                f"rule {number}: needs exactly one of {', '.join(RULE_KINDS)}",
            )
        name = rule[kinds[0]]
        if not isinstance(name, str) or not DOTTED_RE.fullmatch(name):
            raise _schema_error(
                path, "rules", f"rule {number}: {kinds[0]} {name!r} is not a dotted name"
            )
        if not _is_str(rule.get("message")):
            raise _schema_error(
                path, "rules", f"rule {number}: 'message' (what the learner reads) is missing"
            )
        within = rule.get("within")
        if within is not None and (not isinstance(within, str) or not DOTTED_RE.fullmatch(within)):
            raise _schema_error(
                path, "rules", f"rule {number}: 'within' must name a function or class"
            )


def build(data: dict[str, Any], path: Path, pack: str = BUILTIN_PACK) -> Problem:
    """The Problem for data that validate() has accepted (also: the cache's trusted path)."""
    requires = data.get("requires_python")
    match = REQUIRES_RE.fullmatch(requires.strip()) if requires else None
    return Problem(
        slug=data["slug"],
        title=data["title"].strip(),
        difficulty=Difficulty(data["difficulty"]),
        kind=Kind(data["kind"]),
        tags=tuple(t.strip() for t in data["tags"]),
        prompt=data["prompt"],
        code=data["code"],
        expected_output=data["expected_output"],
        hints=tuple(data["hints"]),
        explanation=data["explanation"],
        source=path,
        pack=pack,
        order=data.get("order", DEFAULT_ORDER),
        solution=data.get("solution"),
        files={PurePosixPath(k).as_posix(): v for k, v in (data.get("files") or {}).items()},
        main=PurePosixPath(data.get("main", "main.py")).as_posix(),
        run=RunMode(data.get("run", "script")),
        requires_python=(3, int(match.group(1))) if match else None,
        output_by_python=tuple(
            (m.group(1), int(m.group(2)), output)
            for key, output in (data.get("output_by_python") or {}).items()
            if (m := VERSION_RANGE_RE.fullmatch(key.strip()))
        ),
        runs=tuple(
            Run(
                name=run["name"].strip(),
                driver=run.get("driver"),
                cwd=PurePosixPath(run.get("cwd", ".")).as_posix(),
                args=tuple(run.get("args", ())),
                env=dict(run.get("env", {})),
                stdin=run.get("stdin"),
                expected=run.get("expected"),
            )
            for run in data.get("runs") or ()
        ),
        decoys=tuple(
            Decoy(code=d["code"], misconception=d["misconception"].strip())
            for d in data.get("decoys") or ()
        ),
        rules=tuple(
            Rule(
                kind=kind,
                name=rule[kind.value],
                message=rule["message"].strip(),
                within=rule.get("within"),
            )
            for rule in data.get("rules") or ()
            for kind in RuleKind
            if kind.value in rule
        ),
        variants=tuple(
            Variant(
                name=v["name"],
                replace=tuple((v.get("replace") or {}).items()),
                files=tuple(
                    (PurePosixPath(rel).as_posix(), content)
                    for rel, content in (v.get("files") or {}).items()
                ),
            )
            for v in data.get("variants") or ()
        ),
        order_of=data.get("order_of"),
        names=tuple(data.get("names") or ()),
    )


# Bounds of a problem file, checked before it is built into data: the largest built-in file
# is under 8 KiB and nests 3 levels. Past them a file is a mistake or an attack: an alias
# bomb expands a few lines into gigabytes, and deep nesting overflows the C loader's stack.
MAX_PROBLEM_FILE_BYTES = 256 << 10
MAX_NESTING = 32
_OPENING = (
    "FlowSequenceStartToken",
    "FlowMappingStartToken",
    "BlockMappingStartToken",
    "BlockSequenceStartToken",
)
_CLOSING = ("FlowSequenceEndToken", "FlowMappingEndToken", "BlockEndToken")


def _check_shape(path: Path, text: str, yaml: Any, loader: Any) -> None:
    """Refuse anchors, aliases and deep nesting, from the tokens alone (no recursion, and
    it stops at the first offence, so its cost stays bounded)."""
    depth = 0
    for token in yaml.scan(text, Loader=loader):
        name = type(token).__name__
        if name in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                line = token.start_mark.line + 1
                raise ProblemFileError(
                    f"{path}:{line}: nested more than {MAX_NESTING} levels deep; a problem "
                    "file needs a few"
                )
        elif name in _CLOSING:
            depth -= 1
        elif name in ("AliasToken", "AnchorToken"):
            line = token.start_mark.line + 1
            raise ProblemFileError(
                f"{path}:{line}: YAML anchors and aliases (& and *) are not allowed in problem "
                "files: write each value out"
            )


def parse_yaml(path: Path) -> Any:
    """Read one problem file with yaml.safe_load semantics (no tag runs code)."""
    import yaml  # yaml costs start-up time and a warm cache never needs it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROBLEM_FILE_BYTES + 1)
        if len(raw) > MAX_PROBLEM_FILE_BYTES:
            raise ProblemFileError(
                f"{path}: larger than {MAX_PROBLEM_FILE_BYTES >> 10} KiB; a problem file is "
                "a page of text"
            )
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemFileError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise ProblemFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        _check_shape(path, text, yaml, loader)
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, C or pure Python
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ProblemFileError(
            f"{where}: YAML tag not allowed ({exc.problem}): problem files are loaded "
            "with safe_load, which builds only plain data"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        what = exc.problem or exc.context or "invalid YAML"
        raise ProblemFileError(f"{where}: YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise ProblemFileError(f"{path}: YAML error: {exc}") from None


def schema_text() -> str:
    """The JSON Schema of a problem file, as shipped in the package."""
    return (Path(__file__).parent / "problem.schema.json").read_text(encoding="utf-8")
