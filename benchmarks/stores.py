"""Every canned query on the embedded store, a real Oxigraph server and a real Virtuoso, side by side.

    python benchmarks/stores.py --triples 100000 [--repeats 5] [--seed 0] [--timeout 120]
        [--dataset graphs|merged] [--data DIR] [--queries DIR] [--stores embedded oxigraph virtuoso]
        [--workdir DIR] [--json out.json] [--markdown out.md]

``benchmarks/generate.py`` writes a seeded graph of about ``--triples`` triples (the shipped data and
generated instruments; ``--data DIR`` uses a data folder already written instead). The embedded store is
built from it as ``coopgraph query`` builds it (``COOPGRAPH_DATA``); an Oxigraph server and a private
Virtuoso 7 are started on 127.0.0.1 with ``tests/integration/servers.py`` (the integration tests' own
start functions), and the same graph is uploaded to each with ``coopgraph.stores.load``, one named graph
per file, as ``coopgraph load`` does. Each server stops a query itself after ``--timeout`` seconds.

``--dataset graphs`` (the default) names every coopgraph graph of the store as ``default-graph-uri``, as
``coopgraph query --endpoint`` does, so the default graph is their union (a bag on both servers).
``--dataset merged`` first copies the RDF merge of those graphs into one graph on the server (one
``INSERT … WHERE`` update, timed) and names only that graph: the same triples, each once, as the embedded
store's default graph holds them.

Each canned query (``coopgraph.queries.registry()``, or the ``.rq`` files of ``--queries DIR``) runs with
its example parameters (``q.examples()``), and again with the optional ones too when it has any, through
``coopgraph.queries.run`` on every store: a first run, then the median of ``--repeats`` timed runs in
milliseconds, the parameter checks included (what a user waits for). The rows of every store are compared
with the embedded store's, as multisets of normalised rows.

The exit status is 1 when the rows of a store differ from the embedded store's, or a query fails (an
error, the server's time limit, ``--timeout`` seconds), and 0 otherwise, whatever the timings.
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
DATASETS = ("graphs", "merged")
#: The graph ``--dataset merged`` builds: outside the coopgraph graphs' base, so it is not one of them.
MERGED = "urn:coopgraph:benchmark:merged"
MERGE = (
    "INSERT {{ GRAPH <{merged}> {{ ?s ?p ?o }} }} "
    "WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {base})) }}"
)
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


def post_merge(server, embedded, uploader, lines_per_request: int = 100_000) -> None:
    """Put the embedded store's default graph (the RDF merge of every file) into :data:`MERGED` by Graph
    Store Protocol POSTs of N-Triples, and check the count. The triples with a blank node all go in the
    first request: a blank node label names one node only within one request."""
    import pyoxigraph
    import requests

    text = embedded.store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    lines = text.decode("utf-8").splitlines()
    lines.sort(key=lambda line: "_:" not in line)  # stable: blank-node triples first, in one part
    blank = sum(1 for line in lines if "_:" in line)
    size = max(lines_per_request, blank)
    auth = requests.auth.HTTPDigestAuth(server.user, server.password) if server.user else None
    uploader.update(f"DROP SILENT GRAPH <{MERGED}>")
    for start in range(0, len(lines), size):
        body = ("\n".join(lines[start : start + size]) + "\n").encode("utf-8")
        response = requests.post(
            server.gsp_endpoint,
            params={server.graph_param: MERGED},
            data=body,
            headers={"Content-Type": "application/n-triples"},
            auth=auth,
            timeout=600,
        )
        response.raise_for_status()
    found = uploader.count(MERGED)
    if found != len(lines):
        raise RuntimeError(f"{server.name} holds {found} triples in <{MERGED}>, {len(lines)} were sent")


def markdown(result: dict) -> str:
    stores = result["stores"]
    source = f"`--triples {result['asked']}`" if result["asked"] else result["data"]
    lines = [
        f"{result['triples']:,} triples in {result['graphs']} named graphs ({source}); median of "
        f"{result['repeats']} runs after a first one, ms (the first one in brackets); rows compared "
        "with the embedded store's.",
        "",
    ]
    loads = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["load_seconds"].items())
    if result.get("upload") == "merged":
        lines += [
            f"Upload: the RDF merge of the files, POSTed in parts into one graph ({loads}); remote "
            "dataset: that graph.",
            "",
        ]
    elif result["dataset"] == "merged":
        merges = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["merge_seconds"].items())
        lines += [
            f"Upload with `coopgraph.stores.load`, one named graph per file, no validation: {loads}. "
            f"Remote dataset: one graph holding the RDF merge of the coopgraph graphs, copied on the "
            f"server ({merges}).",
            "",
        ]
    else:
        lines += [
            f"Upload with `coopgraph.stores.load`, one named graph per file, no validation: {loads}. "
            f"Remote dataset: the {result['graphs']} coopgraph graphs, each a `default-graph-uri`, as "
            "`coopgraph query --endpoint` sends them.",
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
    parser.add_argument(
        "--upload",
        choices=("load", "merged"),
        default="load",
        help="load: coopgraph.stores.load, one named graph per file; merged: only the merged graph, "
        "POSTed in parts through the Graph Store Protocol (implies --dataset merged)",
    )
    parser.add_argument("--data", type=Path, help="a data folder already written (instead of generating)")
    parser.add_argument("--queries", type=Path, help="a folder of .rq files instead of the canned queries")
    parser.add_argument("--stores", nargs="+", choices=STORES, default=list(STORES))
    parser.add_argument(
        "--dataset",
        choices=DATASETS,
        default="graphs",
        help="graphs: every coopgraph graph as default-graph-uri, as `coopgraph query --endpoint` sends "
        "them; merged: one graph holding their RDF merge, built on the server after the upload",
    )
    parser.add_argument("--workdir", type=Path, help="where the data and the servers' databases go (kept)")
    parser.add_argument("--json", type=Path, help="write the results as JSON")
    parser.add_argument("--markdown", type=Path, help="write the table as Markdown (it is printed too)")
    parser.add_argument("--render", type=Path, help="only print the table of a --json file written before")
    args = parser.parse_args()
    if args.upload == "merged":
        args.dataset = "merged"
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
    from coopgraph.load import GRAPH_BASE
    from coopgraph.stores import EmbeddedStore, load

    servers = _servers_module()
    embedded = EmbeddedStore.shipped()
    graphs = embedded.graphs()
    triples = sum(embedded.count(graph) for graph in graphs)
    stores: dict[str, object] = {"embedded": embedded} if "embedded" in args.stores else {}
    started = []
    load_seconds: dict[str, float] = {}
    merge_seconds: dict[str, float] = {}
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
            start = time.perf_counter()
            try:
                if args.upload == "merged":
                    post_merge(server, embedded, uploader)
                else:
                    load(uploader, validate=False)
            except Exception as error:  # the other stores are still worth measuring
                failures.append(f"upload to {name}: {type(error).__name__}: {error}")
                print(f"  upload FAILED: {error}", file=sys.stderr)
                continue
            load_seconds[name] = time.perf_counter() - start
            print(f"  uploaded {triples:,} triples in {load_seconds[name]:.1f} s", file=sys.stderr)
            if args.dataset == "merged" and args.upload == "load":
                uploader.update(f"DROP SILENT GRAPH <{MERGED}>")
                start = time.perf_counter()
                uploader.update(MERGE.format(merged=MERGED, base=json.dumps(GRAPH_BASE)))
                merge_seconds[name] = time.perf_counter() - start
            if args.dataset == "merged":
                remote = server.store(timeout=args.timeout + 10, default_graphs=[MERGED])
            else:
                remote = server.store(timeout=args.timeout + 10)
                remote.dataset()  # the coopgraph graphs of the store, found once, as `query --endpoint` does
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
        "upload": args.upload,
        "load_seconds": load_seconds,
        "merge_seconds": merge_seconds,
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
