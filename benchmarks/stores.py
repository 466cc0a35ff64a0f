"""Every canned query on the embedded store, a real Oxigraph server and a real Virtuoso, side by side.

    python benchmarks/stores.py --triples 100000 [--repeats 5] [--seed 0] [--timeout 120]
        [--dataset merged|graphs] [--data DIR] [--queries DIR] [--stores embedded oxigraph virtuoso]
        [--workdir DIR] [--json out.json] [--markdown out.md]

``benchmarks/generate.py`` writes a seeded graph of about ``--triples`` triples (the shipped data and
generated instruments; ``--data DIR`` uses a data folder already written instead). The embedded store is
built from it as ``coopgraph query`` builds it (``COOPGRAPH_DATA``); an Oxigraph server and a private
Virtuoso 7 are started on 127.0.0.1 with ``tests/integration/servers.py`` (the integration tests' own
start functions), and the same graph is uploaded to each with ``coopgraph.stores.load``, one named graph
per file, as ``coopgraph load`` does. Each server stops a query itself after ``--timeout`` seconds.

The load time is split by the steps ``load`` reports (``on_step``): staging (from the start to the last
graph staged: reading the files, comparing with the manifest, the PUTs), merge (to the swap: the staged
counts checked, the load's merged graph built by ``ADD``s and counted, on Virtuoso the swapping mark),
swap (the swap request or requests) and the rest (the counts checked after it, the old merged graph
dropped).

``--dataset merged`` (the default) asks the store's own default dataset, as ``coopgraph query --endpoint``
does: the merged graph the load built and the manifest names (every triple of the coopgraph graphs once, as
the embedded store's default graph holds them), one ``default-graph-uri``. ``--dataset graphs`` names the
manifest's graphs one by one instead, as ``coopgraph query --endpoint --graph …`` does with each of them, so
the default graph is their union (a bag on both servers).

Each canned query (``coopgraph.queries.registry()``, or the ``.rq`` files of ``--queries DIR``) runs with
its example parameters (``q.examples()``), and again with the optional ones too when it has any, through
``coopgraph.queries.run`` on every store: a first run, then the median of ``--repeats`` timed runs in
milliseconds, the parameter checks included (what a user waits for). The rows of every store are compared
with the embedded store's, as multisets of normalised rows.

The exit status is 1 when the rows of a store differ from the embedded store's, an upload or a query fails
(an error, the server's time limit, ``--timeout`` seconds), and 0 otherwise, whatever the timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STORES = ("embedded", "oxigraph", "virtuoso")
DATASETS = ("merged", "graphs")
#: The parts of a load's time, in order (see the module's docstring).
PHASES = ("staging", "merge", "swap", "rest")
sys.path.insert(0, str(HERE))


def _servers_module():
    """tests/integration/servers.py, imported by path (tests/ is not a package)."""
    path = ROOT / "tests" / "integration" / "servers.py"
    spec = importlib.util.spec_from_file_location("coopgraph_test_servers", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def canonical(document: dict) -> object:
    """An answer as a comparable value: the boolean, or the variables and the sorted rows."""
    if "boolean" in document:
        return document["boolean"]
    rows = sorted(json.dumps(row, sort_keys=True) for row in document["results"]["bindings"])
    return document["head"]["vars"], rows


def row_count(document: dict) -> int:
    return int(document["boolean"]) if "boolean" in document else len(document["results"]["bindings"])


def cases(folder: Path | None) -> list[tuple[str, object, dict[str, str]]]:
    """(label, query, parameters): each query with its required examples, and with all of them when it has
    optional parameters."""
    from coopgraph import queries

    if folder is None:
        listing = queries.registry()
    else:
        listing = {
            path.stem: queries.parse_text(path.read_text(encoding="utf-8"), path.stem, path)
            for path in sorted(folder.glob("*.rq"))
        }
    found = []
    for name, query in listing.items():
        found.append((name, query, query.examples()))
        if query.examples(optional=True) != query.examples():
            found.append((f"{name} +optional", query, query.examples(optional=True)))
    return found


def timed(function, repeats: int) -> tuple[float, float, dict]:
    """One first call (on Virtuoso it includes compiling the query, which it then keeps), then the median
    milliseconds of ``repeats`` calls; the first call's milliseconds and the last answer too."""
    start = time.perf_counter()
    answer = function()
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        answer = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), first, answer


def machine() -> dict:
    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name, argv in (
        ("oxigraph", [str(Path(sys.executable).parent / "oxigraph"), "--version"]),
        ("virtuoso", ["virtuoso-t", "-?"]),
    ):
        try:
            answer = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            text = (answer.stdout + answer.stderr).splitlines()
            versions[name] = next((line for line in text if "ersion" in line or "oxigraph" in line), "")
        except (OSError, subprocess.TimeoutExpired):
            versions[name] = None
    from importlib import metadata

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "pyoxigraph": metadata.version("pyoxigraph"),
        "servers": versions,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


class LoadClock:
    """Times the steps of one ``coopgraph.stores.load``: pass :meth:`step` as its ``on_step``."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.staged: float | None = None  # when the last graph was staged
        self.swap: float | None = None
        self.swapped: float | None = None
        self.graphs_staged = 0

    def step(self, name: str, _what: str) -> None:
        now = time.perf_counter()
        if name == "staged":
            self.staged = now
            self.graphs_staged += 1
        elif name == "swap":
            self.swap = now
        elif name == "swapped":
            self.swapped = now

    def split(self) -> dict[str, float]:
        """Seconds per phase (:data:`PHASES`) and in all; a step never reached counts as nothing, its time
        going to the phase before it."""
        end = time.perf_counter()
        staged = self.staged or self.start  # nothing staged: the load changed nothing
        swap = self.swap or staged
        swapped = self.swapped or swap
        return {
            "staging": staged - self.start,
            "merge": swap - staged,
            "swap": swapped - swap,
            "rest": end - swapped,
            "total": end - self.start,
            "graphs_staged": self.graphs_staged,
        }


def load_line(name: str, split: dict) -> str:
    parts = ", ".join(f"{phase} {split[phase]:.1f}" for phase in PHASES)
    return f"{name} {split['total']:.1f} s ({parts})"


def markdown(result: dict) -> str:
    stores = result["stores"]
    source = f"`--triples {result['asked']}`" if result["asked"] else result["data"]
    lines = [
        f"{result['triples']:,} triples in {result['graphs']} named graphs ({source}); median of "
        f"{result['repeats']} runs after a first one, ms (the first one in brackets); rows compared "
        "with the embedded store's.",
        "",
    ]
    if "load_split" in result:
        loads = "; ".join(load_line(name, split) for name, split in result["load_split"].items())
    else:  # a --json file of an earlier version of this script
        loads = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["load_seconds"].items())
    lines += [
        f"Upload with `coopgraph.stores.load`, one named graph per file, no validation: {loads or 'none'}.",
        "",
    ]
    if result["dataset"] == "merged":
        merged = ", ".join(f"{name} {count:,}" for name, count in result.get("merged_triples", {}).items())
        lines += [
            "Remote dataset: the load's merged graph, one `default-graph-uri`, as `coopgraph query "
            f"--endpoint` asks (triples: {merged or '?'}; the embedded default graph "
            f"{result.get('default_triples', 0):,}).",
            "",
        ]
    else:
        lines += [
            f"Remote dataset: the manifest's {result['graphs']} graphs, each a `default-graph-uri`, as "
            "`coopgraph query --endpoint --graph …` sends them.",
            "",
        ]
    lines.append("| query | rows | " + " | ".join(stores) + " | same rows |")
    lines.append("|---|---|" + "---|" * len(stores) + "---|")
    failures: dict[tuple[str, str], list[str]] = {}  # (store, message) → the queries that failed so
    for row in result["queries"]:
        cells = []
        for name in stores:
            entry = row["stores"].get(name, {})
            if "ms" in entry:
                cells.append(f"{entry['ms']:.1f} ({entry['first_ms']:.0f})")
            else:
                message = re.sub(r"https?://127\.0\.0\.1:\d+", "…", entry.get("error", "?"))
                failures.setdefault((name, message[:300]), []).append(row["label"])
                cells.append("failed")
        if row["disagree"]:
            same = "**no**: other rows on " + ", ".join(row["disagree"])
        else:
            same = "yes" if not row["failed"] else "(" + ", ".join(row["failed"]) + " failed)"
        lines.append(f"| {row['label']} | {row['rows']} | " + " | ".join(cells) + f" | {same} |")
    if failures:
        lines += ["", "Failures:", ""]
        for (name, message), labels in failures.items():
            which = labels[0] if len(labels) == 1 else f"{len(labels)} cases ({labels[0]}, …)"
            lines.append(f"- {name}, {which}: {message}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=100_000, help="about how many triples to generate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per query and store (median)")
    parser.add_argument(
        "--timeout", type=float, default=120, help="seconds a server may spend on one query (its own limit)"
    )
    parser.add_argument("--data", type=Path, help="a data folder already written (instead of generating)")
    parser.add_argument("--queries", type=Path, help="a folder of .rq files instead of the canned queries")
    parser.add_argument("--stores", nargs="+", choices=STORES, default=list(STORES))
    parser.add_argument(
        "--dataset",
        choices=DATASETS,
        default="merged",
        help="merged: the load's merged graph, as `coopgraph query --endpoint` asks; graphs: each of the "
        "manifest's graphs as a default-graph-uri, as `coopgraph query --endpoint --graph …` does",
    )
    parser.add_argument("--workdir", type=Path, help="where the data and the servers' databases go (kept)")
    parser.add_argument("--json", type=Path, help="write the results as JSON")
    parser.add_argument("--markdown", type=Path, help="write the table as Markdown (it is printed too)")
    parser.add_argument("--render", type=Path, help="only print the table of a --json file written before")
    args = parser.parse_args()
    if args.render:
        print(markdown(json.loads(args.render.read_text())))
        return 0

    work = args.workdir or Path(tempfile.mkdtemp(prefix="coopgraph-stores-"))
    work.mkdir(parents=True, exist_ok=True)
    for variable in ("COOPGRAPH_DATA", "COOPGRAPH_ROOT"):
        os.environ.pop(variable, None)
    data = args.data
    if data is None:
        import generate

        data = work / f"data-{args.triples}"
        print(f"generating about {args.triples:,} triples into {data}", file=sys.stderr)
        generate.generate(args.triples, data, seed=args.seed)
    os.environ["COOPGRAPH_DATA"] = str(data.resolve())
    os.environ["COOPGRAPH_STORE"] = "off"  # the files parsed into memory, as benchmarks/run.py measures
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")

    from coopgraph import queries
    from coopgraph.stores import EmbeddedStore, load

    servers = _servers_module()
    embedded = EmbeddedStore.shipped()
    graphs = embedded.graphs()
    triples = sum(embedded.count(graph) for graph in graphs)
    # what the merged graph of a load should hold: each triple of the named graphs once
    default_triples = sum(
        1 for _ in embedded.store.query("SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } }")
    )
    stores: dict[str, object] = {"embedded": embedded} if "embedded" in args.stores else {}
    started = []
    load_split: dict[str, dict] = {}
    merged_triples: dict[str, int] = {}
    failures: list[str] = []
    try:
        for name in ("oxigraph", "virtuoso"):
            if name not in args.stores:
                continue
            options = {"query_limit": args.timeout}
            if name == "virtuoso":  # 8 KiB pages in memory: the whole graph, as a server for it would have
                options["buffers"] = max(10_000, min(250_000, triples // 5))
            launch = servers.launch_oxigraph if name == "oxigraph" else servers.launch_virtuoso
            print(f"starting {name}", file=sys.stderr)
            server = launch(work / name, **options)
            started.append(server)
            uploader = server.store(timeout=max(600, args.timeout))
            clock = LoadClock()
            try:
                load(uploader, validate=False, on_step=clock.step)
            except Exception as error:  # the other stores are still worth measuring
                split = clock.split()
                where = "swap" if clock.swap else "merge" if clock.graphs_staged == len(graphs) else "staging"
                failures.append(f"upload to {name} ({where}): {type(error).__name__}: {error}")
                print(f"  upload FAILED in {where}: {load_line(name, split)}: {error}", file=sys.stderr)
                continue
            load_split[name] = clock.split()
            print(f"  uploaded {triples:,} triples: {load_line(name, load_split[name])}", file=sys.stderr)
            manifest = uploader.manifest()
            merged_triples[name] = manifest.merged.triples if manifest.merged else 0
            if args.dataset == "merged":  # the store's own dataset: the merged graph its manifest names
                remote = server.store(timeout=args.timeout + 10)
                expected_dataset = [manifest.merged.graph] if manifest.merged else []
                if remote.dataset() != expected_dataset or not expected_dataset:
                    failures.append(f"{name}: the dataset is {remote.dataset()[:3]}, not the merged graph")
                    print(f"  {failures[-1]}", file=sys.stderr)
                    continue
            else:
                remote = server.store(timeout=args.timeout + 10, default_graphs=list(manifest.graphs))
            stores[name] = remote
        rows = []
        for label, query, params in cases(args.queries):
            row = {"label": label, "params": params, "stores": {}, "disagree": [], "failed": [], "rows": None}
            expected = None
            for name, store in stores.items():
                try:
                    ms, first, answer = timed(
                        lambda s=store, q=query, p=params: queries.run(q, p, s), args.repeats
                    )
                except Exception as error:  # one failed query must not lose the others
                    row["stores"][name] = {"error": f"{type(error).__name__}: {error}"}
                    row["failed"].append(name)
                    failures.append(f"{label} on {name}: {error}")
                    continue
                row["stores"][name] = {"ms": ms, "first_ms": first, "rows": row_count(answer)}
                if expected is None:
                    expected, row["rows"] = canonical(answer), row_count(answer)
                elif canonical(answer) != expected:
                    row["disagree"].append(name)
            shown = "  ".join(
                f"{name} {entry['ms']:.1f} ms" if "ms" in entry else f"{name} FAILED"
                for name, entry in row["stores"].items()
            )
            flag = f"  DIFFERENT ROWS on {', '.join(row['disagree'])}" if row["disagree"] else ""
            print(f"{label}: {row['rows']} rows  {shown}{flag}", file=sys.stderr)
            rows.append(row)
    finally:
        for server in started:
            server.stop()
    result = {
        "asked": args.triples if args.data is None else None,
        "data": str(data),
        "triples": triples,
        "graphs": len(graphs),
        "repeats": args.repeats,
        "stores": list(stores),
        "dataset": args.dataset,
        "load_split": load_split,
        "merged_triples": merged_triples,
        "default_triples": default_triples,
        "machine": machine(),
        "queries": rows,
        "failures": failures,
    }
    table = markdown(result)
    print(table)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    if args.markdown:
        args.markdown.write_text(table + "\n")
    disagreements = [f"{row['label']} on {', '.join(row['disagree'])}" for row in rows if row["disagree"]]
    for line in disagreements:
        print(f"different rows: {line}", file=sys.stderr)
    for line in failures:
        print(f"failed: {line}", file=sys.stderr)
    return 1 if disagreements or failures else 0


if __name__ == "__main__":
    sys.exit(main())
