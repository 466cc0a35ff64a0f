"""The benchmark of coopgraph (issue 11): every step, side by side with its baseline, in one run.

    python benchmarks/run.py --triples 10000 100000 1000000 [--repeats 3] [--json out.json]
        [--markdown out.md] [--no-pyshacl-above 20000] [--no-jena]

For each size, ``benchmarks/generate.py`` writes a seeded graph with known invalid cases into a data folder
(``COOPGRAPH_DATA``) and one more conforming instrument file outside it. Then, each measurement in a fresh
process (so its peak memory, max RSS, is its own), medians of ``--repeats`` runs:

- loading into the embedded store: coopgraph's public loaders (``EmbeddedStore.shipped()``, and
  ``coopgraph.load.load_store`` when it exists) against a bare ``pyoxigraph.Store().bulk_load`` of the
  same files, in triples per second;
- full validation, whole process: ``coopgraph validate`` against Jena's ``shacl validate`` (Debian's
  libapache-jena-java) and pySHACL with its defaults on the same merged data and shapes (pySHACL only up to
  ``--no-pyshacl-above`` triples, once: it is slow); the result sets are compared with each other and with
  the results the generator says the invalid cases must give;
- one new file against the full graph: ``coopgraph validate NEW``, whole process, cold (the first coopgraph
  command on the fresh data folder, with its own empty cache directory) and warm (run again);
- every canned query with its example parameters through ``coopgraph.queries.run`` on the embedded store,
  against the same SPARQL on the bare pyoxigraph store underneath, and rdflib's engine for a few queries at
  the smallest size;
- ``coopgraph export``, whole process;
- ``coopgraph query`` of a canned query on the shipped data (no ``COOPGRAPH_DATA``), whole process.

The targets of issue 11 (at 1M triples) are shown as met or missed, with the gap, at the largest size run.
Timings are reported, never judged: the exit status is 1 only when a measurement fails to run or the
engines' result sets disagree, whatever the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import jena  # noqa: E402

#: the canned query ``coopgraph query`` runs on the shipped data (its example parameters)
SHIPPED_QUERY = "instruments-between-states"
#: the queries also run on rdflib's engine, at the smallest size (the first three present, in this order)
RDFLIB_QUERIES = ("instruments-between-states", "signatories", "first-of-its-kind-in-region", "states")
#: the targets of issue 11, at 1M triples
TARGET_VALIDATE_VS_JENA = 0.5
TARGET_VALIDATE_MIB = 2048
TARGET_NEW_FILE_S = 3.0
TARGET_QUERY_MS = 100.0
TARGET_QUERY_VS_BARE = 1.2
TARGET_LOAD_TPS = 250_000
TARGET_SHIPPED_QUERY_S = 0.5
TARGET_SIZE = 1_000_000
RESULT_KEYS = ("focus", "path", "value", "shape", "component")


# --- running one measurement in a fresh process -------------------------------------------------------------


class Failed(Exception):
    """A measurement did not run to its end (non-zero exit, timeout, missing tool)."""


@dataclass
class Run:
    """One process: wall seconds, peak RSS in MiB, exit status, and what it wrote."""

    seconds: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str


def run_process(argv: list[str], env: dict[str, str], timeout: float, ok: tuple[int, ...] = (0,)) -> Run:
    """Run ``argv`` in its own process group: its wall time and its own max RSS (from ``wait4``).

    Output goes to temporary files (no pipe to fill); :class:`Failed` on an exit status not in ``ok`` or
    after ``timeout`` seconds (the process group is killed)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=ROOT, start_new_session=True)
        timer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(
            seconds,
            usage.ru_maxrss / 1024,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )
    if seconds >= timeout:
        raise Failed(f"{' '.join(argv[:4])}…: timed out after {timeout:.0f} s")
    if result.returncode not in ok:
        raise Failed(f"{' '.join(argv[:4])}…: exit {result.returncode}: {result.stderr.strip()[-1500:]}")
    return result


def child(job: str, env: dict[str, str], timeout: float, **arguments) -> tuple[Run, dict]:
    """Run ``job`` of this script (:data:`JOBS`) in a fresh Python process; the JSON it printed."""
    # the arguments go in a file: a list of 4,000 file names is too long for a command line
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(arguments, handle)
    try:
        run = run_process(
            [sys.executable, str(Path(__file__).resolve()), "_child", job, handle.name], env, timeout
        )
    finally:
        os.unlink(handle.name)
    return run, json.loads(run.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- the jobs that run in a child process -------------------------------------------------------------------


def job_load_shipped() -> dict:
    """``EmbeddedStore.shipped()``: the ontology and the data folder, as coopgraph loads them."""
    from coopgraph.stores import EmbeddedStore

    start = time.perf_counter()
    store = EmbeddedStore.shipped()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "quads": len(store.store)}


def job_load_store() -> dict:
    """``coopgraph.load.load_store``: coopgraph's pyoxigraph-only load path (when the package has it)."""
    from coopgraph import resources
    from coopgraph.load import load_store

    start = time.perf_counter()
    store = load_store(resources.graph_files())
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "quads": len(store)}


def job_load_bare(files: list[str]) -> dict:
    """A bare ``pyoxigraph.Store().bulk_load`` of the same files, one named graph each."""
    import pyoxigraph

    start = time.perf_counter()
    store = pyoxigraph.Store()
    for path in map(Path, files):
        store.bulk_load(
            path=str(path), format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(path.as_uri())
        )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "quads": len(store)}


def _bare_query(store, text: str, bindings: dict) -> tuple[str, dict]:
    """The text and substitutions bare pyoxigraph runs for a canned query: substitutions when pyoxigraph
    takes them (projected variables), else the same ``VALUES`` block coopgraph falls back to."""
    import pyoxigraph

    from coopgraph.stores import to_oxigraph, with_values

    substitutions = {pyoxigraph.Variable(name): to_oxigraph(term) for name, term in bindings.items()}
    try:
        store.query(text, substitutions=substitutions)
    except (SyntaxError, RuntimeError) as error:
        if "in its SELECT projection" not in str(error):
            raise
        return with_values(text, bindings), {}
    return text, substitutions


def _bare_rows(results) -> int:
    """Materialise a pyoxigraph answer as a user would (every row's terms): the number of rows."""
    import pyoxigraph

    if isinstance(results, pyoxigraph.QueryBoolean):
        return int(bool(results))
    return len([tuple(solution) for solution in results])


def _rows(results: dict) -> int:
    return int(results["boolean"]) if "boolean" in results else len(results["results"]["bindings"])


def job_queries(repeats: int) -> dict:
    """Every canned query, example parameters, on coopgraph's embedded store and on the bare pyoxigraph
    store inside it: median milliseconds of ``repeats`` runs and the rows of each."""
    from coopgraph import queries
    from coopgraph.stores import EmbeddedStore

    store = EmbeddedStore.shipped()
    answers = {}
    for name, query in queries.registry().items():
        params = query.examples()
        embedded, rows = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            rows = _rows(queries.run(query, params, store))
            embedded.append((time.perf_counter() - start) * 1000)
        text, substitutions = _bare_query(store.store, query.text, queries.bind(query, params))
        bare, bare_rows = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            bare_rows = _bare_rows(store.store.query(text, substitutions=substitutions))
            bare.append((time.perf_counter() - start) * 1000)
        answers[name] = {
            "embedded_ms": median(embedded),
            "bare_ms": median(bare),
            "rows": rows,
            "bare_rows": bare_rows,
        }
    return answers


def job_queries_rdflib(names: list[str], repeats: int) -> dict:
    """The named canned queries on rdflib's SPARQL engine over the same files (``coopgraph.load``)."""
    from coopgraph import queries, resources
    from coopgraph.load import load_files

    dataset = load_files(resources.graph_files())
    dataset.default_union = True
    answers = {}
    for name in names:
        query = queries.get(name)
        bindings = queries.bind(query, query.examples())
        spent, rows = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            result = dataset.query(query.text, initBindings=bindings)
            rows = int(bool(result.askAnswer)) if result.type == "ASK" else len(list(result))
            spent.append((time.perf_counter() - start) * 1000)
        answers[name] = {"rdflib_ms": median(spent), "rows": rows}
    return answers


def job_pyshacl(data: str, shapes: str, out: str) -> dict:
    """pySHACL with its defaults on the merged data and shapes; its results written to ``out`` as JSON."""
    import pyshacl
    from rdflib import Graph

    data_graph = Graph().parse(data, format="nt")
    shapes_graph = Graph().parse(shapes, format="turtle")
    conforms, report, _ = pyshacl.validate(data_graph, shacl_graph=shapes_graph)
    rows = report_rows(report)
    Path(out).write_text(json.dumps(rows), encoding="utf-8")
    return {"conforms": bool(conforms), "results": len(rows)}


JOBS = {
    "load-shipped": job_load_shipped,
    "load-store": job_load_store,
    "load-bare": job_load_bare,
    "queries": job_queries,
    "queries-rdflib": job_queries_rdflib,
    "pyshacl": job_pyshacl,
}


# --- validation results, compared ---------------------------------------------------------------------------


def _term(node) -> str | None:
    """A report's term as coopgraph writes it: an IRI, ``_:`` for any blank node, a literal in N-Triples."""
    from rdflib import BNode, Literal

    from coopgraph.stores import to_oxigraph

    if node is None:
        return None
    if isinstance(node, BNode):
        return "_:"
    if isinstance(node, Literal):
        return str(to_oxigraph(node))
    return str(node)


def report_rows(report) -> list[dict]:
    """The ``sh:result``s of a SHACL validation report graph (rdflib) as coopgraph's result rows."""
    from rdflib import Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    rows = []
    for result in report.objects(None, sh.result):
        value = report.value(result, sh.resultPath)
        rows.append(
            {
                "focus": _term(report.value(result, sh.focusNode)),
                "path": _term(value),
                "value": _term(report.value(result, sh.value)),
                "shape": _term(report.value(result, sh.sourceShape)),
                "component": _term(report.value(result, sh.sourceConstraintComponent)),
                "severity": _term(report.value(result, sh.resultSeverity)),
            }
        )
    return rows


def _normal(text: str | None, path: bool = False) -> str | None:
    """Blank nodes as ``_:``; a path that is not one IRI as ``complex`` (engines write a complex path's
    RDF differently, and coopgraph writes it in SPARQL syntax)."""
    if text is None:
        return None
    if text.startswith("_:"):
        return "complex" if path else "_:"
    if path and not text.startswith(("http://", "https://", "urn:")):
        return "complex"
    return text


#: constraint components whose results carry no ``sh:value`` in the SHACL specification (a count is not one
#: value): Jena writes none, coopgraph names the value the last file added; compared without it
NO_VALUE_COMPONENTS = {
    "http://www.w3.org/ns/shacl#" + name
    for name in (
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
        "QualifiedMinCountConstraintComponent",
        "QualifiedMaxCountConstraintComponent",
    )
}


def result_set(rows: list[dict]) -> set[tuple]:
    """Result rows as a set of (focus, path, value, shape, component), normalised by :func:`_normal` and
    without the value of a count result (:data:`NO_VALUE_COMPONENTS`)."""
    found = set()
    for row in rows:
        key = {name: _normal(row.get(name), name == "path") for name in RESULT_KEYS}
        if key["component"] in NO_VALUE_COMPONENTS:
            key["value"] = None
        found.add(tuple(key[name] for name in RESULT_KEYS))
    return found


def compare(sets: dict[str, set[tuple]]) -> list[dict]:
    """Every pair of result sets: how many results each has that the other lacks, and a few of them."""
    names = list(sets)
    pairs = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            only_first = sorted(sets[first] - sets[second], key=str)
            only_second = sorted(sets[second] - sets[first], key=str)
            pairs.append(
                {
                    "between": [first, second],
                    "agree": not only_first and not only_second,
                    f"only_{first}": len(only_first),
                    f"only_{second}": len(only_second),
                    "examples": {
                        first: [list(r) for r in only_first[:3]],
                        second: [list(r) for r in only_second[:3]],
                    },
                }
            )
    return pairs


# --- the machine --------------------------------------------------------------------------------------------


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict:
    """CPU, cores, RAM, OS, Python and the versions of the engines compared."""
    cpu = platform.processor() or platform.machine()
    memory_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    system = platform.platform()
    try:
        release = dict(
            line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
        )
        system = f"{release.get('PRETTY_NAME', '').strip(chr(34))}, Linux {platform.release()}"
    except OSError:
        pass
    java = None
    if shutil.which("java"):
        answer = subprocess.run(["java", "-version"], capture_output=True, text=True)
        java = (answer.stderr or answer.stdout).splitlines()[0] if (answer.stderr or answer.stdout) else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": memory_gib,
        "os": system,
        "python": platform.python_version(),
        "coopgraph": _version("coopgraph"),
        "pyoxigraph": _version("pyoxigraph"),
        "pyshacl": _version("pyshacl"),
        "rdflib": _version("rdflib"),
        "jena": jena.version() if not jena.missing() else None,
        "java": java,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


# --- one size -----------------------------------------------------------------------------------------------


@dataclass
class Bench:
    """What the whole run needs: options, environment, the Jena command, and what went wrong so far."""

    args: argparse.Namespace
    work: Path
    coopgraph: str
    jena: list[str] | None
    failures: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    def env(self, data: Path | None, cache: Path) -> dict[str, str]:
        """The environment of a child: ``COOPGRAPH_DATA`` only when given, and a cache directory of its own
        (so that "cold" means cold, and the user's cache is left alone)."""
        env = {k: v for k, v in os.environ.items() if k not in ("COOPGRAPH_DATA", "COOPGRAPH_ROOT")}
        if data is not None:
            env["COOPGRAPH_DATA"] = str(data)
        env["XDG_CACHE_HOME"] = str(cache)
        return env

    def attempt(self, what: str, function, *arguments, **keywords):
        """Run one measurement; if it fails (:class:`Failed`, or any error), note it, go on, return None."""
        try:
            return function(*arguments, **keywords)
        except Exception as error:  # one broken measurement must not lose the others
            if not isinstance(error, Failed):
                error = f"{type(error).__name__}: {error}"
            self.failures.append(f"{what}: {error}")
            print(f"  FAILED {what}: {error}", file=sys.stderr)
            return None

    def repeated(self, argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> tuple[dict, Run]:
        """The median wall time and peak memory of ``repeats`` whole-process runs, and the last run."""
        runs = [run_process(argv, env, self.args.timeout, ok) for _ in range(self.args.repeats)]
        return {
            "seconds": median([r.seconds for r in runs]),
            "peak_mib": median([r.peak_mib for r in runs]),
        }, runs[-1]


def _validation_rows(run: Run) -> list[dict]:
    return json.loads(run.stdout)["results"]


def measure_size(bench: Bench, size: int, smallest: bool) -> dict:
    """Generate a graph of about ``size`` triples and measure everything on it."""
    import generate

    from coopgraph import resources

    args = bench.args
    folder = bench.work / f"g{size}"
    start = time.perf_counter()
    made = generate.generate(size, folder, seed=args.seed)
    print(
        f"size {size:,}: {made.triples:,} triples in {len(made.files)} files, generated in "
        f"{time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    cache = bench.work / f"cache-{size}"
    env = bench.env(made.out, cache)
    # every step but "validate NEW" parses the files, as coopgraph without its on-disk store does (a full
    # validation with the store would give its kept results)
    parsed = {**env, "COOPGRAPH_STORE": "off"}
    cg = bench.coopgraph
    entry: dict = {"requested": size, "triples": made.triples, "files": len(made.files)}

    # one new file first: the first coopgraph command on this data folder, with an empty cache, is cold
    def new_file() -> dict:
        argv = [cg, "validate", "--format", "json", str(made.new_file)]
        cold = run_process(argv, env, args.timeout, ok=(0, 1))
        warm = [run_process(argv, env, args.timeout, ok=(0, 1)) for _ in range(args.repeats)]
        return {
            "cold": {"seconds": cold.seconds, "peak_mib": cold.peak_mib},
            "warm": {
                "seconds": median([r.seconds for r in warm]),
                "peak_mib": median([r.peak_mib for r in warm]),
            },
            "rows": _validation_rows(warm[-1]),
        }

    print("  validate NEW (cold, warm)", file=sys.stderr)
    new = bench.attempt(f"{size}: coopgraph validate NEW", new_file)

    # loading
    print("  loading", file=sys.stderr)
    os.environ["COOPGRAPH_DATA"] = str(made.out)  # the files coopgraph loads, for the bare baseline
    try:
        files = [str(path) for path in resources.graph_files()]
    finally:
        del os.environ["COOPGRAPH_DATA"]
    loaders = {
        "pyoxigraph bulk_load (baseline)": ("load-bare", {"files": files}),
        "coopgraph EmbeddedStore.shipped()": ("load-shipped", {}),
    }
    from coopgraph import load as coopgraph_load

    if hasattr(coopgraph_load, "load_store"):
        loaders["coopgraph load.load_store()"] = ("load-store", {})
    entry["load"] = {}
    for label, (job, arguments) in loaders.items():

        def load(job=job, arguments=arguments) -> dict:
            runs = [child(job, parsed, args.timeout, **arguments) for _ in range(args.repeats)]
            seconds = median([answer["seconds"] for _, answer in runs])
            return {
                "seconds": seconds,
                "process_seconds": median([run.seconds for run, _ in runs]),
                "peak_mib": median([run.peak_mib for run, _ in runs]),
                "triples_per_s": made.triples / seconds,
                "quads": runs[-1][1]["quads"],
            }

        entry["load"][label] = bench.attempt(f"{size}: load with {label}", load)

    # queries
    print("  queries", file=sys.stderr)
    answer = bench.attempt(
        f"{size}: canned queries", child, "queries", parsed, args.timeout, repeats=args.repeats
    )
    entry["queries"] = answer[1] if answer else None
    entry["queries_peak_mib"] = answer[0].peak_mib if answer else None
    if entry["queries"] and smallest:
        names = [name for name in RDFLIB_QUERIES if name in entry["queries"]][:3]
        rdflib_answer = bench.attempt(
            f"{size}: queries on rdflib",
            child,
            "queries-rdflib",
            parsed,
            args.timeout,
            names=names,
            repeats=args.repeats,
        )
        if rdflib_answer:
            for name, figures in rdflib_answer[1].items():
                entry["queries"][name]["rdflib_ms"] = figures["rdflib_ms"]
                entry["queries"][name]["rdflib_rows"] = figures["rows"]
    for name, figures in (entry["queries"] or {}).items():
        if figures["rows"] != figures["bare_rows"]:
            bench.disagreements.append(
                f"{size}: query {name}: {figures['rows']} rows embedded, {figures['bare_rows']} bare"
            )
        if "rdflib_rows" in figures and figures["rdflib_rows"] != figures["rows"]:
            print(
                f"  note: query {name}: rdflib gives {figures['rdflib_rows']} rows, pyoxigraph "
                f"{figures['rows']}",
                file=sys.stderr,
            )

    # full validation: coopgraph, Jena, pySHACL
    print("  full validation", file=sys.stderr)
    entry["validate"] = {}
    sets: dict[str, set[tuple]] = {"expected": result_set(made.expected)}
    figures = bench.attempt(
        f"{size}: coopgraph validate", bench.repeated, [cg, "validate", "--format", "json"], parsed, (0, 1)
    )
    if figures:
        entry["validate"]["coopgraph"] = figures[0]
        rows = _validation_rows(figures[1])
        entry["validate"]["coopgraph"]["results"] = len(rows)
        sets["coopgraph"] = result_set(rows)
    merged, shapes = prepare_inputs(made, folder)
    if bench.jena is not None:
        figures = bench.attempt(
            f"{size}: jena shacl validate",
            bench.repeated,
            jena.validate_command(bench.jena, shapes, merged),
            env,
        )
        if figures:
            from rdflib import Graph

            rows = report_rows(Graph().parse(data=figures[1].stdout, format="turtle"))
            entry["validate"]["jena"] = {**figures[0], "results": len(rows)}
            sets["jena"] = result_set(rows)
    else:
        entry["validate"]["jena"] = {"skipped": "--no-jena" if args.no_jena else "not installed"}
    if made.triples <= args.no_pyshacl_above:
        print("  pySHACL (slow)", file=sys.stderr)
        out = folder.parent / f"pyshacl-{size}.json"
        answer = bench.attempt(
            f"{size}: pySHACL",
            child,
            "pyshacl",
            env,
            args.timeout,
            data=str(merged),
            shapes=str(shapes),
            out=str(out),
        )
        if answer:
            rows = json.loads(out.read_text(encoding="utf-8"))
            entry["validate"]["pyshacl"] = {
                "seconds": answer[0].seconds,
                "peak_mib": answer[0].peak_mib,
                "results": len(rows),
                "runs": 1,
            }
            sets["pyshacl"] = result_set(rows)
    else:
        entry["validate"]["pyshacl"] = {
            "skipped": f"{made.triples:,} triples > --no-pyshacl-above {args.no_pyshacl_above}"
        }
    entry["results"] = {"counts": {name: len(rows) for name, rows in sets.items()}, "pairs": compare(sets)}
    for pair in entry["results"]["pairs"]:
        if not pair["agree"]:
            first, second = pair["between"]
            bench.disagreements.append(
                f"{size}: {first} and {second} disagree ({pair[f'only_{first}']} only {first}, "
                f"{pair[f'only_{second}']} only {second})"
            )
    if new is not None:
        extra = result_set(new.pop("rows")) - sets.get("coopgraph", set())
        new["results_not_in_full_validation"] = len(extra)
        if extra:
            bench.disagreements.append(
                f"{size}: validate NEW gives {len(extra)} results the full validation does not (the file "
                f"conforms): e.g. {sorted(extra, key=str)[0]}"
            )
    entry["new_file"] = new

    # export
    print("  export", file=sys.stderr)
    target = folder.parent / f"export-{size}.ttl"
    figures = bench.attempt(
        f"{size}: coopgraph export", bench.repeated, [cg, "export", "-o", str(target)], env
    )
    entry["export"] = {**figures[0], "bytes": target.stat().st_size} if figures else None
    for path in (merged, target):
        path.unlink(missing_ok=True)
    return entry


def prepare_inputs(made, folder: Path) -> tuple[Path, Path]:
    """The merged data (ontology + the data folder's files) as one N-Triples file, and the merged shapes
    as one Turtle file: what Jena and pySHACL read (not timed)."""
    import pyoxigraph
    from rdflib import Graph

    from coopgraph import resources

    store = pyoxigraph.Store()
    for path in [*resources.shipped_files("ontology"), *sorted(made.out.rglob("*.ttl"))]:
        store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)  # blank nodes: one set per file
    merged = folder.parent / f"{folder.name}-merged.nt"
    store.dump(str(merged), format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    shapes = Graph()
    for path in resources.shipped_files("shapes"):
        shapes.parse(path, format="turtle")
    shapes_file = folder.parent / "shapes.ttl"
    shapes.serialize(shapes_file, format="turtle")
    return merged, shapes_file


def measure_shipped_query(bench: Bench) -> dict | None:
    """``coopgraph query`` of :data:`SHIPPED_QUERY` on the shipped data, whole process."""
    from coopgraph import queries

    query = queries.get(SHIPPED_QUERY)
    argv = [bench.coopgraph, "query", SHIPPED_QUERY]
    for name, value in query.examples().items():
        argv += ["-p", f"{name}={value}"]
    env = bench.env(None, bench.work / "cache-shipped")
    answer = bench.attempt("coopgraph query on the shipped data", bench.repeated, argv, env)
    return {**answer[0], "command": " ".join(["coopgraph", *argv[1:]])} if answer else None


# --- the targets and the tables -----------------------------------------------------------------------------


def _best_loader(entry: dict) -> tuple[str, dict] | None:
    loaders = [(k, v) for k, v in entry.get("load", {}).items() if v and "baseline" not in k]
    return max(loaders, key=lambda kv: kv[1]["triples_per_s"]) if loaders else None


def targets(results: dict) -> list[dict]:
    """Each target of issue 11, judged at the largest size measured: met or missed, and by how much."""
    if not results["sizes"]:
        return []
    entry = results["sizes"][-1]
    at = f"{entry['triples']:,} triples" + (
        "" if entry["requested"] >= TARGET_SIZE else " (the target is at 1M)"
    )
    rows = []

    def add(target: str, measured: str, met: bool | None, gap: str) -> None:
        rows.append({"target": target, "at": at, "measured": measured, "met": met, "gap": gap})

    ours, theirs = entry["validate"].get("coopgraph"), entry["validate"].get("jena")
    if ours and theirs and "seconds" in theirs:
        ratio = ours["seconds"] / theirs["seconds"]
        add(
            f"full validation ≤ {TARGET_VALIDATE_VS_JENA}× Jena's wall time",
            f"{ours['seconds']:.2f} s vs {theirs['seconds']:.2f} s = {ratio:.2f}×",
            ratio <= TARGET_VALIDATE_VS_JENA,
            f"{ratio / TARGET_VALIDATE_VS_JENA:.2f}× the target",
        )
    else:
        add(f"full validation ≤ {TARGET_VALIDATE_VS_JENA}× Jena's wall time", "not measured", None, "")
    if ours:
        add(
            f"full validation peak < {TARGET_VALIDATE_MIB / 1024:.0f} GB",
            f"{ours['peak_mib']:.0f} MiB",
            ours["peak_mib"] < TARGET_VALIDATE_MIB,
            f"{ours['peak_mib'] - TARGET_VALIDATE_MIB:+.0f} MiB",
        )
    new = entry.get("new_file")
    if new:
        warm = new["warm"]["seconds"]
        add(
            f"one new file < {TARGET_NEW_FILE_S:.0f} s, warm store",
            f"{warm:.2f} s",
            warm < TARGET_NEW_FILE_S,
            f"{warm - TARGET_NEW_FILE_S:+.2f} s",
        )
    if entry.get("queries"):
        slowest = max(entry["queries"].items(), key=lambda kv: kv[1]["embedded_ms"])
        add(
            f"every canned query < {TARGET_QUERY_MS:.0f} ms embedded",
            f"slowest {slowest[0]} {slowest[1]['embedded_ms']:.1f} ms",
            slowest[1]["embedded_ms"] < TARGET_QUERY_MS,
            f"{slowest[1]['embedded_ms'] - TARGET_QUERY_MS:+.1f} ms",
        )
        worst = max(
            entry["queries"].items(), key=lambda kv: kv[1]["embedded_ms"] / max(kv[1]["bare_ms"], 1e-6)
        )
        ratio = worst[1]["embedded_ms"] / max(worst[1]["bare_ms"], 1e-6)
        add(
            f"every canned query ≤ {TARGET_QUERY_VS_BARE}× bare pyoxigraph",
            f"worst {worst[0]} {ratio:.2f}×",
            ratio <= TARGET_QUERY_VS_BARE,
            f"{ratio / TARGET_QUERY_VS_BARE:.2f}× the target",
        )
    best = _best_loader(entry)
    if best:
        tps = best[1]["triples_per_s"]
        add(
            f"loading ≥ {TARGET_LOAD_TPS / 1000:.0f}k triples/s",
            f"{tps / 1000:.0f}k triples/s ({best[0]})",
            tps >= TARGET_LOAD_TPS,
            f"{tps / TARGET_LOAD_TPS:.2f}× the target",
        )
    shipped = results.get("shipped_query")
    if shipped:
        rows.append(
            {
                "target": f"`coopgraph query` on the shipped data < {TARGET_SHIPPED_QUERY_S} s",
                "at": "the shipped data",
                "measured": f"{shipped['seconds']:.2f} s",
                "met": shipped["seconds"] < TARGET_SHIPPED_QUERY_S,
                "gap": f"{shipped['seconds'] - TARGET_SHIPPED_QUERY_S:+.2f} s",
            }
        )
    return rows


def _cell(figures: dict | None, unit: str = "s") -> str:
    if not figures:
        return "failed"
    if "skipped" in figures:
        return f"skipped ({figures['skipped']})"
    return f"{figures['seconds']:.2f} {unit}, {figures['peak_mib']:.0f} MiB"


def markdown(results: dict) -> str:
    """The whole run as Markdown: the machine, one table of steps by size, the queries, the results compared,
    the targets."""
    m = results["machine"]
    sizes = results["sizes"]
    lines = [
        "# coopgraph benchmark",
        "",
        f"{m['date']} — {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}; "
        f"Python {m['python']}, coopgraph {m['coopgraph']}, pyoxigraph {m['pyoxigraph']}, "
        f"pySHACL {m['pyshacl']}, rdflib {m['rdflib']}, "
        f"Jena {m['jena'] or 'not installed'} ({m['java'] or 'no Java'}).",
        "",
        f"`{results['command']}`. Every figure is one fresh process (peak = its max RSS); medians of "
        f"{results['repeats']} run{'s' if results['repeats'] != 1 else ''} unless said otherwise.",
        "",
        "| step | "
        + " | ".join(f"{s['triples']:,} triples ({s['requested']:,} asked)" for s in sizes)
        + " |",
        "|---|" + "---|" * len(sizes),
    ]

    def row(label: str, cell) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(s) for s in sizes) + " |")

    labels = []
    for s in sizes:
        labels += [k for k in s.get("load", {}) if k not in labels]
    for label in labels:

        def load_cell(s, label=label) -> str:
            figures = s["load"].get(label)
            if not figures:
                return "failed" if label in s["load"] else "—"
            base = s["load"].get("pyoxigraph bulk_load (baseline)")
            ratio = (
                ""
                if not base or "baseline" in label
                else f", {figures['seconds'] / base['seconds']:.1f}× baseline"
            )
            return (
                f"{figures['seconds']:.2f} s, {figures['triples_per_s'] / 1000:.0f}k triples/s, "
                f"{figures['peak_mib']:.0f} MiB{ratio}"
            )

        row(f"load: {label}", load_cell)

    def validate_cell(engine: str):
        def cell(s) -> str:
            figures = s["validate"].get(engine)
            text = _cell(figures)
            if figures and "seconds" in figures:
                text += f", {figures['results']} results"
                jena_figures = s["validate"].get("jena") or {}
                if engine != "jena" and "seconds" in jena_figures:
                    text += f", {figures['seconds'] / jena_figures['seconds']:.2f}× Jena"
                if figures.get("runs") == 1:
                    text += " (1 run)"
            return text

        return cell

    row("full validation: `coopgraph validate`", validate_cell("coopgraph"))
    row("full validation: Jena `shacl validate`", validate_cell("jena"))
    row("full validation: pySHACL defaults", validate_cell("pyshacl"))
    row(
        "one new file: `coopgraph validate NEW`, cold",
        lambda s: _cell(s["new_file"]["cold"]) if s.get("new_file") else "failed",
    )
    row(
        "one new file: `coopgraph validate NEW`, warm",
        lambda s: _cell(s["new_file"]["warm"]) if s.get("new_file") else "failed",
    )

    def queries_cell(s) -> str:
        q = s.get("queries")
        if not q:
            return "failed"
        slowest = max(q.values(), key=lambda f: f["embedded_ms"])["embedded_ms"]
        ratios = [f["embedded_ms"] / max(f["bare_ms"], 1e-6) for f in q.values()]
        return (
            f"{len(q)} queries: slowest {slowest:.1f} ms, ×{min(ratios):.2f}–×{max(ratios):.2f} bare, "
            f"{s['queries_peak_mib']:.0f} MiB"
        )

    row("canned queries, embedded vs bare pyoxigraph", queries_cell)
    row(
        "`coopgraph export` (Turtle)",
        lambda s: (
            f"{_cell(s['export'])}, {s['export']['bytes'] / 2**20:.1f} MiB written"
            if s.get("export")
            else "failed"
        ),
    )
    shipped = results.get("shipped_query")
    lines += [
        "",
        f"`{shipped['command']}` on the shipped data: {_cell(shipped)}."
        if shipped
        else "`coopgraph query` on the shipped data: failed.",
    ]

    lines += [
        "",
        "## Canned queries (ms, median; embedded = `coopgraph.queries.run`, bare = the same SPARQL on "
        "the pyoxigraph store inside (embedded/bare); rdflib's engine, and how many times slower it is than "
        "embedded, for three queries at the smallest size)",
        "",
    ]
    lines.append("| query | " + " | ".join(f"{s['triples']:,}" for s in sizes) + " |")
    lines.append("|---|" + "---|" * len(sizes))
    names = sorted({name for s in sizes for name in (s.get("queries") or {})})
    for name in names:

        def query_cell(s, name=name) -> str:
            f = (s.get("queries") or {}).get(name)
            if not f:
                return "—"
            ratio = f["embedded_ms"] / max(f["bare_ms"], 1e-6)
            text = f"{f['embedded_ms']:.1f} / {f['bare_ms']:.1f} (×{ratio:.2f})"
            if "rdflib_ms" in f:
                slower = f["rdflib_ms"] / max(f["embedded_ms"], 1e-6)
                text += (
                    f", rdflib {f['rdflib_ms']:.0f} (×{slower:.0f})"
                    if slower >= 10
                    else (f", rdflib {f['rdflib_ms']:.0f} (×{slower:.2f})")
                )
            return text + f", {f['rows']} rows"

        lines.append(f"| {name} | " + " | ".join(query_cell(s) for s in sizes) + " |")

    lines += ["", "## Validation results compared (focus, path, value, shape, component)", ""]
    for s in sizes:
        counts = ", ".join(f"{name} {count}" for name, count in s["results"]["counts"].items())
        verdicts = []
        examples = []
        for pair in s["results"]["pairs"]:
            first, second = pair["between"]
            if pair["agree"]:
                verdicts.append(f"{first} = {second}")
                continue
            verdicts.append(
                f"**{first} ≠ {second}** ({pair[f'only_{first}']} only {first}, "
                f"{pair[f'only_{second}']} only {second})"
            )
            for name, rows in pair["examples"].items():
                examples += [
                    f"  - only {name} (vs {first if name == second else second}): `{r}`" for r in rows
                ]
        lines.append(f"- {s['triples']:,} triples: {counts} results; " + "; ".join(verdicts) + ".")
        lines += examples
        if s.get("new_file"):
            lines.append(
                f"- {s['triples']:,} triples, `validate NEW`: "
                f"{s['new_file']['results_not_in_full_validation']} results not in the full validation."
            )

    lines += ["", "## Targets (issue 11)", "", "| target | at | measured | | gap |", "|---|---|---|---|---|"]
    for t in results["targets"]:
        verdict = "met" if t["met"] else ("not measured" if t["met"] is None else "**missed**")
        lines.append(f"| {t['target']} | {t['at']} | {t['measured']} | {verdict} | {t['gap']} |")
    if results["failures"] or results["disagreements"]:
        lines += ["", "## Problems", ""]
        lines += [f"- failed: {f}" for f in results["failures"]]
        lines += [f"- disagreement: {d}" for d in results["disagreements"]]
    return "\n".join(lines) + "\n"


# --- the command --------------------------------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        given = sys.argv[3]
        arguments = json.loads(given if given.startswith("{") else Path(given).read_text(encoding="utf-8"))
        answer = JOBS[sys.argv[2]](**arguments)
        print(json.dumps(answer))
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--triples",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 1_000_000],
        help="the sizes, in triples asked of the generator",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (medians are reported)")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--markdown", type=Path, help="write the tables here as Markdown")
    parser.add_argument(
        "--no-pyshacl-above",
        type=int,
        default=20_000,
        metavar="N",
        help="run pySHACL only at sizes (as asked) up to N triples (default 20000: it is slow)",
    )
    parser.add_argument("--no-jena", action="store_true", help="do not run Jena")
    parser.add_argument("--seed", type=int, default=0, help="the generator's seed")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per process")
    parser.add_argument(
        "--workdir", type=Path, help="keep the generated data here (default: a temporary folder)"
    )
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    executable = Path(sys.executable).parent / "coopgraph"
    coopgraph = str(executable) if executable.exists() else shutil.which("coopgraph")
    if coopgraph is None:
        parser.error("no coopgraph command: install the package (pip install -e .)")
    results: dict = {
        "command": " ".join(["python benchmarks/run.py", *sys.argv[1:]]),
        "repeats": args.repeats,
        "machine": machine(),
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="coopgraph-bench-") as tmp:
        work = args.workdir.resolve() if args.workdir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        jena_command = None
        failures = []
        if not args.no_jena:
            try:
                jena_command = jena.command(work)
            except FileNotFoundError as error:
                failures.append(f"Jena: {error} (bash .ci/system-deps installs it; --no-jena to skip)")
        bench = Bench(args, work, coopgraph, jena_command, failures)
        results["shipped_query"] = measure_shipped_query(bench)
        for index, size in enumerate(sorted(args.triples)):
            results["sizes"].append(measure_size(bench, size, smallest=index == 0))
    results["targets"] = targets(results)
    results["failures"], results["disagreements"] = bench.failures, bench.disagreements
    text = markdown(results)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if bench.failures or bench.disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
