"""Two installs of importdrill side by side: start-up and a check, interleaved round by round.

    python benchmarks/compare.py BEFORE_BIN AFTER_BIN [--rounds N]

BEFORE_BIN and AFTER_BIN are the bin folders of two environments with importdrill installed
(say, a venv of the main branch and one of a change). Each round runs every command of both
once, back to back, so a machine whose speed drifts slows both sides of a round alike; the
ratios are the median of each round's own ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    before, after = args.before, args.after
    homes = {side: tempfile.mkdtemp(prefix=f"importdrill-compare-{side}-") for side in "ba"}

    def env(side: str) -> dict[str, str]:
        return dict(os.environ, IMPORTDRILL_HOME=homes[side], NO_COLOR="1", COLUMNS="100")

    # The right prediction: what sys-modules-cache's program prints (revealed in a scratch home).
    scratch = dict(os.environ, IMPORTDRILL_HOME=tempfile.mkdtemp(), NO_COLOR="1")
    shown = subprocess.run(
        [f"{after}/importdrill", "reveal", "sys-modules-cache", "--yes", "--json"],
        env=scratch,
        capture_output=True,
        text=True,
        check=True,
    )
    truth = json.loads(shown.stdout)["output"]
    check = ["check", "sys-modules-cache", "--predict-file", "-"]
    commands = {
        "import floor": ([f"{after}/python", "-c", "import typer, rich.console, rich.table"], "a"),
        "before: list": ([f"{before}/importdrill", "list"], "b"),
        "after:  list": ([f"{after}/importdrill", "list"], "a"),
        "before: --help": ([f"{before}/importdrill", "--help"], "b"),
        "after:  --help": ([f"{after}/importdrill", "--help"], "a"),
        "before: check": ([f"{before}/importdrill", *check], "b"),
        "after:  check": ([f"{after}/importdrill", *check], "a"),
    }
    for argv, side in commands.values():  # warm each home's cache
        subprocess.run(
            argv, env=env(side), input=truth, text=True, capture_output=True, check=False
        )
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, (argv, side) in commands.items():
            start = time.perf_counter()
            subprocess.run(
                argv,
                env=env(side),
                input=truth,
                text=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            samples[name].append(time.perf_counter() - start)
    for name, values in samples.items():
        print(f"{name:<16} {statistics.median(values) * 1000:7.1f} ms")

    def paired(top: str, bottom: str) -> float:
        return statistics.median(s / b for s, b in zip(samples[top], samples[bottom], strict=True))

    print()
    for what in ("list", "--help", "check"):
        ratio = paired(f"after:  {what}", f"before: {what}")
        print(f"after / before, {what + ':':<8} {ratio:.3f} x (paired by round)")
    for label, name in (("before", "before: list"), ("after", "after:  list")):
        print(
            f"{label} list / import floor: {paired(name, 'import floor'):.3f} x (paired by round)"
        )


if __name__ == "__main__":
    main()
