"""The catalogue: every pack's problems as summaries (what listing needs), found in their
packs, with the cache that spares a warm start from parsing any problem file."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from importdrill.core import paths
from importdrill.core.cache import CACHE_TAG, read_cache, write_cache
from importdrill.core.errors import (
    DuplicateSlugError,
    ProblemFileError,
    UnknownProblemError,
    UsageError,
)
from importdrill.core.kinds import Difficulty, Kind
from importdrill.core.summary import BUILTIN_PACK, Summary

if TYPE_CHECKING:
    from importdrill.core.problems import Problem

ENTRY_POINT_GROUP = "importdrill.packs"


class Pack(NamedTuple):
    """A folder of problem files, built in or added by IMPORTDRILL_PATH or an entry point."""

    name: str
    folder: Path


def _index_path() -> Path:
    return paths.cache_dir() / f"problems.{CACHE_TAG}.marshal"


def _data_path(slug: str) -> Path:
    # Named by slug, unique in a catalogue; the file says which source it was parsed from,
    # so a same-named problem of another catalogue (another IMPORTDRILL_PATH) is never taken
    # for it: it is parsed again.
    return paths.cache_dir() / f"problems.{CACHE_TAG}" / f"{slug}.marshal"


# --- packs ----------------------------------------------------------------------------------


def _path_stamp() -> list[list[Any]]:
    """What installing or removing a distribution changes: sys.path and its folders' mtimes."""
    stamp: list[list[Any]] = []
    # The script's folder and the current one (where sys.path[0] points, unless `python -m
    # importdrill` dropped it) are left out: their mtimes change with every file written
    # there, and distributions are not installed in them. Left out by name, not position, so
    # that every way of starting importdrill computes the same stamp.
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    skipped = {"", os.getcwd()}
    if main_file:
        skipped.add(os.path.dirname(os.path.abspath(main_file)))
    for entry in sys.path:
        if entry in skipped:
            continue
        try:
            stamp.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            stamp.append([entry, None])
    return stamp


def entry_point_packs() -> list[Pack]:
    """Packs declared by installed distributions, cached until sys.path's folders change.

    Scanning installed distributions imports importlib.metadata and reads every dist-info
    folder, which costs more than the rest of `importdrill list`; pip install and uninstall
    change the mtime of the folder they write in, so the stamp notices them.
    """
    stamp = _path_stamp()
    cache = paths.cache_dir() / f"packs.{CACHE_TAG}.marshal"
    cached = read_cache(cache)
    try:
        if cached["stamp"] == stamp:
            packs = [Pack(str(name), Path(folder)) for name, folder in cached["packs"]]
            _notices.extend(str(message) for message in cached["broken"])
            return packs
    except (ValueError, TypeError, KeyError):
        pass
    found, broken = _scan_entry_points()
    _notices.extend(broken)
    packs_data = [[p.name, str(p.folder)] for p in found]
    write_cache(cache, {"stamp": stamp, "packs": packs_data, "broken": broken})
    return found


# Messages about installed packs that were skipped, for the front end to show.
_notices: list[str] = []


def take_notices() -> list[str]:
    """The messages about broken installed packs since the last call."""
    taken = list(_notices)
    _notices.clear()
    return taken


def _scan_entry_points() -> tuple[list[Pack], list[str]]:
    """The installed packs, and a message for each one that cannot be used."""
    from importlib.metadata import entry_points  # only when packs are listed

    from importdrill.core import packscan

    found: list[Pack] = []
    broken: list[str] = []
    try:
        declared = list(entry_points(group=ENTRY_POINT_GROUP))
    except Exception as exc:
        return [], [f"installed packs were not looked for: {type(exc).__name__}: {exc}"]
    for ep in declared:
        name = f"the installed pack '{ep.name}' (entry point {ENTRY_POINT_GROUP}: {ep.value})"
        # Finding a submodule imports its parent package, which runs the pack's code: it may
        # print, raise anything (SystemExit, KeyboardInterrupt), call os._exit or hang, so it
        # is done in a child interpreter (packscan), and none of it reaches importdrill.
        spec = packscan.locate(ep.value)
        printed = f"; it printed: {spec.printed}" if spec.printed else ""
        if spec.error is not None:
            broken.append(f"{name} is skipped: {spec.error}{printed}")
            continue
        if not spec.locations:
            broken.append(f"{name} is skipped: it is not an importable package folder{printed}")
            continue
        if printed:
            broken.append(f"{name} printed while it was imported: {spec.printed}")
        found.append(Pack(ep.name, Path(spec.locations[0])))
    return found, broken


def all_packs() -> list[Pack]:
    """The built-in pack first, then IMPORTDRILL_PATH's folders, then installed packs."""
    packs = [] if paths.builtins_hidden() else [Pack(BUILTIN_PACK, paths.builtin_problems())]
    seen: set[Path] = set()
    for folder in paths.pack_dirs_from_env():
        if not folder.is_dir():
            raise UsageError(f"{paths.PACKS_ENV} names '{folder}', which is not a folder")
        # The same folder named twice (or by two spellings) is one pack, not a duplicate.
        real = folder.resolve()
        if real in seen:
            continue
        seen.add(real)
        packs.append(Pack(folder.name or str(folder), folder))
    packs.extend(entry_point_packs())
    return packs


def _problem_names(folder: Path) -> list[str]:
    """The names of the problem files in a pack folder, in a stable order."""
    # scandir rather than glob: its entries know whether they are files without a stat each,
    # and names sort faster than paths (a pack of a thousand problems notices both).
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if e.name.endswith(".yaml") and e.is_file())
    except OSError:
        return []


# --- the catalogue --------------------------------------------------------------------------


class Catalog:
    """Every known problem, in the order they are listed, looked up by slug.

    It holds summaries; `get` gives a whole Problem, read from the cache (or parsed) only
    when first asked for, so a catalogue of thousands costs little more than its index.
    """

    def __init__(
        self,
        problems: Iterable[Problem | Summary],
        load: Callable[[Summary], Problem] | None = None,
    ) -> None:
        self._full: dict[str, Problem] = {}
        summaries: list[Summary] = []
        for item in problems:
            if isinstance(item, Summary):
                summaries.append(item)
            else:
                self._full[item.slug] = item
                summaries.append(item.summary)
        # Ranks looked up once, not once per comparison: a catalogue may hold thousands.
        rank = {difficulty: difficulty.rank for difficulty in Difficulty}
        self.summaries: list[Summary] = sorted(
            summaries, key=lambda s: (rank[s.difficulty], s.order, s.slug)
        )
        self._load = load
        # Packs left out because a problem file of theirs is broken (see load_catalog).
        self.broken: list[BrokenPack] = []
        self._by_slug: dict[str, Summary] = {}
        for summary in self.summaries:
            other = self._by_slug.get(summary.slug)
            if other is not None:
                raise DuplicateSlugError(
                    f"slug '{summary.slug}' is declared twice: in {other.source} "
                    f"and in {summary.source}"
                )
            self._by_slug[summary.slug] = summary

    def __iter__(self) -> Iterator[Summary]:
        return iter(self.summaries)

    def __len__(self) -> int:
        return len(self.summaries)

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug

    @property
    def problems(self) -> list[Problem]:
        """Every problem, whole (reads every problem's data: for verify, not for listing)."""
        return [self.get(s.slug) for s in self.summaries]

    def get(self, slug: str) -> Problem:
        """The problem named slug; an unknown slug is a usage error with suggestions."""
        problem = self._full.get(slug)
        if problem is not None:
            return problem
        summary = self._by_slug.get(slug)
        if summary is not None and self._load is not None:
            problem = self._full[slug] = self._load(summary)
            return problem
        import difflib  # only needed on this error path

        close = difflib.get_close_matches(slug, list(self._by_slug), n=3, cutoff=0.5)
        raise UnknownProblemError(slug, close)

    def after(self, slug: str | None) -> list[Summary]:
        """The problems listed after slug (all of them when slug is None), in order."""
        if slug is None or slug not in self._by_slug:
            return list(self.summaries)
        index = self.summaries.index(self._by_slug[slug])
        return self.summaries[index + 1 :]

    def next_open(
        self, slug: str | None, solved: Callable[[str], bool], *, wrap: bool = False
    ) -> Summary | None:
        """The first available, unsolved problem after slug; with wrap, from the top again.
        (A summary: naming the next problem needs none of its data; `get` reads it.)"""
        candidates = self.after(slug) + (self.summaries if wrap else [])
        for summary in candidates:
            if not solved(summary.slug) and not summary.unavailable_reason():
                return summary
        return None


def _load_full(summary: Summary, stamp: tuple[int, int]) -> Problem:
    """One problem's whole data: from its cache file when it matches, else parsed anew."""
    from importdrill.core.problems import build, parse_yaml, validate

    target = _data_path(summary.slug)
    source = summary.source
    cached = read_cache(target)
    if isinstance(cached, tuple) and cached[:2] == (summary.path, stamp):
        return build(cached[2], source, summary.pack)
    data = parse_yaml(source)
    problem = validate(data, source, summary.pack)
    write_cache(target, (summary.path, stamp, data))
    return problem


_DIFFICULTIES = {d.value: d for d in Difficulty}
_KINDS = {k.value: k for k in Kind}


def _from_index(entry: object, stamp: tuple[int, int], path: str, pack: str) -> Summary | None:
    """The summary an index entry holds, if it is one for this very file as it is now."""
    if type(entry) is not tuple or entry[:2] != stamp:
        return None
    try:
        return Summary(
            entry[2],
            entry[3],
            _DIFFICULTIES[entry[4]],
            _KINDS[entry[5]],
            entry[6],
            entry[7],
            entry[8],
            entry[9],
            path,
            pack,
        )
    except (IndexError, KeyError, TypeError):  # not an entry this version writes
        return None


class BrokenPack(NamedTuple):
    """A pack left out of the catalogue: the problem file that broke it, and why."""

    name: str
    path: str
    reason: str

    @property
    def message(self) -> str:
        return f"the problems of the pack '{self.name}' are unavailable: {self.reason}"


def load_catalog(
    packs: list[Pack] | None = None, *, use_cache: bool = True, strict: bool = True
) -> Catalog:
    """Load every problem of every pack, validated. strict: raise on the first broken file;
    otherwise a pack with a broken file is left out whole (its problems are unavailable),
    named in `catalog.broken` and in a notice, and every other pack works."""
    cached = read_cache(_index_path()) if use_cache else None
    if not isinstance(cached, dict):
        cached = {}
    # key: (size, mtime_ns, slug, title, difficulty, kind, tags, order, hints, requires)
    fresh: dict[str, Any] = {}
    items: list[Problem | Summary] = []
    stamps: dict[str, tuple[int, int]] = {}
    broken: list[BrokenPack] = []
    for pack in packs if packs is not None else all_packs():
        pack_items: list[Problem | Summary] = []
        pack_fresh: dict[str, Any] = {}
        pack_stamps: dict[str, tuple[int, int]] = {}
        try:
            _load_pack(
                pack,
                cached=cached,
                use_cache=use_cache,
                items=pack_items,
                fresh=pack_fresh,
                stamps=pack_stamps,
            )
        except ProblemFileError as exc:
            if strict or isinstance(exc, DuplicateSlugError):
                raise
            gone = BrokenPack(pack.name, str(getattr(exc, "path", pack.folder)), str(exc))
            broken.append(gone)
            _notices.append(gone.message)
            continue
        items += pack_items
        fresh.update(pack_fresh)
        stamps.update(pack_stamps)
    catalog = Catalog(items, load=lambda s: _load_full(s, stamps[s.slug]))
    catalog.broken = broken
    if use_cache and fresh != cached:
        write_cache(_index_path(), fresh)
    return catalog


def _load_pack(
    pack: Pack,
    *,
    cached: dict[str, Any],
    use_cache: bool,
    items: list[Problem | Summary],
    fresh: dict[str, Any],
    stamps: dict[str, tuple[int, int]],
) -> None:
    """One pack's problems into items (and its index entries into fresh)."""
    # Paths as text, joined by hand: a Path per file costs a catalogue of a thousand more
    # than the rest of its loading. (A Path is made only for a file to parse.)
    prefix = os.path.join(pack.folder, "")
    for name in _problem_names(pack.folder):
        key = prefix + name
        try:
            stat = os.stat(key)
        except OSError as exc:
            raise ProblemFileError(f"{key}: cannot be read: {exc.strerror or exc}") from None
        stamp = (stat.st_size, stat.st_mtime_ns)
        entry = cached.get(key)
        summary = _from_index(entry, stamp, key, pack.name)
        if summary is not None:
            items.append(summary)
        else:
            from importdrill.core.problems import parse_yaml, validate

            path = Path(key)
            data = parse_yaml(path)
            problem = validate(data, path, pack.name)
            summary = problem.summary
            items.append(problem)
            if use_cache:
                write_cache(_data_path(summary.slug), (key, stamp, data))
            entry = (
                *stamp,
                summary.slug,
                summary.title,
                summary.difficulty.value,
                summary.kind.value,
                summary.tags,
                summary.order,
                summary.hint_count,
                summary.requires_python,
            )
        stamps[summary.slug] = stamp
        fresh[key] = entry
