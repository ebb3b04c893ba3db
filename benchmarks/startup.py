"""Start-up and check timings of importdrill, as ratios measured side by side in one run.

    python benchmarks/startup.py [--rounds N]

Each command is run N times, the commands interleaved round by round so that a busy machine
slows all of them alike, and the median wall time of each is reported. Ratios compare
importdrill with the floor it cannot beat: the import of what it must use.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable


def paths_builtin() -> Path:
    from importdrill.core import paths

    return paths.builtin_problems()


def importdrill() -> list[str]:
    script = shutil.which("importdrill", path=str(Path(PY).parent))
    return [script] if script else [PY, "-m", "importdrill"]


def timed(argv: list[str], env: dict[str, str], stdin: str | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        argv,
        env=env,
        input=stdin,
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="importdrill-bench-")
    env = dict(os.environ, IMPORTDRILL_HOME=home, NO_COLOR="1", COLUMNS="100")
    env.pop("IMPORTDRILL_PATH", None)
    cli = importdrill()
    # The right prediction, from the program's real output (a wrong check never shows it).
    from importdrill.core import runner
    from importdrill.core.catalog import Pack, load_catalog
    from importdrill.core.runnable import program_for

    problem = load_catalog().get("sys-modules-cache")
    program = program_for(problem, problem.code)
    truth = runner.run(program).stdout
    # The problem's program as a learner runs it by hand: every check runs it, so no check can
    # take less than list plus this.
    by_hand = Path(home) / "by-hand"
    runner._write_tree(by_hand, program)
    subprocess.run([*cli, "list"], env=env, stdout=subprocess.DEVNULL, check=True)  # warm the cache

    commands: dict[str, tuple[list[str], str | None]] = {
        "python -c pass": ([PY, "-c", "pass"], None),
        "child start (-E -s -c pass)": ([PY, "-X", "utf8", "-E", "-s", "-c", "pass"], None),
        "import floor (typer, rich.console, rich.table)": (
            [PY, "-c", "import typer, rich.console, rich.table"],
            None,
        ),
        "the program by hand (-E -s main.py)": (
            [PY, "-X", "utf8", "-E", "-s", str(by_hand / program.main)],
            None,
        ),
        "importdrill --help": ([*cli, "--help"], None),
        "importdrill list": ([*cli, "list"], None),
        "importdrill check (predict)": (
            [*cli, "check", "sys-modules-cache", "--predict-file", "-"],
            truth,
        ),
    }
    # A course pack of 1,000 problems beside the built-ins: listing it, and checking one.
    big = Path(home) / "big-pack"
    big.mkdir()
    template = (paths_builtin() / "sys-modules-cache.yaml").read_text(encoding="utf-8")
    for n in range(1000):
        slug = f"big-{n:04d}"
        (big / f"{slug}.yaml").write_text(
            template.replace("slug: sys-modules-cache", f"slug: {slug}"), encoding="utf-8"
        )
    big_env = dict(env, IMPORTDRILL_PATH=str(big), IMPORTDRILL_HOME=str(Path(home) / "big-home"))
    subprocess.run([*cli, "list"], env=big_env, stdout=subprocess.DEVNULL, check=True)
    big_commands = {
        "importdrill list (1,000 more problems)": ([*cli, "list"], None),
        "importdrill check (predict, 1,000 more problems)": (
            [*cli, "check", "sys-modules-cache", "--predict-file", "-"],
            truth,
        ),
    }

    samples: dict[str, list[float]] = {name: [] for name in [*commands, *big_commands]}
    for _ in range(args.rounds):
        for name, (argv, stdin) in commands.items():
            samples[name].append(timed(argv, env, stdin))
        for name, (argv, stdin) in big_commands.items():
            samples[name].append(timed(argv, big_env, stdin))
    median = {name: statistics.median(values) for name, values in samples.items()}
    for name, value in median.items():
        print(f"{name:<50} {value * 1000:7.1f} ms")

    def ratio(top: str, *bottom: str) -> str:
        """top / sum(bottom): of the medians, and the median of each round's own ratio (the
        commands of a round run back to back, so a machine whose speed drifts from minute to
        minute slows both sides of a round's ratio alike)."""
        of_medians = median[top] / sum(median[b] for b in bottom)
        paired = statistics.median(
            samples[top][i] / sum(samples[b][i] for b in bottom) for i in range(args.rounds)
        )
        return f"{of_medians:.2f} x   paired by round {paired:.2f} x"

    floor = "import floor (typer, rich.console, rich.table)"
    list_ = "importdrill list"
    check = "importdrill check (predict)"
    print()
    print(f"import floor / python -c pass:        {ratio(floor, 'python -c pass')}")
    print(f"list / import floor:                  {ratio(list_, floor)}   (goal <= 1.05)")
    print(
        f"--help / import floor:                {ratio('importdrill --help', floor)}   (goal <= 1.15)"
    )
    print(
        f"check / (list + child start):         {ratio(check, list_, 'child start (-E -s -c pass)')}"
    )
    print(
        f"check / (list + the program by hand): {ratio(check, list_, 'the program by hand (-E -s main.py)')}   (goal <= 1.2)"
    )
    print(
        f"list of 1,051 / import floor:         {ratio('importdrill list (1,000 more problems)', floor)}   (goal <= 1.3)"
    )
    print(
        f"check with 1,051 / check with 51:     {ratio('importdrill check (predict, 1,000 more problems)', check)}   (goal: about 1)"
    )

    # verify: wall time of the whole set against the sum of its children's run times / cores.
    from importdrill.app import verify
    from importdrill.core import interpreters, paths, runner

    catalog = load_catalog([Pack("built-in", paths.builtin_problems())], use_cache=False)
    here = interpreters.Interpreter(PY, sys.version_info[:2])
    durations: list[float] = []
    original = runner.run

    def measured(*a, **kw):
        result = original(*a, **kw)
        durations.append(result.duration_s)
        return result

    runner.run = measured
    try:
        start = time.perf_counter()
        report = verify.verify(catalog.problems, [here])
        wall = time.perf_counter() - start
    finally:
        runner.run = original
    cores = os.cpu_count() or 1
    ideal = sum(durations) / cores
    print(
        f"verify, {report.checked} problems ({len(durations)} runs) on {cores} cores: {wall:.2f} s wall; "
        f"sum of runs / cores = {ideal:.2f} s; ratio {wall / ideal:.2f} x"
    )
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
