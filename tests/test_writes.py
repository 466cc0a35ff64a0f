"""Writes that cannot destroy: ``export -o`` and ``fmt`` write a file's format under its name, follow a
symlink to its target, stream into a device or a FIFO without replacing it, and refuse what they would
otherwise wreck (a directory, a socket, a non-Turtle file for ``fmt``, a comment ``fmt`` would drop).

Real files, symlinks, FIFOs and ``/dev/null``; the CLI runs in a subprocess.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rdflib import Graph

from coopgraph import canonical, export
from coopgraph.canonical import canonical_turtle, lost_comment
from coopgraph.errors import InputError

HEADER = "# A test file.\n# It says what it is at its top.\n"
MESSY = """PREFIX ex: <https://example.org/ex#>
ex:b ex:p ex:c .
ex:a ex:p ex:c .
"""


def coopgraph(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "coopgraph", *args], capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def n_triples() -> bytes:
    """The whole graph as N-Triples, as `export -o -` writes it to stdout."""
    result = coopgraph("export", "--format", "nt", "-o", "-")
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_output_dash_is_stdout(n_triples: bytes) -> None:
    assert len(Graph().parse(data=n_triples, format="nt")) > 0
    assert not (Path.cwd() / "-").exists()


def test_the_extension_names_the_format(tmp_path: Path, n_triples: bytes) -> None:
    target = tmp_path / "graph.nt"
    result = coopgraph("export", "-o", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert target.read_bytes() == n_triples
    assert len(Graph().parse(target, format="nt")) > 0


def test_a_format_that_contradicts_the_extension_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    result = coopgraph("export", "--format", "turtle", "-o", str(target))
    assert result.returncode == 2
    message = result.stderr.decode()
    assert "--format turtle contradicts" in message and ".nt" in message and "Traceback" not in message
    assert not target.exists()


def test_an_unknown_extension_needs_a_format(tmp_path: Path) -> None:
    target = tmp_path / "graph.txt"
    result = coopgraph("export", "-o", str(target))
    assert result.returncode == 2
    message = result.stderr.decode()
    assert ".txt" in message and all(extension in message for extension in export.EXTENSIONS)
    assert not target.exists()


def test_output_format() -> None:
    assert export.output_format(None) == export.output_format("-") == "turtle"
    assert export.output_format("-", "trig") == "trig"
    assert export.output_format("a.JSON") == export.output_format("a.jsonld", "jsonld") == "jsonld"
    assert export.output_format("a.nq") == "nquads"
    assert export.output_format("graph.out", "nt") == "nt"
    assert export.output_format("/dev/null") == "turtle"
    with pytest.raises(InputError, match="contradicts"):
        export.output_format("a.trig", "nt")
    with pytest.raises(InputError, match=r"\(none\)"):
        export.output_format("graph")


def test_export_through_a_symlink_replaces_its_target(tmp_path: Path, n_triples: bytes) -> None:
    target = tmp_path / "real.nt"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    link = tmp_path / "link.nt"
    link.symlink_to(target.name)
    result = coopgraph("export", "-o", str(link))
    assert result.returncode == 0, result.stderr.decode()
    assert link.is_symlink() and os.readlink(link) == target.name
    assert target.read_bytes() == n_triples
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.nt", "real.nt"]


def _read_in_a_thread(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as stream:
            received.append(stream.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, received


def _finish(thread: threading.Thread, fifo: Path) -> None:
    """Let the reader go if the writer never opened the FIFO (a reader waiting, opening it never blocks)."""
    thread.join(timeout=5)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(timeout=5)


def test_export_into_a_fifo_streams_and_keeps_the_fifo(tmp_path: Path, n_triples: bytes) -> None:
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    thread, received = _read_in_a_thread(fifo)
    result = coopgraph("export", "-o", str(fifo))
    _finish(thread, fifo)
    assert result.returncode == 0, result.stderr.decode()
    assert received == [n_triples]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.nt"]


def test_export_to_dev_null_leaves_the_device() -> None:
    result = coopgraph("export", "-o", os.devnull)
    assert result.returncode == 0, result.stderr.decode()
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


def test_export_to_a_directory_is_refused(tmp_path: Path) -> None:
    result = coopgraph("export", "--format", "nt", "-o", str(tmp_path))
    assert result.returncode == 2
    assert b"directory" in result.stderr and b"Traceback" not in result.stderr
    assert tmp_path.is_dir() and list(tmp_path.iterdir()) == []


def test_write_through_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.ttl"
    link.symlink_to("made.ttl")
    export.write_atomically(link, b"x\n")
    assert link.is_symlink() and (tmp_path / "made.ttl").read_bytes() == b"x\n"


def test_write_into_a_fifo_and_dev_null(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    thread, received = _read_in_a_thread(fifo)
    export.write_atomically(fifo, b"streamed\n")
    _finish(thread, fifo)
    assert received == [b"streamed\n"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    export.write_atomically(os.devnull, b"gone\n")
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


def test_directories_and_sockets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        export.write_atomically(tmp_path, b"x\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "to-folder").symlink_to("folder")
    with pytest.raises(InputError, match="is a directory"):
        export.write_atomically(tmp_path / "to-folder", b"x\n")
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(InputError, match="is a socket"):
            export.write_atomically(path, b"x\n")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "s", "to-folder"]


# --- fmt ----------------------------------------------------------------------------------------------------


def test_fmt_refuses_what_is_not_turtle(tmp_path: Path) -> None:
    path = tmp_path / "graph.nt"
    text = "<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n"
    path.write_text(text, encoding="utf-8")
    for args in (["fmt"], ["fmt", "--check"]):
        result = coopgraph(*args, str(path))
        assert result.returncode == 2
        message = result.stderr.decode()
        assert f"{path}: fmt rewrites Turtle (.ttl) files only" in message and "rdfpipe" in message
    assert path.read_text(encoding="utf-8") == text


def test_fmt_of_a_directory_takes_its_turtle_files_only(tmp_path: Path) -> None:
    (tmp_path / "graph.nt").write_text("<https://example.org/a> <https://example.org/p> 1 .\n")
    (tmp_path / "graph.ttl").write_text(MESSY, encoding="utf-8")
    result = coopgraph("fmt", str(tmp_path))
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "graph.ttl").read_text(encoding="utf-8") == canonical_turtle(MESSY)


def test_fmt_refuses_a_comment_it_would_drop(tmp_path: Path) -> None:
    path = tmp_path / "commented.ttl"
    text = HEADER + MESSY + "# a note below the header\nex:d ex:p ex:c .\n"
    path.write_text(text, encoding="utf-8")
    result = coopgraph("fmt", str(path))
    assert result.returncode == 2
    assert f"{path}:6: fmt would drop this comment" in result.stderr.decode()
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["commented.ttl"]


def test_fmt_keeps_the_header_comments(tmp_path: Path) -> None:
    path = tmp_path / "headed.ttl"
    path.write_text(HEADER + MESSY, encoding="utf-8")
    result = coopgraph("fmt", str(path))
    assert result.returncode == 0, result.stderr.decode()
    assert path.read_text(encoding="utf-8") == HEADER + "\n" + canonical_turtle(MESSY)


HASHES = "\n".join(
    [
        "PREFIX ex: <https://example.org/ex#>",
        "PREFIX page: <https://example.org/page/>",
        "ex:b ex:p <https://example.org/page#part> , \"a # in a string\" , 'and # here' ;",
        '  ex:q """a long',
        "# string line",
        "with ''' and \"\" # inside\"\"\" , '''another # long 'one' ''' , \"escaped \\\" # quote\" ;",
        "  ex:r page:local\\#name .",
        "ex:a ex:p ex:c .",
        "",
    ]
)


def test_a_hash_in_an_iri_or_a_string_is_no_comment(tmp_path: Path) -> None:
    assert lost_comment(HASHES) is None
    path = tmp_path / "hashes.ttl"
    path.write_text(HASHES, encoding="utf-8")
    result = coopgraph("fmt", str(path))
    assert result.returncode == 0, result.stderr.decode()
    written = path.read_text(encoding="utf-8")
    assert written == canonical_turtle(HASHES) != HASHES
    assert "# string line" in written and "a # in a string" in written


def test_lost_comment_names_the_first_line_below_the_header() -> None:
    assert lost_comment(HEADER + MESSY) is None
    assert lost_comment(HEADER + "\n# after an empty line\n" + MESSY) == 4
    assert lost_comment(MESSY.replace("ex:c .\n", "ex:c . # trailing\n", 1)) == 2
    assert lost_comment(HASHES + "ex:z ex:p 'x' .# last\n") == 9


def test_fmt_through_a_symlink_rewrites_the_target(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "graph.ttl"
    target.write_text(MESSY, encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "link.ttl"
    link.symlink_to(Path("real") / "graph.ttl")
    result = coopgraph("fmt", str(link))
    assert result.returncode == 0, result.stderr.decode()
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "graph.ttl")
    assert target.read_text(encoding="utf-8") == canonical_turtle(MESSY)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [result.canonical for result in canonical.check_files([link])] == [True]
