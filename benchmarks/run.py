"""Measure speed and memory as ratios against a baseline, in one run, on generated data.

    python benchmarks/run.py [--copies 10 100] [--json results.json]

Each measurement runs in a fresh process (so peak memory is its own) on a graph made by
``benchmarks/generate.py``: the shipped graph plus N renamed copies of each instrument file.
What is compared, and against what:

- loading: ``coopgraph.load.load_files`` (Oxigraph syntax check + rdflib parse + ill-typed literal check)
  against a bare ``pyoxigraph.Store.load`` of the same files;
- querying: every canned query on the embedded store (pyoxigraph) against rdflib's SPARQL engine;
- validation: coopgraph's engines (SHACL-SPARQL constraints as one query each on pyoxigraph, the rest in
  pySHACL) against pySHACL running every shape alone (``reference=True``) on the same graph, at the sizes
  given by ``--reference-copies`` (pySHACL alone is slow); and the time per triple at each size against the
  smallest size (how it scales).

Timings are reported, never asserted: the numbers that matter are the ratios, taken on the same machine
in the same run. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

REPEATS = 3  # each query is timed this many times and the fastest run kept


def _child(queue, job, args):
    start = time.perf_counter()
    value = job(*args)
    seconds = time.perf_counter() - start
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, value))


def measure(job, *args):
    """Run ``job(*args)`` in a fresh process: (seconds, peak RSS in MiB, its return value)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, job, args))
    process.start()
    seconds, max_rss_kib, value = queue.get()
    process.join()
    return seconds, max_rss_kib / 1024, value


def load_coopgraph(files):
    from coopgraph.load import load_files

    return len(load_files(files))


def load_oxigraph(files):
    import pyoxigraph

    store = pyoxigraph.Store()
    for path in files:
        store.load(
            path=str(path), format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(path.as_uri())
        )
    return len(store)


def query_all(files, engine):
    """Per canned query (example parameters): the best of REPEATS timings, and the number of rows."""
    from coopgraph import queries
    from coopgraph.load import load_files
    from coopgraph.stores import EmbeddedStore

    dataset = load_files(files)
    if engine == "oxigraph":
        store = EmbeddedStore.from_dataset(dataset)
    else:
        dataset.default_union = True
    spent, rows = {}, {}
    for name, query in sorted(queries.registry().items()):
        bindings = queries.bind(query, {p.name: p.example for p in query.parameters if p.required})
        runs = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            if engine == "oxigraph":
                answer = len(store.query(query.text, bindings)["results"]["bindings"])
            else:
                answer = len(list(dataset.query(query.text, initBindings=bindings)))
            runs.append(time.perf_counter() - start)
        spent[name], rows[name] = min(runs), answer
    return spent, rows


def validate_files(files, reference=False):
    """Validate the generated data (the ontology is added by coopgraph.validate itself)."""
    from coopgraph.validate import validate

    data = [path for path in files if "ontology" not in path.parts]
    report = validate(data, shipped=False, reference=reference)
    if not report.conforms:
        raise SystemExit(f"generated data does not conform: {report.results[0].message}")
    return report.triples


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--copies", type=int, nargs="+", default=[10, 100], help="sizes: copies per instrument"
    )
    parser.add_argument(
        "--reference-copies",
        type=int,
        nargs="*",
        default=[10],
        help="sizes at which pySHACL alone is also timed, as the validation baseline",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = {"sizes": []}
    with tempfile.TemporaryDirectory() as tmp:
        for copies in args.copies:
            files = generate.generate(copies, Path(tmp) / f"c{copies}")
            base_s, base_mem, triples = measure(load_oxigraph, files)
            ours_s, ours_mem, _ = measure(load_coopgraph, files)
            _, _, (ox, ox_rows) = measure(query_all, files, "oxigraph")
            _, _, (rd, rd_rows) = measure(query_all, files, "rdflib")
            differ = sorted(n for n in ox_rows if ox_rows[n] != rd_rows[n])
            val_s, val_mem, _ = measure(validate_files, files)
            ref_s = ref_mem = None
            if copies in args.reference_copies:
                ref_s, ref_mem, _ = measure(validate_files, files, True)
            size = {
                "copies": copies,
                "triples": triples,
                "load_seconds": {"coopgraph": ours_s, "pyoxigraph (baseline)": base_s},
                "load_ratio": ours_s / base_s,
                "load_peak_mib": {"coopgraph": ours_mem, "pyoxigraph (baseline)": base_mem},
                "query_ratio_rdflib_over_oxigraph": {n: rd[n] / max(ox[n], 1e-9) for n in ox},
                "queries_whose_row_counts_differ": differ,
                "validate_seconds": val_s,
                "validate_peak_mib": val_mem,
                "validate_us_per_triple": val_s / triples * 1e6,
                "validate_pyshacl_alone_seconds": ref_s,
                "validate_pyshacl_alone_peak_mib": ref_mem,
                "validate_ratio_to_pyshacl_alone": val_s / ref_s if ref_s else None,
            }
            results["sizes"].append(size)
            print(
                f"{copies:>5} copies, {triples:>7} triples | load ×{size['load_ratio']:.1f} of pyoxigraph "
                f"({ours_s:.2f}s vs {base_s:.2f}s, {ours_mem:.0f} vs {base_mem:.0f} MiB) | validate "
                f"{val_s:.1f}s ({size['validate_us_per_triple']:.0f} µs/triple, {val_mem:.0f} MiB)"
            )
            if ref_s:
                print(
                    f"      validate ×{val_s / ref_s:.2f} of pySHACL alone ({val_s:.1f}s vs {ref_s:.1f}s, "
                    f"{val_mem:.0f} vs {ref_mem:.0f} MiB)"
                )
            ratios = sorted(size["query_ratio_rdflib_over_oxigraph"].items(), key=lambda kv: kv[1])
            if differ:
                print(
                    f"      WARNING: the engines disagree on the rows of {', '.join(differ)}: ratios are moot"
                )
            print(
                "      rdflib engine / pyoxigraph, per query: "
                + ", ".join(f"{n} ×{r:.0f}" for n, r in ratios)
            )
    first = results["sizes"][0]["validate_us_per_triple"]
    for size in results["sizes"]:
        size["validate_per_triple_ratio_to_smallest"] = size["validate_us_per_triple"] / first
    print(
        "validation cost per triple, relative to the smallest size: "
        + ", ".join(
            f"{s['copies']} copies ×{s['validate_per_triple_ratio_to_smallest']:.2f}"
            for s in results["sizes"]
        )
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
