from __future__ import annotations

import json
import marshal
import os
from pathlib import Path

import pytest

from importdrill.core import paths, problems
from importdrill.core.cache import CACHE_TAG, CACHE_VERSION
from importdrill.core.catalog import Pack, all_packs, load_catalog
from importdrill.core.errors import DuplicateSlugError, ProblemFileError, UsageError
from importdrill.core.kinds import DIFFICULTIES, KINDS
from importdrill.core.summary import BUILTIN_PACK

from .helpers import BROKEN, PACK

# The cache's index and folder of problem data, this interpreter's own.
INDEX = f"problems.{CACHE_TAG}.marshal"
DATA = f"problems.{CACHE_TAG}"


def pack(folder: Path) -> list[Pack]:
    return [Pack(folder.name, folder)]


def test_mini_pack_loads_in_order():
    catalog = load_catalog(pack(PACK), use_cache=False)
    assert [p.slug for p in catalog] == [
        "mini-predict",
        "mini-implement",
        "mini-future",
        "mini-module",
    ]
    module = catalog.get("mini-module")
    assert module.run == "module" and module.module_name == "app.cli"
    assert module.command() == ["python", "-m", "app.cli"]
    assert set(module.files) == {"app/__init__.py", "app/util.py"}
    assert catalog.get("mini-future").unavailable_reason() is not None
    assert catalog.get("mini-predict").unavailable_reason() is None


def test_module_name_drops_dunder_main():
    p = load_catalog(pack(PACK), use_cache=False).get("mini-module")
    assert p._replace(main="todo/__main__.py").module_name == "todo"


def test_unknown_slug_suggests_close_ones():
    catalog = load_catalog(pack(PACK), use_cache=False)
    with pytest.raises(UsageError, match="Did you mean: mini-predict"):
        catalog.get("mini-predikt")


@pytest.mark.parametrize(
    ("case", "pattern"),
    [
        ("syntax", r"syntax\.yaml:3:1: YAML syntax error"),
        (
            "unknown-field",
            r"unknown-field\.yaml:2: field 'titel': unknown field; allowed fields are: slug",
        ),
        ("missing-field", r"missing-field\.yaml: field 'expected_output' is missing"),
        (
            "bad-enum",
            r"bad-enum\.yaml:3: field 'difficulty': 'trivial' is not allowed: must be one of easy, medium, hard",
        ),
        ("python-tag", r"python-tag\.yaml:1:7: YAML tag not allowed"),
        ("mapping-hint", r"mapping-hint\.yaml:\d+: field 'hints': item 2 was read as a mapping"),
        (
            "bad-path",
            r"bad-path\.yaml:\d+: field 'files': '\.\./escape\.py' must be a relative POSIX path",
        ),
    ],
)
def test_broken_files_are_named(
    case: str, pattern: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProblemFileError, match=pattern):
        load_catalog(pack(BROKEN / case), use_cache=False)
    # A !!python tag must never run anything.
    assert not (tmp_path / "importdrill-pwned").exists()


def test_duplicate_slug_names_both_files():
    with pytest.raises(DuplicateSlugError) as info:
        load_catalog(pack(BROKEN / "dup-a") + pack(BROKEN / "dup-b"), use_cache=False)
    message = str(info.value)
    assert "dup-a/twin.yaml" in message and "dup-b/twin.yaml" in message


def write(folder: Path, slug: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = (PACK / "mini-predict.yaml").read_text(encoding="utf-8")
IMPL = (PACK / "mini-implement.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (BASE.replace("slug: mini-predict", "slug: Other"), "slug", "lowercase"),
        (BASE.replace("title: A tiny predict problem", "title: ''"), "title", "non-empty"),
        (BASE.replace("kind: predict", "kind: guess"), "kind", "predict, implement"),
        (BASE.replace("order: 10", "order: first"), "order", "integer"),
        (BASE.replace("tags: [sys.modules]", "tags: []"), "tags", "non-empty list"),
        (BASE.replace("tags: [sys.modules]", "tags: sys.modules"), "tags", "non-empty list"),
        (BASE.replace("  - A dict keyed by name.\n", ""), "hints", "at least two"),
        (BASE.replace("prompt: |\n  What does this print?", "prompt: ''"), "prompt", "non-empty"),
        (BASE + "solution: |\n  print(1)\n", "solution", "only implement"),
        (
            BASE.replace(
                'code: |\n  import sys\n  import json\n  print("json" in sys.modules)\n  print("done")\n',
                "code: ''\n",
            ),
            "code",
            "non-empty",
        ),
        (
            BASE.replace("code: |\n  import sys", "code: ''\nold_code: |\n  import sys"),
            "old_code",
            "unknown field",
        ),
        (
            BASE.replace(
                "explanation: |\n  `import json`", "explanation: ''\nextra: |\n  `import json`"
            ),
            "extra",
            "unknown field",
        ),
        (
            BASE.replace(
                "explanation: |\n  `import json` stores the module in `sys.modules`.\n",
                "explanation: '  '\n",
            ),
            "explanation",
            "non-empty",
        ),
        (
            BASE.replace("expected_output: |\n  True\n  done\n", "expected_output: 5\n"),
            "expected_output",
            "a string",
        ),
        (BASE + "run: subprocess\n", "run", "script, module"),
        (BASE + "main: main.txt\n", "main", "must end in .py"),
        (BASE + "main: /abs/main.py\n", "main", "relative POSIX path"),
        (BASE + "files:\n  main.py: x = 1\n", "main", "also a key of 'files'"),
        (BASE + "files:\n  a.py: 3\n", "files", "must be a string"),
        (BASE + "files: [a.py]\n", "files", "mapping"),
        (BASE + "requires_python: '3.11'\n", "requires_python", ">=3.11"),
        (BASE.replace("code: |", "code: ''\nxcode: |"), "xcode", "unknown field"),
        (
            IMPL.replace("slug: mini-implement", "slug: mini-predict").split("solution:")[0]
            + "expected_output: |\n  json\nhints: [a, b]\nexplanation: x\n",
            "solution",
            "is missing",
        ),
    ],
)
def test_schema_errors_name_the_field(text: str, field: str, message: str, tmp_path: Path):
    write(tmp_path, "mini-predict", text)
    with pytest.raises(ProblemFileError) as info:
        load_catalog(pack(tmp_path), use_cache=False)
    text_ = str(info.value)
    assert "mini-predict.yaml" in text_
    assert f"'{field}'" in text_
    assert message in text_


def test_slug_must_match_file_name(tmp_path: Path):
    write(tmp_path, "other-name", BASE)
    with pytest.raises(ProblemFileError, match="must equal the file name 'other-name'"):
        load_catalog(pack(tmp_path), use_cache=False)


def test_not_a_mapping(tmp_path: Path):
    write(tmp_path, "x", "- just\n- a list\n")
    with pytest.raises(ProblemFileError, match="must be a YAML mapping"):
        load_catalog(pack(tmp_path), use_cache=False)


def test_not_utf8(tmp_path: Path):
    (tmp_path / "x.yaml").write_bytes(b"slug: \xff\xfe\n")
    with pytest.raises(ProblemFileError, match="not UTF-8"):
        load_catalog(pack(tmp_path), use_cache=False)


def test_cache_serves_unchanged_files_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "p"
    path = write(folder, "mini-predict", BASE)
    first = load_catalog(pack(folder))
    assert (Path(os.environ["IMPORTDRILL_HOME"]) / "cache" / INDEX).is_file()

    def boom(_path: Path) -> None:
        raise AssertionError("parsed although the cache was fresh")

    monkeypatch.setattr(problems, "parse_yaml", boom)
    second = load_catalog(pack(folder))
    assert second.get("mini-predict") == first.get("mini-predict")

    # A changed file is parsed again, whatever the cache says.
    monkeypatch.undo()
    path.write_text(BASE.replace("A tiny predict problem", "Changed title!"), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    assert load_catalog(pack(folder)).get("mini-predict").title == "Changed title!"


@pytest.mark.parametrize(
    "damage",
    [
        b"{not marshal",  # damaged
        b"",  # empty
        marshal.dumps(("2/0.0.9", {})),  # written by another version
        marshal.dumps([1, 2, 3]),  # not a cache document at all
        marshal.dumps((CACHE_VERSION, {"x.yaml": (1, 2, "x")})),  # entries of another shape
        marshal.dumps((CACHE_VERSION, [])),
    ],
)
def test_corrupt_cache_is_ignored(damage: bytes):
    cache = Path(os.environ["IMPORTDRILL_HOME"]) / "cache" / INDEX
    cache.parent.mkdir(parents=True)
    cache.write_bytes(damage)
    assert len(load_catalog(pack(PACK))) == 4
    assert marshal.loads(cache.read_bytes())[0] == CACHE_VERSION


def test_schema_json_matches_the_validator():
    schema = json.loads(problems.schema_text())
    assert set(schema["properties"]) == set(problems.FIELDS)
    assert set(schema["required"]) == {k for k, (req, _) in problems.FIELDS.items() if req}
    assert schema["properties"]["difficulty"]["enum"] == list(DIFFICULTIES)
    assert schema["properties"]["kind"]["enum"] == list(KINDS)
    assert schema["properties"]["run"]["enum"] == list(problems.RUN_MODES)
    assert schema["additionalProperties"] is False


def test_packs_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("IMPORTDRILL_PATH", os.pathsep.join([str(PACK), str(BROKEN / "dup-a")]))
    names = [p.name for p in all_packs()]
    assert names[0] == BUILTIN_PACK and names[1:3] == ["pack", "dup-a"]
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    catalog = load_catalog()
    assert {p.slug for p in catalog} == {
        "mini-predict",
        "mini-implement",
        "mini-future",
        "mini-module",
        "twin",
    }
    assert catalog.get("twin").pack == "dup-a"
    monkeypatch.setenv("IMPORTDRILL_PATH", str(tmp_path / "missing"))
    with pytest.raises(UsageError, match="IMPORTDRILL_PATH names .*missing.*not a folder"):
        all_packs()


def test_pack_slug_clashing_with_builtin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    builtin = paths.builtin_problems() / "sys-modules-cache.yaml"
    (tmp_path / "sys-modules-cache.yaml").write_text(
        builtin.read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setenv("IMPORTDRILL_PATH", str(tmp_path))
    with pytest.raises(DuplicateSlugError, match="sys-modules-cache"):
        load_catalog()


def test_next_open_skips_solved_and_unavailable_and_may_wrap():
    catalog = load_catalog(pack(PACK), use_cache=False)
    solved = {"mini-implement"}.__contains__
    # after mini-predict: mini-implement is solved, mini-future unavailable
    assert catalog.next_open("mini-predict", solved).slug == "mini-module"
    assert catalog.next_open("mini-module", solved) is None
    assert catalog.next_open("mini-module", solved, wrap=True).slug == "mini-predict"
    assert catalog.next_open(None, lambda _slug: True, wrap=True) is None


def test_a_warm_catalogue_reads_only_the_problem_asked_for(monkeypatch: pytest.MonkeyPatch):
    load_catalog(pack(PACK))  # cold: parses and writes the index and data files
    cache = Path(os.environ["IMPORTDRILL_HOME"]) / "cache"
    _version, index = marshal.loads((cache / INDEX).read_bytes())
    # The index holds what listing needs, none of the prose or code.
    prompt = load_catalog(pack(PACK), use_cache=False).get("mini-predict").prompt
    assert all(prompt not in entry for entry in index.values())
    assert len(list((cache / DATA).glob("*.marshal"))) == 4
    read: list[str] = []
    real_read_bytes = Path.read_bytes

    def spy(self: Path) -> bytes:
        read.append(self.name)
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    warm = load_catalog(pack(PACK))
    assert [s.slug for s in warm][:1] == ["mini-predict"]
    assert read == [INDEX]  # the index alone
    assert warm.get("mini-module").title
    assert len(read) == 2  # and the one problem's data


def test_a_stale_data_file_is_parsed_again(tmp_path: Path):
    folder = tmp_path / "p"
    folder.mkdir()
    write(folder, "mini-predict", BASE)
    load_catalog(pack(folder))
    data_file = next((Path(os.environ["IMPORTDRILL_HOME"]) / "cache" / DATA).glob("*.marshal"))
    version, (source, _stamp, data) = marshal.loads(data_file.read_bytes())
    data["title"] = "from a stale cache"
    data_file.write_bytes(marshal.dumps((version, (source, (0, 0), data))))
    assert load_catalog(pack(folder)).get("mini-predict").title == "A tiny predict problem"


def test_a_failed_cache_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch):
    def full_disk(self: Path, *args, **kwargs):
        self.parent.mkdir(parents=True, exist_ok=True)
        with open(self, "wb") as handle:
            handle.write(b"{")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    load_catalog(pack(PACK))
    cache = Path(os.environ["IMPORTDRILL_HOME"]) / "cache"
    assert [p.name for p in cache.rglob("*") if p.name.endswith(".tmp")] == []
