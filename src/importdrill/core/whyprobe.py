"""The program `importdrill why` runs inside the learner's interpreter: it answers `import NAME`
step by step, as that interpreter would, without running the module, and prints one JSON document.

It runs as `python -S -c SOURCE CONFIG` and starts `site` itself, so that it sees what site and
each `.pth` file did (the paths they added, the modules they imported, the finders they
installed). Everything here must run on CPython 3.9 and later: no syntax newer than 3.9 (ruff
checks this file as 3.9), and nothing is imported before the first lines have taken note of
what the interpreter's own start-up had loaded.
"""

from __future__ import annotations

import sys

# Before anything of ours: what the interpreter imported before site (the -S start-up), and
# the first sys.path entry that -c put there ('' unless safe_path), which a plain run lacks.
_CORE = list(sys.modules)
_SAFE_PATH = bool(getattr(sys.flags, "safe_path", False))
if not _SAFE_PATH and sys.path:
    sys.path.pop(0)

# typing is not imported: it would be loaded before site, as if start-up had loaded it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Doc = dict[str, Any]

PROBE_VERSION = 1
# The descriptor the document is written to (stdout, until _main() moves it aside).
_OUT = 1
# How much of a finder's repr is kept: a custom finder's repr can be anything.
REPR_CHARS = 200


def _short(value: object) -> str:
    try:
        text = repr(value)
    except Exception:  # a finder's own __repr__ may fail
        text = f"<{type(value).__name__}>"
    return text[:REPR_CHARS]


def _class_name(obj: object) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _start_site(records: Doc) -> None:
    """Run site.main() as start-up would, noting what each .pth file and customize module did."""
    before_site = set(sys.modules)
    before_meta = list(sys.meta_path)
    import site

    pth: list[Doc] = []
    custom: list[Doc] = []

    def watched(kind: str, label: str, call: Callable[..., Any], *args: Any) -> Any:
        mods = set(sys.modules)
        paths = list(sys.path)
        metas = list(sys.meta_path)
        hooks = list(sys.path_hooks)
        try:
            return call(*args)
        finally:
            entry = {
                "file": label,
                "paths": [p for p in sys.path if p not in paths],
                "modules": sorted(set(sys.modules) - mods),
                "finders": [id(f) for f in sys.meta_path if f not in metas],
                "hooks": [_short(h) for h in sys.path_hooks if h not in hooks],
            }
            # site tries `import sitecustomize` whether or not there is one: only one that
            # was found ran.
            if kind == "pth" or label in sys.modules:
                bucket = pth if kind == "pth" else custom
                # The same site folder can come twice (a venv's lib64 is its lib): site reads
                # its .pth files twice, and the second time adds nothing new.
                same = [r for r in bucket if r["file"] == label]
                if same:
                    for key in ("paths", "modules", "finders", "hooks"):
                        same[0][key] += entry[key]
                else:
                    bucket.append(entry)

    original_addpackage = getattr(site, "addpackage", None)
    if original_addpackage is not None:

        def addpackage(sitedir: str, name: str, known_paths: Any) -> Any:
            import os

            path = os.path.join(sitedir, name)
            return watched("pth", path, original_addpackage, sitedir, name, known_paths)

        site.addpackage = addpackage  # type: ignore[assignment] # ours passes theirs on
    # 3.15 (PEP 829) reads every .pth file first and acts later, in StartupState.process():
    # its paths are appended, then its import lines run, file by file; site.addpackage is
    # no longer called. Each file's import lines are run on their own so that what they did
    # is theirs, and its paths are read from the state's ledger.
    state_class = getattr(site, "StartupState", None)
    original_exec_imports = getattr(state_class, "_exec_imports", None)
    original_process = getattr(state_class, "process", None)
    if state_class is not None and original_exec_imports and original_process:

        def exec_imports(self: Any) -> None:
            everything = self._importexecs
            try:
                for filename, lines in list(everything.items()):
                    self._importexecs = {filename: lines}
                    watched("pth", filename, original_exec_imports, self)
            finally:
                self._importexecs = everything

        def process(self: Any) -> None:
            original_process(self)
            for filename, folder in self._path_entries:
                if filename is None or folder not in sys.path:
                    continue
                same = [r for r in pth if r["file"] == filename]
                if same:
                    same[0]["paths"].append(folder)
                else:
                    pth.append(
                        {
                            "file": filename,
                            "paths": [folder],
                            "modules": [],
                            "finders": [],
                            "hooks": [],
                        }
                    )

        state_class._exec_imports = exec_imports
        state_class.process = process
    for hook in ("execsitecustomize", "execusercustomize"):
        original = getattr(site, hook, None)
        if original is not None:
            label = "sitecustomize" if hook == "execsitecustomize" else "usercustomize"

            def run(original: Any = original, label: str = label) -> Any:
                return watched("custom", label, original)

            setattr(site, hook, run)
    try:
        site.main()
    finally:
        if original_addpackage is not None:
            site.addpackage = original_addpackage
        if state_class is not None and original_exec_imports and original_process:
            state_class._exec_imports = original_exec_imports
            state_class.process = original_process
    attributed = set()
    for entry in pth + custom:
        attributed.update(entry["modules"])
    records["site_modules"] = sorted(set(sys.modules) - before_site - attributed)
    records["pth"] = pth
    records["customize"] = custom
    records["site_finders"] = [id(f) for f in sys.meta_path if f not in before_meta]


def _spec(spec: Any) -> Doc | None:
    if spec is None:
        return None
    loader = getattr(spec, "loader", None)
    locations = getattr(spec, "submodule_search_locations", None)
    namespace = loader is None or type(loader).__name__ in ("NamespaceLoader", "_NamespaceLoader")
    return {
        "name": getattr(spec, "name", None),
        "origin": getattr(spec, "origin", None),
        "loader": None if loader is None else _class_name(loader),
        "locations": None if locations is None else [str(p) for p in list(locations)],
        "cached": getattr(spec, "cached", None) if getattr(spec, "has_location", False) else None,
        "namespace": bool(namespace and locations is not None),
    }


def _suffixes() -> tuple[list[str], list[str], list[str]]:
    import importlib.machinery as m

    return (
        list(m.EXTENSION_SUFFIXES),
        list(m.SOURCE_SUFFIXES),
        list(m.BYTECODE_SUFFIXES),
    )


def _holds(entry: str, last: str) -> list[Any]:
    """What a folder on the path holds under the name, in FileFinder's order of preference."""
    import os

    folder = entry or os.getcwd()
    found: list[Doc] = []
    if not os.path.isdir(folder):
        if os.path.isfile(folder):
            import zipfile

            try:
                with zipfile.ZipFile(folder) as archive:
                    names = set(archive.namelist())
            except Exception:
                return found
            for candidate, kind in (
                (last + "/__init__.py", "package"),
                (last + "/__init__.pyc", "package"),
                (last + ".py", "module"),
                (last + ".pyc", "bytecode"),
            ):
                if candidate in names:
                    found.append({"kind": kind, "path": os.path.join(folder, candidate)})
        return found
    extensions, sources, bytecode = _suffixes()
    package = os.path.join(folder, last)
    if os.path.isdir(package):
        init = None
        for suffix in extensions + sources + bytecode:
            if os.path.isfile(os.path.join(package, "__init__" + suffix)):
                init = os.path.join(package, "__init__" + suffix)
                break
        if init is not None:
            found.append({"kind": "package", "path": init})
    for kinds, suffixes in (("extension", extensions), ("module", sources), ("bytecode", bytecode)):
        for suffix in suffixes:
            path = os.path.join(folder, last + suffix)
            if os.path.isfile(path):
                found.append({"kind": kinds, "path": path})
    if os.path.isdir(package) and not any(f["kind"] == "package" for f in found):
        found.append({"kind": "namespace", "path": package})
    cache = os.path.join(folder, "__pycache__")
    if os.path.isdir(cache) and not any(f["kind"] in ("module", "package") for f in found):
        try:
            for child in sorted(os.listdir(cache)):
                if child.startswith(last + ".") and child.endswith(".pyc"):
                    found.append({"kind": "orphan-cache", "path": os.path.join(cache, child)})
        except OSError:
            pass
    return found


def _listing(entry: str) -> list[Any]:
    """The names importable from a folder on the path (for near misses)."""
    import os

    folder = entry or os.getcwd()
    extensions, sources, bytecode = _suffixes()
    names = set()
    try:
        children = os.listdir(folder)
    except OSError:
        return []
    for child in children:
        for suffix in extensions + sources + bytecode:
            if child.endswith(suffix):
                names.add(child[: -len(suffix)])
                break
        else:
            if child.isidentifier() and os.path.isdir(os.path.join(folder, child)):
                names.add(child)
    return sorted(n for n in names if n.isidentifier())


def _search(name: str, path: list[Any] | None, finder_owner: dict[int, str]) -> Doc:
    """Ask each finder on sys.meta_path in turn, and PathFinder entry by entry."""
    from importlib.machinery import PathFinder

    level: Doc = {"name": name, "search_path": None if path is None else list(path)}
    finders = []
    winner = None
    failed = None
    for index, finder in enumerate(sys.meta_path):
        record: Doc = {
            "index": index,
            "class": _class_name(finder),
            "repr": _short(finder),
            "installed_by": finder_owner.get(id(finder), "interpreter"),
            "asked": False,
            "legacy": False,
            "answer": None,
            "error": None,
        }
        find_spec = getattr(finder, "find_spec", None)
        reached = winner is None and failed is None  # import stops at the first answer
        ask: Callable[[], Any] | None = None
        if find_spec is None:
            record["legacy"] = reached
            if sys.version_info < (3, 12) and hasattr(finder, "find_module"):
                # Before 3.12 import still asked a finder without find_spec this way.
                def ask(finder: Any = finder) -> Any:
                    import importlib.util

                    loader = finder.find_module(name, path)
                    return None if loader is None else importlib.util.spec_from_loader(name, loader)
        else:

            def ask(find_spec: Any = find_spec) -> Any:
                return find_spec(name, path, None)

        if reached and ask is not None:
            record["asked"] = True
            try:
                answer = ask()
            except Exception as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"
                failed = index
            else:
                record["answer"] = _spec(answer)
                if answer is not None:
                    winner = index
        finders.append(record)
    level["finders"] = finders
    level["winner"] = winner
    level["failed"] = failed
    entries = []
    last = name.rpartition(".")[2]
    for index, entry in enumerate(sys.path if path is None else list(path)):
        record = {"index": index, "entry": entry, "finder": None, "answer": None, "error": None}
        record["holds"] = _holds(entry, last) if isinstance(entry, str) else []
        try:
            answer = PathFinder.find_spec(name, [entry])
        except Exception as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
        else:
            record["answer"] = _spec(answer)
        import os

        key = entry if entry else os.getcwd()
        cached = sys.path_importer_cache.get(key)
        record["finder"] = None if cached is None else _class_name(cached)
        entries.append(record)
    level["entries"] = entries
    try:
        level["path_answer"] = _spec(PathFinder.find_spec(name, path))
    except Exception as exc:
        level["path_answer"] = None
        level["path_error"] = f"{type(exc).__name__}: {exc}"
    return level


def _in_stdlib(origin: str | None) -> bool:
    """Whether a module's origin is the standard library's (its own __init__ is no code of the
    learner's, and runs without asking)."""
    import os
    import sysconfig

    if origin in ("built-in", "frozen"):
        return True
    if not origin or not os.path.isabs(origin):
        return False
    real = os.path.realpath(origin)
    for key in ("stdlib", "platstdlib"):
        folder = sysconfig.get_paths().get(key)
        if folder and real.startswith(os.path.join(os.path.realpath(folder), "")):
            return "site-packages" not in real.split(os.sep)
    return False


def _stdlib_names() -> list[Any]:
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return sorted(names)
    import os
    import sysconfig

    found = set(sys.builtin_module_names)
    for key in ("stdlib", "platstdlib"):
        folder = sysconfig.get_paths().get(key)
        if folder:
            found.update(_listing(folder))
            found.update(_listing(os.path.join(folder, "lib-dynload")))
    found.discard("site-packages")
    return sorted(found)


def _entry_origins(config: Doc, records: Doc, path0: str | None, site_paths: set[str]) -> list[Any]:
    import os
    import site

    pythonpath = [
        os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
    ]
    by_pth: dict[str, str] = {}
    for record in records["pth"]:
        for added in record["paths"]:
            by_pth.setdefault(added, record["file"])
    by_custom: dict[str, str] = {}
    for record in records["customize"]:
        for added in record["paths"]:
            by_custom.setdefault(added, record["file"])
    user_site = getattr(site, "USER_SITE", None)
    site_dirs = set()
    try:
        site_dirs.update(site.getsitepackages())
    except Exception:
        pass
    bases = {sys.base_prefix, sys.base_exec_prefix}
    origins = []
    for index, entry in enumerate(sys.path):
        detail = None
        text = entry if isinstance(entry, str) else str(entry)
        absolute = os.path.abspath(text) if text else os.getcwd()
        parts = absolute.split(os.sep)
        if index == 0 and path0 is not None and entry == path0:
            kind = "script" if config["mode"] == "script" else "cwd"
        elif absolute in pythonpath:
            kind = "pythonpath"
        elif text in by_pth:
            kind, detail = "pth", by_pth[text]
        elif text in by_custom:
            kind, detail = "customize", by_custom[text]
        elif user_site and absolute == os.path.abspath(user_site):
            kind = "user-site"
        elif text in site_dirs or "site-packages" in parts or "dist-packages" in parts:
            kind = "site-packages"
        elif any(absolute.startswith(os.path.join(b, "")) for b in bases):
            kind = "stdlib"
        elif text in site_paths:
            kind = "site-packages"
        else:
            kind = "other"
        if os.path.isdir(absolute):
            exists = "dir"
        elif os.path.isfile(absolute):
            exists = "file"
        else:
            exists = "missing"
        origins.append({"entry": text, "origin": kind, "detail": detail, "exists": exists})
    return origins


def _distributions(top: str, targets: list[Any]) -> Doc:
    """The installed distributions that provide top, those named like it, and who owns targets."""
    import os

    try:
        from importlib import metadata
    except ImportError:
        return {"providers": [], "named": [], "owners": {}}
    wanted = {os.path.realpath(t): t for t in targets if t}
    providers = []
    named = []
    owners = {}
    seen = set()

    def normal(text: str) -> str:
        return text.lower().replace("-", "_").replace(".", "_")

    for dist in metadata.distributions():
        try:
            dist_name = dist.metadata["Name"] or ""
        except Exception:
            continue
        if not dist_name or normal(dist_name) in seen:
            continue
        seen.add(normal(dist_name))
        files = _record(dist)
        tops: set[str] = set()
        text = None
        try:
            text = dist.read_text("top_level.txt")
        except Exception:
            text = None
        if text:
            tops.update(line.strip() for line in text.splitlines() if line.strip())
        else:
            tops.update(_tops(files))
        if wanted:
            try:
                base = os.path.realpath(str(dist.locate_file("")))
            except Exception:
                base = ""
            inside = {
                os.path.relpath(real, base).replace(os.sep, "/"): target
                for real, target in wanted.items()
                if base and real.startswith(os.path.join(base, ""))
            }
            for f in files:
                if f in inside:
                    owners[inside[f]] = dist_name
        editable = None
        try:
            direct = dist.read_text("direct_url.json")
            if direct:
                import json

                info = json.loads(direct)
                if info.get("dir_info", {}).get("editable"):
                    editable = info.get("url")
        except Exception:
            editable = None
        version = None
        try:
            version = dist.version
        except Exception:
            version = None
        row = {
            "name": dist_name,
            "version": version,
            "import_names": sorted(t for t in tops if t.isidentifier()),
            "editable": editable,
            "location": _location(dist),
        }
        if top in tops:
            providers.append(row)
        elif normal(dist_name) == normal(top):
            named.append(row)
    return {"providers": providers, "named": named, "owners": owners}


def _location(dist: Any) -> str | None:
    """The folder a distribution's metadata sits in (site-packages, or a project's own
    folder for an .egg-info beside its sources)."""
    import os

    try:
        return os.path.realpath(str(dist.locate_file("")))
    except Exception:
        return None


def _record(dist: Any) -> list[str]:
    """The files a distribution installed, as RECORD lists them (relative, with /)."""
    text = None
    try:
        text = dist.read_text("RECORD")
    except Exception:
        text = None
    if text is None:
        try:
            return [str(f) for f in dist.files or []]
        except Exception:
            return []
    return [line.split(",")[0].strip('"') for line in text.splitlines() if line.strip()]


def _tops(files: list[str]) -> set[str]:
    """The top-level import names among a distribution's files."""
    tops = set()
    for f in files:
        parts = f.split("/")
        first = parts[0]
        if first in ("..", "__pycache__") or first.endswith((".dist-info", ".egg-info")):
            continue
        if len(parts) == 1:
            for suffix in (".py", ".pyc", ".so", ".pyd"):
                if first.endswith(suffix):
                    tops.add(first.split(".")[0])
        elif first.isidentifier():
            tops.add(first)
    return tops


def _nested(name: str, bases: list[Any]) -> list[Any]:
    """NAME one or two folders down from bases, where it is not importable (src layouts)."""
    import os

    found = []
    seen = set()
    for base in bases:
        if not base or base in seen or not os.path.isdir(base):
            continue
        seen.add(base)
        try:
            children = sorted(os.listdir(base))
        except OSError:
            continue
        for child in children[:200]:
            folder = os.path.join(base, child)
            if child.startswith(".") or not os.path.isdir(folder):
                continue
            for candidate in (os.path.join(folder, name), os.path.join(folder, name + ".py")):
                if os.path.exists(candidate):
                    found.append(
                        {
                            "path": candidate,
                            "folder": folder,
                            "has_init": os.path.isdir(candidate)
                            and os.path.exists(os.path.join(candidate, "__init__.py")),
                            "is_dir": os.path.isdir(candidate),
                        }
                    )
    return found


def _near(name: str, levels: list[Any], stdlib: list[Any]) -> Doc:
    import difflib
    import os

    last = name.rpartition(".")[2]
    pool = set(sys.builtin_module_names)
    searched = levels[-1]["entries"] if levels else []
    for entry in searched:
        pool.update(_listing(entry["entry"]))
    close = difflib.get_close_matches(last, sorted(pool), n=5, cutoff=0.75)
    folded = [n for n in sorted(pool) if n.lower() == last.lower() and n != last]
    for n in folded:
        if n not in close:
            close.insert(0, n)
    bases = [os.getcwd()]
    if levels and levels[-1]["search_path"] is not None:
        bases = list(levels[-1]["search_path"])
    elif sys.path and sys.path[0]:
        bases.insert(0, sys.path[0])
    return {"close": close, "nested": _nested(last, bases)}


def _prepare() -> None:
    """Import what the probe needs before the script's folder or the current folder is on
    sys.path, where a json.py or an email/ of the learner's would be found instead."""
    import difflib  # noqa: F401
    import importlib.machinery
    import importlib.util
    import json  # noqa: F401
    import os  # noqa: F401
    import sysconfig  # noqa: F401
    import traceback  # noqa: F401
    import zipfile  # noqa: F401

    try:
        import importlib.metadata  # noqa: F401
    except ImportError:
        pass


def _main(config: Doc) -> Doc:
    records: Doc = {}
    _start_site(records)
    after_start = list(sys.modules)
    _prepare()
    probe_loaded = set(sys.modules)
    import os

    site_paths = set(sys.path)
    mode = config.get("mode", "plain")
    path0 = None
    if not _SAFE_PATH:
        if mode == "script":
            path0 = os.path.dirname(os.path.realpath(config["script"]))
        elif mode == "module":
            path0 = os.getcwd()
        else:
            path0 = ""
        sys.path.insert(0, path0)
    # A package of a dotted name may run (--yes) and print: from here on its output goes to
    # stderr, and the document alone to the real stdout.
    global _OUT  # noqa: PLW0603 - set once, read by main()
    _OUT = os.dup(1)
    os.dup2(2, 1)
    finder_owner: dict[int, str] = {}
    for fid in records["site_finders"]:
        finder_owner[fid] = "site"
    for record in records["pth"] + records["customize"]:
        for fid in record["finders"]:
            finder_owner[fid] = record["file"]
    imported_by: dict[str, str] = {}
    for module in records["site_modules"]:
        imported_by[module] = "site"
    for record in records["pth"] + records["customize"]:
        for module in record["modules"]:
            imported_by.setdefault(module, record["file"])
    for module in _CORE:
        imported_by[module] = "interpreter"
    for record in records["pth"] + records["customize"]:
        record["finders"] = [
            _class_name(f) for f in sys.meta_path if finder_owner.get(id(f)) == record["file"]
        ]
    document: Doc = {
        "probe": PROBE_VERSION,
        "python": {
            "executable": sys.executable,
            "version": list(sys.version_info[:3]),
            "implementation": sys.implementation.name,
            "prefix": sys.prefix,
            "base_prefix": sys.base_prefix,
        },
        "cwd": os.getcwd(),
        "mode": mode,
        "path0": path0,
        "safe_path": _SAFE_PATH,
        "user_site": None,
        "pth": records["pth"],
        "customize": records["customize"],
    }
    import site

    document["user_site"] = getattr(site, "USER_SITE", None) if site.ENABLE_USER_SITE else None
    top = config["name"].split(".")[0]
    stdlib = _stdlib_names()
    if config.get("brief"):
        import importlib.util

        try:
            spec = importlib.util.find_spec(top)
        except Exception:
            spec = None
        document["brief"] = {"name": top, "spec": _spec(spec)}
        return document
    document["sys_path"] = _entry_origins(config, records, path0, site_paths)
    document["stdlib_name"] = top in stdlib
    document["start_modules"] = {
        m: imported_by.get(m, "interpreter") for m in after_start if m.split(".")[0] == top
    }
    levels = []
    stopped = None
    parts = config["name"].split(".")
    parent_path = None
    for depth in range(1, len(parts) + 1):
        name = ".".join(parts[:depth])
        level = _search(name, parent_path, finder_owner)
        if name in after_start:
            level["cached"] = imported_by.get(name, "interpreter")
        elif name in sys.modules and name not in probe_loaded:
            level["cached"] = "parent"  # imported by its parent package's __init__ (--yes)
        else:
            level["cached"] = None
        if level["cached"] is not None:
            level["cached_spec"] = _spec(getattr(sys.modules[name], "__spec__", None))
        levels.append(level)
        if depth == len(parts):
            break
        if ".".join(parts[: depth + 1]) in after_start:
            # Already imported at start-up (os.path): import returns it, whatever its parent.
            parent_path = list(getattr(sys.modules.get(name), "__path__", None) or [])
            continue
        # The next name is searched on this one's __path__: it must be imported first.
        # (A module the probe itself loaded counts only if it is the one import would find.)
        module = sys.modules.get(name)
        spec = None
        if level["winner"] is not None:
            spec = level["finders"][level["winner"]]["answer"]
        ours = name not in after_start and name in probe_loaded
        if module is not None and ours:
            loaded = _spec(getattr(module, "__spec__", None))
            if spec is None or loaded is None or loaded["origin"] != spec["origin"]:
                module = None
        if module is None or ours:
            if spec is None:
                stopped = {"reason": "parent-missing", "parent": name, "origin": None}
                break
            if spec["locations"] is None:
                stopped = {"reason": "parent-not-package", "parent": name, "origin": spec["origin"]}
                break
            if spec["namespace"]:
                level["imported"] = "namespace"
            elif _in_stdlib(spec["origin"]):
                level["imported"] = "stdlib"
            elif config.get("allow"):
                level["imported"] = "allowed"
            else:
                stopped = {"reason": "parent-would-run", "parent": name, "origin": spec["origin"]}
                break
            if module is None and name in sys.modules:
                # The probe holds another module of this name (the standard library's, which
                # it uses itself): search the __path__ the learner's package starts with.
                level["imported"] = "locations"
                parent_path = list(spec["locations"])
                continue
            import importlib

            try:
                module = importlib.import_module(name)
            except BaseException as exc:  # the package's own code: SystemExit included
                stopped = {
                    "reason": "parent-failed",
                    "parent": name,
                    "origin": spec["origin"],
                    "error": f"{type(exc).__name__}: {exc}",
                }
                break
        parent_path = getattr(module, "__path__", None)
        if parent_path is None:
            stopped = {
                "reason": "parent-not-package",
                "parent": name,
                "origin": getattr(module, "__file__", None),
            }
            break
        parent_path = list(parent_path)
    document["levels"] = levels
    document["stopped"] = stopped
    last = levels[-1]
    found = None
    if stopped is None:
        if last.get("cached_spec") is not None and last["cached"] is not None:
            found = last["cached_spec"]
        elif last["winner"] is not None:
            found = last["finders"][last["winner"]]["answer"]
    document["spec"] = found
    targets = [found["origin"]] if found and found["origin"] else []
    targets += [record["file"] for record in records["pth"]]
    document["distributions"] = _distributions(top, targets)
    document["near"] = _near(config["name"], levels, stdlib) if found is None else None
    if found is not None:
        # A copy of the name one folder down (src/NAME) that is not the one found.
        document["nested"] = _nested(config["name"].rpartition(".")[2], [os.getcwd()])
    document["stdlib_close"] = []
    if found is None:
        import difflib

        document["stdlib_close"] = difflib.get_close_matches(top, stdlib, n=3, cutoff=0.8)
    return document


def main() -> None:
    # The arguments are plain strings: parsing JSON here would import json before site runs,
    # and json would seem to be loaded at start-up.
    name, mode, script, allow, brief = (sys.argv[1:] + [""] * 5)[:5]
    config = {"name": name, "mode": mode, "script": script, "allow": allow == "1"}
    config["brief"] = brief == "1"
    try:
        document = _main(config)
    except BaseException as exc:
        import traceback

        document = {
            "probe": PROBE_VERSION,
            "failure": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc()[-4000:],
        }
    import json
    import os

    sys.stdout.flush()
    # The last line of stdout: anything a .pth file printed before it is left above.
    data = ("\n" + json.dumps(document, default=str) + "\n").encode("ascii")
    while data:
        data = data[os.write(_OUT, data) :]
    os._exit(0)  # nothing of the learner's (an atexit handler of a package) runs after this


if __name__ == "__main__":
    main()
