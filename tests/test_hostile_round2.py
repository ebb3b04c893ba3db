"""Issue 23, 'Nothing can hurt, round two': each case a tester reproduced, through the CLI,
with the promise as the assertion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from importdrill.core import runner
from importdrill.core.errors import ProblemFileError

from .helpers import DATA, mini_pack_env, saved_state, wait_for

VARIANTS = DATA / "variants"
SHADOW = yaml.safe_load((VARIANTS / "shadow-order.yaml").read_text(encoding="utf-8"))


def _pack(tmp_path: Path, *problems: dict, name: str = "pack") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for data in problems:
        (folder / f"{data['slug']}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


# --- 1. nothing reaches your data -----------------------------------------------------------


def _renaming(target: str) -> dict:
    """shadow-order with a variant whose replace renames a support file's path to target."""
    return {
        **SHADOW,
        "slug": "renames-a-path",
        "variants": [{"name": "away", "replace": {"second/tool.py": target}}],
    }


@pytest.mark.parametrize("how", ["absolute", "dotdot", "deep-dotdot"])
def test_a_variant_renaming_a_path_out_of_the_run_folder_never_reaches_progress(
    cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
):
    monkeypatch.setenv("IMPORTDRILL_PATH", str(DATA / "pack"))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    # Some progress first, so that there is a progress.db to lose.
    assert cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n").exit_code == 0
    db = home / "progress.db"
    assert db.is_file()
    target = {
        "absolute": str(db),
        "dotdot": "../../progress.db",
        "deep-dotdot": "second/" + "../" * 12 + str(db).lstrip("/"),
    }[how]
    pack = _pack(tmp_path, _renaming(target))
    monkeypatch.setenv("IMPORTDRILL_PATH", f"{DATA / 'pack'}:{pack}")
    for args in (["verify", "renames-a-path"], ["review"], ["list"], ["check", "renames-a-path"]):
        cli(*args, input="first\n")
    verified = cli("verify")
    assert verified.exit_code != 0
    assert "renames-a-path" in verified.stdout + verified.stderr
    assert "once replaced" in verified.stdout + verified.stderr
    assert b"WHERE = " not in db.read_bytes()  # never written by a variant
    status = cli("status")
    assert status.exit_code == 0 and "1" in status.stdout
    assert saved_state(home)["problems"]["mini-predict"]["solved_at"]


def test_a_run_never_lays_a_file_outside_its_folder(tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    for rel in (str(victim), "../../victim.txt", "a/../../x.py"):
        program = runner.Program(code="print(1)", files={rel: "overwritten"})
        with pytest.raises(ProblemFileError):
            runner.run(program)
    assert victim.read_text(encoding="utf-8") == "mine"


# --- 2. a bad run or file never breaks the next command --------------------------------------

# Deeper than PATH_MAX (4096) as a path: 'dd/' 2,100 times is 6,300 characters.
DEEP = 2100


def _deep_tree(folder: Path, depth: int) -> None:
    """A tree depth folders deep, made relative to open folders (no path could name it)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        for level in range(depth):
            os.mkdir("dd", dir_fd=fd)
            below = os.open("dd", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = below
            if level % 700 == 0:
                with open(os.open("f", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as handle:
                    handle.write("x")
                os.symlink("/etc/hostname", "link", dir_fd=fd)
                os.fchmod(fd, 0o500)  # read-only on the way
    finally:
        os.close(fd)


def _dead_owner() -> str:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return f"{gone.stdout.strip()} 1"


def _run_folders(temp: Path) -> list[str]:
    return [p.name for p in temp.iterdir() if p.name.startswith(runner.RUN_DIR_PREFIX)]


@pytest.mark.slow
@pytest.mark.parametrize("depth", [3000, DEEP])
def test_a_folder_left_deep_by_a_killed_importdrill_is_removed_and_checks_go_on(
    cli, mini_pack, home: Path, monkeypatch: pytest.MonkeyPatch, depth: int
):
    import tempfile

    temp = Path(tempfile.gettempdir())
    left = temp / f"{runner.RUN_DIR_PREFIX}deep"
    (left / "run").mkdir(parents=True)
    (left / runner.OWNER_FILE).write_text(_dead_owner(), encoding="ascii")
    _deep_tree(left / "run", depth)
    monkeypatch.setattr(runner, "_swept", False)  # as in a fresh importdrill process
    first = cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n")
    assert first.exit_code == 0, first.stderr
    assert "Traceback" not in first.stderr and "could not be removed" not in first.stderr
    assert not left.exists()
    assert Path("/etc/hostname").exists()  # links were removed, never followed
    monkeypatch.setattr(runner, "_swept", False)
    assert cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n").exit_code == 0


DEEP_PROGRAM = f"""\
import os
for _ in range({DEEP}):
    os.mkdir("dd")
    os.chdir("dd")
open("bottom.txt", "w").write("x")
os.chmod(".", 0o500)
print("deep")
"""


@pytest.mark.slow
def test_a_program_that_nests_its_run_folder_past_path_max_leaves_nothing(
    cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import tempfile

    problem = {
        "slug": "nests-deep",
        "title": "Deep",
        "difficulty": "easy",
        "kind": "predict",
        "tags": ["sys.path"],
        "prompt": "What does it print?",
        "code": DEEP_PROGRAM,
        "expected_output": "deep\n",
        "hints": ["a", "b"],
        "explanation": "It nests.",
    }
    monkeypatch.setenv("IMPORTDRILL_PATH", str(_pack(tmp_path, problem)))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    for _ in range(2):
        result = cli("check", "nests-deep", "--predict-file", "-", input="deep\n")
        assert result.exit_code == 0, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert _run_folders(Path(tempfile.gettempdir())) == []


NOBODY = "nobody"


def _as_nobody() -> list[str]:
    import pwd
    import shutil

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root to drop to an unprivileged user with setpriv")
    try:
        entry = pwd.getpwnam(NOBODY)
    except KeyError:
        pytest.skip("no user nobody")
    return [
        "setpriv",
        f"--reuid={entry.pw_uid}",
        f"--regid={entry.pw_gid}",
        "--clear-groups",
        "--",
    ]


@pytest.fixture
def nobody_base():
    """A folder an unprivileged user owns (the test's tmp_path is root's alone); removed after."""
    import pwd
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="importdrill-test-nobody-", dir="/tmp"))
    try:
        entry = pwd.getpwnam(NOBODY)
    except KeyError:
        pytest.skip("no user nobody")
    for sub in ("", "tmp", "home"):
        (base / sub).mkdir(exist_ok=True)
        os.chown(base / sub, entry.pw_uid, entry.pw_gid)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _nobody_python() -> str:
    """An interpreter of this version that an unprivileged user can start (this one may sit
    in a folder only root can enter); importdrill runs in it from the source and this
    environment's site-packages (a PYTHONPATH, which the learner's -E run ignores)."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    for candidate in (sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        if os.path.exists(candidate) and _nobody_can_run(candidate):
            return candidate
    pytest.skip("no interpreter of this version that an unprivileged user can start")


def _nobody_can_run(python: str) -> bool:
    done = subprocess.run(
        [
            *_as_nobody(),
            python,
            "-c",
            "import os, sys; os.execv(sys.executable, [sys.executable, '-V'])",
        ],
        capture_output=True,
        timeout=60,
    )
    return done.returncode == 0


def _nobody_env(base: Path, **extra: str) -> dict[str, str]:
    import sysconfig

    env = mini_pack_env(base / "home", TMPDIR=str(base / "tmp"), HOME=str(base / "home"))
    source = Path(__file__).resolve().parent.parent / "src"
    env["PYTHONPATH"] = os.pathsep.join([str(source), sysconfig.get_paths()["purelib"]])
    env.update(extra)
    return env


def _reveal_as_nobody(base: Path, pack: Path, slug: str, timeout: int, **extra: str) -> str:
    """`importdrill reveal SLUG --yes --json` run as the unprivileged user, with pack as the
    only pack: the revealed program's output."""
    import json

    env = _nobody_env(base, IMPORTDRILL_PATH=str(pack), **extra)
    done = subprocess.run(
        [*_as_nobody(), _nobody_python(), "-m", "importdrill", "reveal", slug, "--yes", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    output: str = json.loads(done.stdout)["output"]
    return output


def test_a_run_folder_that_cannot_be_removed_is_reported_once(nobody_base: Path):
    import pwd

    drop = _as_nobody()
    entry = pwd.getpwnam(NOBODY)
    stuck = nobody_base / "tmp" / f"{runner.RUN_DIR_PREFIX}stuck"
    stuck.mkdir()
    (stuck / runner.OWNER_FILE).write_text(_dead_owner(), encoding="ascii")
    locked = stuck / "locked"  # root's: the learner's user can't empty it
    locked.mkdir()
    (locked / "f").write_text("x", encoding="ascii")
    os.chown(stuck / runner.OWNER_FILE, entry.pw_uid, entry.pw_gid)
    os.chown(stuck, entry.pw_uid, entry.pw_gid)
    env = _nobody_env(nobody_base)
    said = []
    for _ in range(3):
        done = subprocess.run(
            [
                *drop,
                _nobody_python(),
                "-m",
                "importdrill",
                "check",
                "mini-predict",
                "--predict-file",
                "-",
            ],
            input="True\ndone\n",
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        said.append(done.stderr.count("could not be removed"))
    assert said == [1, 0, 0]
    assert _run_folders(nobody_base / "tmp") == []


ODD_STATE = {
    "current": "mini-predict",
    "problems": {
        "mini-predict": {
            "status": "solved",
            "hints_revealed": 10**30,
            "attempts": -5,
            "predictions": ["True\ndone\n", "\ud800 lone", 7, "x" * 10],
            "solved_at": "the day before yesterday",
        },
        "mini-module": {"status": "revealed", "hints_revealed": 1, "solved_at": "9999-99-99"},
        "mini-implement": {"status": "solved", "hints_revealed": 2**63, "solved_at": 12},
        "mini-future": {"status": "solved", "solved_at": "2024-02-30T10:00:00"},
        "\udcff": {"status": "solved"},
        "mini-typo": ["not", "a", "mapping"],
    },
}


def test_a_state_json_with_odd_values_migrates_what_it_can(cli, mini_pack, home: Path):
    import json

    home.mkdir(parents=True)
    original = json.dumps(ODD_STATE)  # lone surrogates as \\u escapes, as JSON allows
    (home / "state.json").write_text(original, encoding="utf-8")
    for command in (["status"], ["review", "--list"], ["status"], ["list"], ["review", "--list"]):
        result = cli(*command)
        assert result.exit_code == 0, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
    state = saved_state(home)
    solved = state["problems"]["mini-predict"]
    assert solved["status"] == "solved"
    assert solved["hints_revealed"] == 0 and solved["attempts"] == 0
    assert solved["predictions"] == ["True\ndone\n", "x" * 10]
    assert state["problems"]["mini-module"]["status"] == "revealed"
    assert state["current"] == "mini-predict"
    # The original is kept aside, byte for byte.
    assert (home / "state.json.bak").read_text(encoding="utf-8") == original
    assert not (home / "state.json").exists()


def test_a_log_entry_whose_time_does_not_parse_breaks_no_view(cli, mini_pack, home: Path):
    import sqlite3

    assert cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n").exit_code == 0
    db = sqlite3.connect(home / "progress.db")
    with db:
        db.execute(
            "INSERT INTO log (at, slug, event, verdict) VALUES "
            "('yesterday', 'mini-predict', 'migrated', 'pass'), "
            "(12, 'mini-module', 'attempt', 'pass')"
        )
    db.close()
    for command in (["status"], ["review", "--list"], ["list"]):
        result = cli(*command, input="")
        assert result.exit_code in (0, 1), (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr


def _importdrill(env: dict[str, str], *args: str, timeout: float = 60, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "importdrill", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge", "folder"])
def test_an_unbounded_workspace_file_is_refused_at_once(home: Path, kind: str):
    from .helpers import mini_pack_env

    env = mini_pack_env(home)
    assert _importdrill(env, "start", "mini-implement", "--no-edit").returncode == 0
    folder = home / "workspace" / "mini-implement"
    which = "main.py"
    target = folder / which
    target.unlink()
    if kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(target)  # nobody ever writes to it
    elif kind == "huge":
        with target.open("wb") as handle:
            handle.truncate(64 << 20)  # sparse: 64 MiB of nothing
    else:
        target.mkdir()
    for command in (["check", "mini-implement"], ["run", "mini-implement"]):
        # The timeout is the deadline: a read of /dev/zero or a FIFO would never end.
        done = _importdrill(env, *command, timeout=60)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        said = {"dev-zero": "device", "fifo": "FIFO", "huge": "1 MiB", "folder": "folder"}[kind]
        assert which in done.stderr and said in done.stderr, done.stderr


def test_watch_does_not_create_a_dangling_links_target(home: Path, tmp_path: Path):
    from .helpers import mini_pack_env

    env = mini_pack_env(home)
    assert _importdrill(env, "start", "mini-predict", "--no-edit").returncode == 0
    folder = home / "workspace" / "mini-predict"
    folder.mkdir(parents=True, exist_ok=True)
    gone = tmp_path / "elsewhere" / "made-by-watch.txt"
    gone.parent.mkdir()
    (folder / "prediction.txt").symlink_to(gone)
    done = _importdrill(env, "watch", stdin=subprocess.DEVNULL)
    assert "Traceback" not in done.stderr
    assert not gone.exists()
    assert (folder / "prediction.txt").is_symlink()


# --- 3. terminal and packs -------------------------------------------------------------------

CONTROLS = {"\a": "␇", "\r": "␍", "\b": "␈", "\v": "␋", "\f": "␌", "\x1b": "␛"}
CONTROL_PROGRAM = 'print("bel\\a cr\\r bs\\b vt\\v ff\\f esc\\x1b[2J end")\n'
LONG_LINE = (1 << 20) - 100


def _control_pack(tmp_path: Path) -> Path:
    base = {
        "difficulty": "easy",
        "kind": "predict",
        "tags": ["sys.path"],
        "hints": ["a hint\a with a bell", "b"],
        "explanation": "It prints.",
    }
    return _pack(
        tmp_path,
        {
            **base,
            "slug": "controls",
            "title": "Bell\a and\r return",
            "prompt": "What\b does\v it\f print?",
            "code": CONTROL_PROGRAM,
            "expected_output": "bel\a cr\r bs\b vt\v ff\f esc\x1b[2J end\n",
        },
        {
            **base,
            "slug": "long-line",
            "title": "A long line",
            "prompt": "What does it print?",
            "code": f'print("x" * {LONG_LINE})\n',
            "expected_output": "x\n",
        },
    )


def _assert_pictures(text: str, *, line_ends: bool = False) -> None:
    """Every control shown as its picture; with line_ends, a CR may be a line's end instead
    (a view of output compared as the judge does, with line endings normalised)."""
    for raw, picture in CONTROLS.items():
        assert raw not in text, repr(raw)
        if not (line_ends and raw == "\r"):
            assert picture in text, (picture, text)


def test_control_characters_are_shown_as_placeholders_in_every_view(home: Path, tmp_path: Path):
    from .helpers import mini_pack_env

    env = mini_pack_env(home, IMPORTDRILL_PATH=str(_control_pack(tmp_path)), COLUMNS="200")
    said = _importdrill(env, "start", "controls", "--no-edit", input="")
    assert "␇" in said.stdout and "␍" in said.stdout and "␈" in said.stdout
    assert all(raw not in said.stdout for raw in CONTROLS)
    listed = _importdrill(env, "list")
    assert "Bell␇ and␍ return" in listed.stdout
    hinted = _importdrill(env, "hint", "controls")
    assert "a hint␇ with a bell" in hinted.stdout
    revealed = _importdrill(env, "reveal", "controls", "--yes")
    assert revealed.returncode == 0, revealed.stderr
    _assert_pictures(revealed.stdout, line_ends=True)
    ran = _importdrill(env, "run", "controls")
    _assert_pictures(ran.stdout)
    for output in (said, listed, hinted, revealed, ran):
        assert "\x1b" not in output.stdout + output.stderr


def test_a_single_1_mib_line_is_cut_at_400_characters(home: Path, tmp_path: Path):
    from .helpers import mini_pack_env

    env = mini_pack_env(home, IMPORTDRILL_PATH=str(_control_pack(tmp_path)), COLUMNS="120")
    for command in (["reveal", "long-line", "--yes"], ["run", "long-line"]):
        done = _importdrill(env, *command)
        assert done.returncode in (0, 1), done.stderr
        shown = done.stdout + done.stderr
        assert shown.count("x") < 1000, len(shown)
        assert f"{LONG_LINE - 400:,} more characters" in shown
        assert len(shown.splitlines()) < 60


@pytest.mark.parametrize(
    ("init", "said", "works"),
    [
        ("print('\\x1b]0;pwned\\x07\\x1b[2J loud pack')\n", "loud pack", True),
        ("import sys; sys.stderr.write('\\x1b[?1049h alt screen')\n", "alt screen", True),
        ("raise KeyboardInterrupt\n", "KeyboardInterrupt", False),
        ("raise SystemExit(3)\n", "SystemExit", False),
        ("import os; print('bye', flush=True); os._exit(0)\n", "os._exit", False),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)\n", "signal 9", False),
    ],
    ids=[
        "prints-escapes",
        "stderr-escapes",
        "keyboard-interrupt",
        "system-exit",
        "os-exit",
        "sigkill",
    ],
)
def test_an_installed_pack_that_misbehaves_at_import_is_contained(
    tmp_path: Path, home: Path, init: str, said: str, works: bool
):
    import shutil

    site = tmp_path / "site"
    dist = site / "rude_pack-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: rude-pack\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[importdrill.packs]\nrude = rude_pack.problems\n")
    (site / "rude_pack" / "problems").mkdir(parents=True)
    (site / "rude_pack" / "__init__.py").write_text(init)
    (site / "rude_pack" / "problems" / "__init__.py").write_text("")
    shutil.copy(DATA / "pack" / "mini-predict.yaml", site / "rude_pack" / "problems")
    env = dict(os.environ, IMPORTDRILL_HOME=str(home), PYTHONPATH=str(site), NO_COLOR="1")
    env.pop("IMPORTDRILL_PATH", None)
    for _ in range(2):  # the second time from the cache of installed packs
        listed = _importdrill(env, "list")
        assert listed.returncode == 0, listed.stderr
        assert "import-module" in listed.stdout  # the built-in problems are all there
        assert ("mini-predict" in listed.stdout) is works
        assert "'rude'" in listed.stderr and said in listed.stderr, listed.stderr
        assert "\x1b" not in listed.stdout + listed.stderr
        assert "Traceback" not in listed.stderr
    checked = _importdrill(env, "check", "import-module", "--predict-file", "-", input="x\n")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr


# --- 4. verdicts and exit statuses -----------------------------------------------------------


@pytest.mark.parametrize(("signum", "status"), [(15, 143), (1, 129)], ids=["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("command", ["review", "mix"])
def test_review_and_mix_end_with_the_signal_s_status(
    cli,
    mini_pack,
    monkeypatch: pytest.MonkeyPatch,
    home: Path,
    command: str,
    signum: int,
    status: int,
):
    import pexpect

    from .helpers import spawn

    day0, later = "2026-03-01T09:00:00+00:00", "2026-03-20T09:00:00+00:00"
    monkeypatch.setenv("IMPORTDRILL_NOW", day0)
    assert cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n").exit_code == 0
    # Without cursor position queries: a prompt that ends with one unanswered (the signal
    # can come before the terminal's answer is read) waits a second for it.
    child = (
        spawn(home, command, "--seed", "1", PROMPT_TOOLKIT_NO_CPR="1")
        if command == "mix"
        else spawn(home, command, IMPORTDRILL_NOW=later, PROMPT_TOOLKIT_NO_CPR="1")
    )
    child.expect("Review 1 of 1" if command == "review" else "Problem 1 of")
    # The prompt is drawn: it is up, waiting for the learner (a prediction's `>>>`, or an
    # implement problem's key bar).
    child.expect(">>>|Ctrl-C: stop")
    child.kill(signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus is None and child.exitstatus == status, child.logfile_read.getvalue()[
        -500:
    ]
    assert "Traceback" not in child.logfile_read.getvalue()


STOPPED_PROGRAM = """\
import os, time
from pathlib import Path
marks = Path(os.environ["HOSTILE_MARKS"])
(marks / "started").write_text(str(os.getpid()))
while not (marks / "go").exists():
    time.sleep(0.01)
print("slept")
(marks / "done").write_text("yes")
"""


@pytest.mark.slow
def test_importdrill_stopped_while_a_program_runs_still_judges_it_by_all_its_output(
    home: Path, tmp_path: Path
):
    import signal
    import time

    from .helpers import mini_pack_env

    timeout = 2
    problem = {
        "slug": "stopped",
        "title": "Stopped",
        "difficulty": "easy",
        "kind": "predict",
        "tags": ["sys.path"],
        "prompt": "What does it print?",
        "code": STOPPED_PROGRAM,
        "expected_output": "slept\n",
        "hints": ["a", "b"],
        "explanation": "It sleeps.",
    }
    marks = tmp_path / "marks"
    marks.mkdir()
    env = mini_pack_env(
        home, IMPORTDRILL_PATH=str(_pack(tmp_path, problem)), HOSTILE_MARKS=str(marks)
    )
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "importdrill",
            "check",
            "stopped",
            "--json",
            "--predict-file",
            "-",
            "--timeout",
            str(timeout),
        ],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdin is not None
            proc.stdin.write("slept\n")
            proc.stdin.close()
            assert wait_for(lambda: (marks / "started").exists(), 30)
            proc.send_signal(signal.SIGSTOP)
            stopped_at = time.monotonic()
            (marks / "go").write_text("")
            assert wait_for(lambda: (marks / "done").exists(), 30)
            # Stopped for longer than the timeout: the condition is the clock itself.
            assert wait_for(lambda: time.monotonic() > stopped_at + timeout + 1.5, timeout + 5)
            proc.send_signal(signal.SIGCONT)
            out = proc.stdout.read() if proc.stdout else ""
            err = proc.stderr.read() if proc.stderr else ""
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    import json

    result = json.loads(out)
    assert proc.returncode == 0, (out, err)
    assert result["verdict"] == "pass", result
    assert result.get("seconds", 0) < timeout, result


def _close(fd: int):
    return lambda: os.close(fd)


@pytest.mark.parametrize("closed", [0, 1, 2], ids=["stdin", "stdout", "stderr"])
def test_a_closed_standard_stream_is_a_clear_error(home: Path, closed: int):
    from .helpers import mini_pack_env, snapshot

    before = snapshot(home)
    done = subprocess.run(
        [sys.executable, "-m", "importdrill", "check", "mini-predict", "--predict-file", "-"],
        env=mini_pack_env(home),
        input=None if closed == 0 else b"True\ndone\n",
        stdout=subprocess.DEVNULL if closed == 1 else subprocess.PIPE,
        stderr=subprocess.DEVNULL if closed == 2 else subprocess.PIPE,
        preexec_fn=_close(closed),  # the stream is closed when importdrill starts
        timeout=60,
        check=False,
    )
    said = (done.stdout or b"") + (done.stderr or b"")
    assert done.returncode == 2, said
    assert b"Traceback" not in said
    assert b"closed" in said  # said on the stream that still works
    assert snapshot(home) == before


@pytest.mark.parametrize("command", [["check", "mini-predict", "--predict-file", "-"], ["list"]])
def test_an_output_that_cannot_be_encoded_is_a_clear_error_and_the_verdict_stays(
    home: Path, command: list[str]
):
    from .helpers import mini_pack_env, saved_state

    env = mini_pack_env(home, PYTHONIOENCODING="ascii")
    done = subprocess.run(
        [sys.executable, "-m", "importdrill", *command],
        env=env,
        input="True\ndone\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "PYTHONIOENCODING=utf-8" in done.stderr
    if command[0] == "check":
        assert saved_state(home)["problems"]["mini-predict"]["status"] == "solved"


def test_no_writable_temporary_folder_is_a_clear_error(
    cli, mini_pack, home: Path, monkeypatch: pytest.MonkeyPatch
):
    import tempfile

    from .helpers import snapshot

    def none_usable() -> str:
        # What Python raises when no candidate folder can be written to.
        raise FileNotFoundError(2, "No usable temporary directory found in ['/nowhere']")

    cli("start", "mini-implement", "--no-edit")
    state = snapshot(home)
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(tempfile, "_get_default_tempdir", none_usable)
    monkeypatch.setattr(runner, "_swept", False)
    for args in (["check", "mini-implement"], ["run", "mini-implement"]):
        result = cli(*args)
        assert result.exit_code == 2, result.stdout + result.stderr
        assert "run folder" in result.stderr and "TMPDIR" in result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(home) == state


# --- 5. no process outlives its check ---------------------------------------------------------


def _alive(pid: int, token: str) -> bool:
    """Whether the process runs (a zombie does not) and carries the test's token."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return stat.rsplit(b")", 1)[1].split()[0] != b"Z" and token.encode() in cmdline.split(b"\0")


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat.rsplit(b")", 1)[1].split()[0] != b"Z"


@pytest.mark.parametrize(
    "command",
    [
        ["check", "mini-predict", "--predict-file", "-"],
        ["run", "mini-implement"],
        ["versions", "mini-implement"],
        ["verify", "mini-predict"],
    ],
    ids=["check", "run", "versions", "verify"],
)
def test_the_interpreter_probe_is_supervised_like_a_run(
    home: Path, tmp_path: Path, command: list[str]
):
    import uuid

    from .helpers import mini_pack_env

    token = f"probe-{uuid.uuid4().hex}"
    marks = tmp_path / "marks"
    marks.mkdir()
    fake = tmp_path / "fakepython"
    fake.write_text(
        "#!/bin/sh\n"
        f"setsid sh -c 'sleep 600; :' {token} </dev/null >/dev/null 2>&1 &\n"
        f"echo $! >> {marks}/left\n"
        "echo importdrill-probe 3 12\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    env = mini_pack_env(home)
    done = _importdrill(env, *command, "--python", str(fake), input="True\ndone\n")
    assert "Traceback" not in done.stderr
    assert wait_for(lambda: (marks / "left").exists(), 30)
    # Every start of the fake (the probe's, and a run's) left a process: none outlives it.
    left = [int(pid) for pid in (marks / "left").read_text().split()]
    assert wait_for(lambda: not any(_alive(pid, token) for pid in left), 5), left


ESCAPER = """\
import os, signal, subprocess, sys, time
from pathlib import Path

marks = Path(os.environ["HOSTILE_MARKS"])
supervisor = os.getppid()
importdrill = int(os.environ["HOSTILE_IMPORTDRILL"])
how = os.environ["HOSTILE_HOW"]
# A grandchild that leaves (its own session, an empty environment), then goes for its keepers.
child = subprocess.Popen(
    [sys.executable, "-c", "import os, signal, sys, time\\n"
     "sup, imp, how = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]\\n"
     "refused = []\\n"
     "for pid, sig in ((sup, signal.SIGSTOP if how == 'stop' else signal.SIGKILL), "
     "(imp, signal.SIGKILL if how == 'kill' else 0)):\\n"
     "    try:\\n"
     "        os.kill(pid, sig)\\n"
     "    except OSError:\\n"
     "        refused.append(pid)\\n"
     "open(sys.argv[4] + '/tried', 'w').write(repr(refused))\\n"
     "time.sleep(600)\\n",
     str(supervisor), str(importdrill), how, str(marks), os.environ["HOSTILE_TOKEN"]],
    start_new_session=True, env={},
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
(marks / "grandchild").write_text(str(child.pid))
(marks / "program").write_text(str(os.getpid()))
while True:
    time.sleep(0.05)
"""


@pytest.mark.slow
@pytest.mark.parametrize("how", ["kill", "stop"])
def test_a_grandchild_that_goes_for_its_keepers_does_not_survive(
    home: Path, tmp_path: Path, how: str
):
    """kill: it SIGKILLs the supervisor and importdrill; stop: it SIGSTOPs the supervisor,
    and then importdrill is killed with kill -9. Either way nothing of the run survives."""
    import signal
    import uuid

    from .helpers import mini_pack_env

    token = f"keepers-{uuid.uuid4().hex}"
    marks = tmp_path / "marks"
    marks.mkdir()
    problem = {
        "slug": "escaper",
        "title": "Escaper",
        "difficulty": "easy",
        "kind": "predict",
        "tags": ["sys.path"],
        "prompt": "What does it print?",
        "code": ESCAPER,
        "expected_output": "nothing\n",
        "hints": ["a", "b"],
        "explanation": "It escapes.",
    }
    env = mini_pack_env(
        home,
        IMPORTDRILL_PATH=str(_pack(tmp_path, problem)),
        HOSTILE_MARKS=str(marks),
        HOSTILE_TOKEN=token,
        HOSTILE_HOW=how,
    )
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys; os.environ['HOSTILE_IMPORTDRILL'] = str(os.getpid()); "
            "from importdrill.cli import script; sys.argv[0] = 'importdrill'; script()",
            "check",
            "escaper",
            "--predict-file",
            "-",
            "--timeout",
            "6",
        ],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdin is not None
        proc.stdin.write("nothing\n")
        proc.stdin.close()
        assert wait_for(lambda: (marks / "tried").exists(), 30), proc.stderr
        grandchild = int((marks / "grandchild").read_text())
        program = int((marks / "program").read_text())
        # kill: both refused it, and the check would go on to its timeout; it is ended now
        # (SIGTERM, which it handles as a learner's Ctrl-C) rather than waited out.
        proc.send_signal(signal.SIGKILL if how == "stop" else signal.SIGTERM)
        proc.wait(timeout=30)
    refused = (marks / "tried").read_text()
    assert str(proc.pid) in refused or how != "kill"
    assert wait_for(lambda: not _alive(grandchild, token) and not _running(program), 10), (
        "a learner process outlived its check"
    )


FORK_BOMB = """\
import os, sys, time
made = 0
try:
    while made < 5000:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        made += 1
except OSError as exc:
    print("stopped at", made, exc.errno)
else:
    print("never stopped", made)
"""


# The bound is the machine's task count when the check starts, plus PROCESS_CAP. On a shared
# machine that count moves between the test's looks at it (other users' processes start and
# end), so the test allows for that much churn: the bomb still ends at a count, far below
# the 5,000 forks it would make unbounded.
TASK_CHURN = 64


def _task_bound(before: int) -> int:
    from importdrill.core import shield

    return max(before, shield.tasks_now()) + shield.PROCESS_CAP + TASK_CHURN


def _fork_bomb_pack(tmp_path: Path) -> Path:
    return _pack(
        tmp_path,
        {
            "slug": "fork-bomb",
            "title": "Forks",
            "difficulty": "easy",
            "kind": "predict",
            "tags": ["sys.path"],
            "prompt": "What does it print?",
            "code": FORK_BOMB,
            "expected_output": "x\n",
            "hints": ["a", "b"],
            "explanation": "It forks.",
        },
    )


@pytest.mark.slow
def test_a_fork_bomb_ends_at_a_count(home: Path, tmp_path: Path):
    import json
    import re

    from importdrill.core import shield

    from .helpers import mini_pack_env

    env = mini_pack_env(home, IMPORTDRILL_PATH=str(_fork_bomb_pack(tmp_path)))
    before = shield.tasks_now()
    done = _importdrill(env, "reveal", "fork-bomb", "--yes", "--json", timeout=120)
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)["output"]
    found = re.search(r"stopped at (\d+) 11", output)  # EAGAIN: the count was reached
    assert found, output
    assert int(found.group(1)) <= _task_bound(before)
    assert _run_folders(Path(env["TMPDIR"])) == []  # the check left no run folder behind


def test_as_an_unprivileged_user_a_program_cannot_reach_importdrill(nobody_base: Path):
    """Non-dumpable importdrill and supervisor: /proc/PID/environ and /proc/PID/fd/1 of
    either are closed to the learner's code; a signal to either is refused."""
    _as_nobody()  # skips at once where no unprivileged user can be had
    probe = (
        "import os\n"
        "sup = os.getppid()\n"
        "imp = int(open(f'/proc/{sup}/stat').read().rsplit(')', 1)[1].split()[1])\n"
        "for pid in (sup, imp):\n"
        "    for what in ('environ', 'fd/1', 'mem'):\n"
        "        try:\n"
        "            open(f'/proc/{pid}/{what}', 'rb').close()\n"
        "            print('open', what)\n"
        "        except OSError:\n"
        "            print('closed', what)\n"
        "    try:\n"
        "        os.kill(pid, 0)\n"
        "        print('signal reaches')\n"
        "    except OSError:\n"
        "        print('signal refused')\n"
    )
    pack = nobody_base / "pack"
    pack.mkdir()
    (pack / "reach.yaml").write_text(
        yaml.safe_dump(
            {
                "slug": "reach",
                "title": "Reach",
                "difficulty": "easy",
                "kind": "predict",
                "tags": ["sys.path"],
                "prompt": "What does it print?",
                "code": probe,
                "expected_output": "x\n",
                "hints": ["a", "b"],
                "explanation": "It reaches.",
            }
        ),
        encoding="utf-8",
    )
    output = _reveal_as_nobody(
        nobody_base, pack, "reach", timeout=120, SECRET_OF_THE_LEARNER="hunter2"
    )
    assert "open" not in output.split(), output
    assert output.count("closed") == 6 and output.count("signal refused") == 2, output


@pytest.mark.slow
def test_as_an_unprivileged_user_a_fork_bomb_ends_at_a_count(nobody_base: Path):
    """No writable cgroup for this user: RLIMIT_NPROC is the bound."""
    import re

    from importdrill.core import shield

    _as_nobody()  # skips at once where no unprivileged user can be had
    pack = nobody_base / "bomb"
    pack.mkdir()
    (pack / "fork-bomb.yaml").write_text(
        (_fork_bomb_pack(_made(nobody_base)) / "fork-bomb.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    before = shield.tasks_now()
    output = _reveal_as_nobody(nobody_base, pack, "fork-bomb", timeout=180)
    found = re.search(r"stopped at (\d+) 11", output)
    assert found, output
    assert int(found.group(1)) <= _task_bound(before)


def _made(base: Path) -> Path:
    folder = base / "made"
    folder.mkdir(exist_ok=True)
    return folder


def test_a_pids_group_left_by_a_killed_supervisor_is_emptied_by_the_next_check(home: Path):
    import uuid

    from importdrill.core import shield

    from .helpers import mini_pack_env

    root = shield._pids_hierarchy()
    if root is None:
        pytest.skip("no writable cgroup v1 pids hierarchy here")
    token = f"box-{uuid.uuid4().hex}"
    dead = int(_dead_owner().split()[0])
    folder = Path(root) / f"importdrill-{dead}"
    folder.mkdir()
    left = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)", token],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        (folder / "cgroup.procs").write_text(str(left.pid))
        done = _importdrill(
            mini_pack_env(home),
            "check",
            "mini-predict",
            "--predict-file",
            "-",
            input="True\ndone\n",
        )
        assert done.returncode == 0, done.stderr
        assert left.wait(timeout=10) == -9
        assert wait_for(lambda: not folder.exists() or not _rmdir(folder), 10)
    finally:
        if left.poll() is None:
            left.kill()
            left.wait()
        if folder.exists():
            folder.rmdir()


def _rmdir(folder: Path) -> bool:
    """Whether folder is still there after trying to remove it (an emptied group may need a
    moment before it can be)."""
    try:
        folder.rmdir()
    except OSError:
        return True
    return False
