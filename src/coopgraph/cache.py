"""An on-disk store of a big graph, kept in the user's cache, so a command need not parse it at each start.

Parsing a million triples takes seconds at each start; opening a pyoxigraph store on disk takes
milliseconds. :func:`open_store` gives the store of a list of files (the ontology and data of the tree used):

- **When**: ``COOPGRAPH_STORE`` says ``on``, ``off`` or ``auto`` (the default: on when the files hold more
  than :data:`AUTO_BYTES` bytes; below that, parsing is quicker than anything a cache saves).
- **Where**: ``$XDG_CACHE_HOME/coopgraph/stores/`` (``~/.cache/…``), one folder per tree and data folder
  (the same files seen from another tree are another graph: their named graphs differ).
- **Stale or not**: every build is a folder of its own, never changed once built, with a manifest of the
  files it holds (path, named graph, size, modification time, SHA-256). A build is used only when the files
  asked for are the manifest's, in the same order, each with the same size and either the same modification
  time or the same SHA-256. Otherwise a new build is made beside it (parsed with
  :func:`coopgraph.load.load_store`, so with the same errors) and made current by an atomic rename; builds no
  process holds are removed.
- **Safe**: readers open a build read-only under a shared lock; nothing writes to a build after it is made,
  so an interrupted command leaves nothing half-written (at worst an unfinished ``tmp-*`` folder, removed
  by the next build). A caller that needs to add to the graph takes a :meth:`Build.scratch_copy` (hard links,
  milliseconds). When the cache cannot be used (no space, no permission, a locked build) the files are
  parsed in memory instead and a warning says why.

A build also keeps results computed from it (the validation of the base graph, :mod:`coopgraph.incremental`)
in files of its own: :meth:`Build.read` / :meth:`Build.write`.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from coopgraph import __version__, load, resources
from coopgraph.errors import InputError

STORE_VARIABLE = "COOPGRAPH_STORE"
#: ``auto`` keeps an on-disk store above this many bytes of files (about 30,000 triples of Turtle)
AUTO_BYTES = 2 * 2**20
_FORMAT = 1  # of the manifest and the build folder; a build of another format is never used

log = logging.getLogger(__name__)
_HELD: list[int] = []  # descriptors of the shared locks of the builds this process has open


def _mode() -> str:
    mode = os.environ.get(STORE_VARIABLE, "auto").strip().lower() or "auto"
    if mode not in ("on", "off", "auto"):
        raise InputError(f"{STORE_VARIABLE}={mode!r}: use on, off or auto")
    return mode


def wanted(files: list[Path]) -> bool:
    """Whether these files are kept in an on-disk store (``COOPGRAPH_STORE``, then their size)."""
    mode = _mode()
    if mode != "auto":
        return mode == "on"
    return sum(path.stat().st_size for path in files if path.is_file()) > AUTO_BYTES


def home() -> Path:
    """The folder of every store: ``$XDG_CACHE_HOME/coopgraph/stores`` (``~/.cache`` when unset)."""
    cache = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(cache) if cache else Path.home() / ".cache") / "coopgraph" / "stores"


def _tree_folder(files: list[Path]) -> Path:
    """The folder of the tree and data folder in use (their resolved paths, hashed), one for the ontology
    alone (``validate --no-shipped`` has no data) and one with the data, so neither replaces the other."""
    data = resources.data_directory().resolve()
    with_data = any(path.resolve().is_relative_to(data) for path in files)
    key = f"{resources.root().resolve()}\n{data}\n{'data' if with_data else 'ontology'}"
    return home() / hashlib.sha256(key.encode()).hexdigest()[:16]


def _read_json(path: Path) -> object | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(path: Path, document: object) -> None:
    """Write a JSON document whole or not at all (a failure is only logged: it costs time, not results)."""
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(document), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        log.warning("could not keep %s: %s", path, error)
        with contextlib.suppress(OSError):
            temporary.unlink()


def recall(name: str) -> object | None:
    """A JSON document kept in the cache folder by :func:`keep` (``None`` when there is none, or it is
    unreadable): what is slow to work out and depends only on coopgraph and the shapes."""
    return _read_json(home() / f"{name}.json")


def keep(name: str, document: object) -> None:
    """Keep a JSON document in the cache folder."""
    _write_json(home() / f"{name}.json", document)


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entry(path: Path, graph: str) -> dict:
    stat = path.stat()
    return {
        "path": str(path.resolve()),
        "graph": graph,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "sha256": sha256(path),
    }


def _identity(entries: list[dict]) -> str:
    """The name of a build: the hash of what it holds (paths, graphs, contents) and of who built it."""
    held = [(e["path"], e["graph"], e["sha256"]) for e in entries]
    text = json.dumps([_FORMAT, __version__, pyoxigraph.__version__, held])
    return "b-" + hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Build:
    """One build: a folder holding the store (``store/``), its manifest and results kept with it."""

    folder: Path
    manifest: dict
    #: the same graph in memory, when this process has just built it (quicker to query than the disk)
    memory: pyoxigraph.Store | None = field(default=None, repr=False)

    @property
    def triples(self) -> int:
        return self.manifest["triples"]

    def read(self, name: str) -> object | None:
        """A JSON document kept with this build (``None`` when there is none, or it is unreadable)."""
        return _read_json(self.folder / f"{name}.json")

    def write(self, name: str, document: object) -> None:
        """Keep a JSON document with this build."""
        _write_json(self.folder / f"{name}.json", document)

    def store(self) -> pyoxigraph.Store:
        """The build's store, read-only, under a shared lock held for the rest of the process (or the same
        graph in memory, when this process has just parsed it)."""
        if self.memory is not None:
            return self.memory
        descriptor = os.open(self.folder / "lock", os.O_RDONLY)
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        _HELD.append(descriptor)
        return pyoxigraph.Store.read_only(str(self.folder / "store"))

    def scratch_copy(self) -> pyoxigraph.Store:
        """A writable copy of the store (hard links to the build's files: milliseconds at any size). What is
        added to it never reaches the build. It is removed when the process exits, or by the next process
        if this one is killed (a copy no process holds the lock of is swept away)."""
        _sweep(self.folder.parent, keep=self.folder.name)
        parent = Path(tempfile.mkdtemp(prefix="scratch-", dir=self.folder.parent))
        descriptor = os.open(parent / "lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        atexit.register(shutil.rmtree, parent, ignore_errors=True)
        on_disk = dataclasses.replace(self, memory=None)
        on_disk.store().backup(str(parent / "store"))
        return pyoxigraph.Store(str(parent / "store"))


def _current(folder: Path, files: list[Path]) -> Build | None:
    """The current build of the tree folder when it holds exactly ``files``, unchanged."""
    try:
        name = (folder / "current").read_text(encoding="utf-8").strip()
        manifest = json.loads((folder / name / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entries = manifest.get("files", [])
    if manifest.get("format") != _FORMAT or len(entries) != len(files):
        return None
    for entry, path in zip(entries, files, strict=True):
        try:
            stat = path.stat()
        except OSError:
            return None
        # the path resolved only when it differs as given (thousands of files)
        same_path = entry["path"] == str(path) or entry["path"] == str(path.resolve())
        if entry["size"] != stat.st_size or not same_path:
            return None
        if entry["mtime_ns"] != stat.st_mtime_ns and entry["sha256"] != sha256(path):
            return None  # touched and changed (a file only touched is read once more, to hash it)
    if _identity(entries) != name:
        return None
    return Build(folder / name, manifest)


def _build(folder: Path, files: list[Path]) -> Build:
    """Parse the files into a new build, make it current, and remove the builds nobody holds."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = [_entry(path, str(graph)) for path, graph in zip(files, load.graph_iris(files), strict=True)]
    name = _identity(entries)
    work = Path(tempfile.mkdtemp(prefix="tmp-", dir=folder))
    try:
        # parsed in memory (many small loads and the merge are fast there), then written in one bulk load
        # (many small loads on disk took 50 times as long)
        memory = load.load_store(files)
        triples = sum(1 for _ in memory.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
        load.copied_to_disk(memory, work / "store")  # not kept: closed at once, the build is opened later
        manifest = {"format": _FORMAT, "coopgraph": __version__, "pyoxigraph": pyoxigraph.__version__}
        manifest |= {"triples": triples, "files": entries}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        (work / "lock").touch()
        try:
            os.rename(work, folder / name)
        except OSError:  # another process built the same files meanwhile: use its build
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    pointer = folder / f"current.{os.getpid()}.tmp"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, folder / "current")
    _sweep(folder, keep=name)
    manifest = json.loads((folder / name / "manifest.json").read_text(encoding="utf-8"))
    return Build(folder / name, manifest, memory)


def _unheld(folder: Path) -> bool:
    """Whether no process holds the folder's lock (a build being read, a scratch copy in use)."""
    try:
        descriptor = os.open(folder / "lock", os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)


def _sweep(folder: Path, keep: str) -> None:
    """Remove the builds other than ``keep`` and the scratch copies that no process holds, and builds left
    unfinished for an hour by a process that was killed."""
    for other in folder.iterdir():
        if other.name == keep or not other.is_dir():
            continue
        if other.name.startswith("tmp-"):
            with contextlib.suppress(OSError):
                if time.time() - other.stat().st_mtime > 3600:
                    shutil.rmtree(other, ignore_errors=True)
        elif _unheld(other):
            shutil.rmtree(other, ignore_errors=True)


def build_for(files: list[Path]) -> Build | None:
    """The up-to-date build of ``files`` (made now when there is none), or ``None`` when they are not kept
    on disk (:func:`wanted`) or the cache cannot be used (a warning says why). Raises
    :class:`coopgraph.load.LoadError` for a file that does not load."""
    files = [Path(path) for path in files]
    if not wanted(files):
        return None
    folder = _tree_folder(files)
    try:
        return _current(folder, files) or _build(folder, files)
    except OSError as error:
        log.warning("not using the on-disk store in %s (%s): parsing the files instead", folder, error)
        return None


def open_store(files: list[Path], extra: list[Path] = ()) -> pyoxigraph.Store:
    """The store of ``files`` and ``extra`` files: when ``files`` are kept on disk, their up-to-date build
    (read-only; a scratch copy with the extra files loaded into it when there are any); else a new in-memory
    store they are all parsed into (:func:`coopgraph.load.load_store`)."""
    build = build_for(files)
    if build is None:
        return load.load_store([*files, *extra])
    if not extra:
        return build.store()
    return load.load_store(extra, build.scratch_copy())
