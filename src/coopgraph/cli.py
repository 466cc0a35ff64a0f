"""The ``coopgraph`` command: a thin layer over the library API.

Exit codes (as pySHACL documents them): 0 ok / conforms, 1 does not conform, 2 bad input or error.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from coopgraph import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from coopgraph.scaffold import Scaffold
    from coopgraph.stores import RemoteStore

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> None:
    """Print an error for a person on stderr and exit 2, never a traceback."""
    click.echo(f"coopgraph: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


class _Group(click.Group):
    """The command group, and the one place where errors become exit codes: every
    :class:`coopgraph.errors.CoopgraphError` (a file that does not load, a bad parameter, a tree coopgraph
    was told to use but cannot, a store that refuses) is exit 2 with its message, whichever command meets
    it; so is an operating-system error (a file that cannot be read or written)."""

    def invoke(self, ctx: click.Context) -> object:
        from coopgraph.errors import CoopgraphError

        try:
            return super().invoke(ctx)
        except (CoopgraphError, OSError) as error:
            fail(str(error))


@click.group(
    cls=_Group, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="coopgraph")
@click.pass_context
def main(ctx: click.Context) -> None:
    """coopgraph: a knowledge graph of bilateral legal cooperation between states.

    Works on the ontology/, data/, shapes/ and queries/ of the coopgraph checkout the current directory is
    in, else of the installed package; COOPGRAPH_ROOT=DIR names another tree, COOPGRAPH_DATA=DIR another
    data folder. `coopgraph check` says which one it used.

    Exit codes: 0 ok (conforms), 1 does not conform, 2 bad input or error.

    \b
    Shell completion, in ~/.bashrc (zsh: zsh_source in ~/.zshrc; fish: see the README):
    eval "$(_COOPGRAPH_COMPLETE=bash_source coopgraph)"
    """
    if ctx.invoked_subcommand is None:  # `coopgraph` alone asks what there is: the help, on stdout, exit 0
        click.echo(ctx.get_help())


def _input_format_option(command: Callable) -> Callable:
    """``--input-format``: the RDF syntax of the files given (and of standard input), when not their
    extension's."""
    return click.option(
        "--input-format",
        type=click.Choice(["turtle", "nt", "nquads", "trig", "jsonld", "rdfxml"]),
        help="The syntax of the files given and of - (standard input; default turtle), whatever their "
        "extension (.ttl .nt .nq .trig .jsonld .rdf .owl).",
    )(command)


def _source_options(id_default: str) -> Callable[[Callable], Callable]:
    """The options a scaffold takes of the source that reports what it writes, and of the file it writes
    (``new instrument``, ``new event``): ``id_default`` says what ``--source-id`` defaults to."""
    options = [
        click.option("--source-title", help="The source's title as published."),
        click.option("--source-url", metavar="URL", help="The source's web address (cg:permalink)."),
        click.option("--source-date", metavar="YYYY-MM-DD", help="The day the source was published."),
        click.option(
            "--publisher", metavar="IRI", help="Who published it: a body or organisation of the graph."
        ),
        click.option(
            "--source-kind",
            type=click.Choice(["primary", "secondary"]),
            help="primary: a party published it.",
        ),
        click.option(
            "--source-type",
            type=click.Choice(["source", "press-release", "news-article"]),
            default="source",
            show_default=True,
        ),
        click.option("--source-id", metavar="SLUG", help=f"Default: {id_default}-source."),
        click.option(
            "--source-text",
            type=click.Path(dir_okay=False, path_type=str),
            help="The source's text (.md or .txt), cut into paragraphs so that quotes are checked.",
        ),
        click.option(
            "--paragraphs",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Without --source-text: how many body paragraphs to write stubs for.",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, path_type=str),
            help="Default: data/instruments/ID.ttl",
        ),
        click.option("--force", is_flag=True, help="Replace the output file if it exists."),
    ]

    def apply(command: Callable) -> Callable:
        for option in reversed(options):  # the first option listed first in the help, as decorators do
            command = option(command)
        return command

    return apply


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--no-explain", is_flag=True, help="Do not narrow an inconsistency down to its nodes.")
def reason(files: tuple[str, ...], output_format: str, no_explain: bool) -> None:
    """Check that the ontology and the data (and FILES) are consistent under OWL 2 DL, with HermiT.

    Needs Java. Exit 0 consistent, 1 inconsistent or a class can have no member, 2 error (e.g. no Java, a
    file that does not parse).
    """
    import json

    from coopgraph.reason import check_files

    report = check_files(files, explain=not no_explain)  # a ReasonerError or LoadError: exit 2 (_Group)
    if output_format == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(report.message)
        for culprit in report.culprits:
            click.echo(f"  <{culprit}> in {', '.join(report.where.get(culprit, ())) or 'the given graph'}")
        for klass in report.unsatisfiable:
            click.echo(f"  unsatisfiable: <{klass}>")
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
    sys.exit(EXIT_OK if report.ok else EXIT_NONCONFORMING)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text: a block per result naming the file and line at fault; json: {conforms, results}; "
    "turtle: the SHACL validation report graph.",
)
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=str),
    help="A folder of local copies of sources (default: $COOPGRAPH_SOURCES): the quotes of a source that "
    "names its copy (cg:localCopy) are checked against it.",
)
@click.option(
    "--reference",
    is_flag=True,
    help="Run every shape in pySHACL instead of coopgraph's engine (much slower; the same results, and the "
    "way to run shapes that use a SHACL feature the engine refuses).",
)
@click.option(
    "--data", "data_files", multiple=True, metavar="FILE", help="A data file (repeat for more): as FILES."
)
@click.option(
    "--shapes",
    "shapes_files",
    multiple=True,
    metavar="FILE",
    help="Validate against the shapes of this file (repeat for more) instead of the shipped shapes.",
)
@click.option(
    "--no-shipped",
    is_flag=True,
    help="Leave the shipped graph out: validate FILES alone (with the ontology, for the shipped shapes).",
)
@_input_format_option
def validate(
    files: tuple[str, ...],
    output_format: str,
    sources: str | None,
    reference: bool,
    data_files: tuple[str, ...],
    shapes_files: tuple[str, ...],
    no_shipped: bool,
    input_format: str | None,
) -> None:
    """Validate the graph (ontology + data) against the SHACL shapes, together with FILES if given.

    \b
    coopgraph validate my-agreement.ttl
    coopgraph validate --no-shipped --data mine.jsonld
    coopgraph validate --no-shipped --shapes my-shapes.ttl --data mine.ttl
    curl -s https://example.org/agreement.nt | coopgraph validate --input-format nt -

    FILES are checked with the graph, so a new file may point at the states, people and concepts already
    in it; a result caused by a statement of a file names that file and line. A FILE may be Turtle,
    N-Triples, N-Quads, TriG, JSON-LD or RDF/XML (by its extension, or --input-format), or - for standard
    input. Warnings (a quote that could not be checked, a party without a recorded signature) are shown but
    do not fail. No file of yours is written; a graph of over 2 MiB is kept, with its results, in an
    on-disk store in your cache ($XDG_CACHE_HOME/coopgraph; COOPGRAPH_STORE=auto|on|off), so that FILES
    are then validated by rerunning only what they can change, with the same results. Exit 0 conforms, 1
    does not conform, 2 bad input (a file that does not parse, with file:line:column, an empty file, an
    ill-typed literal such as "2025-13-40"^^xsd:date).
    """
    import json
    from pathlib import Path

    from coopgraph import inputs
    from coopgraph.errors import CoopgraphError
    from coopgraph.validate import validate as run_validation

    if inputs.STDIN in shapes_files and inputs.STDIN in (*files, *data_files):
        fail("standard input (-) can be read only once: give the data or the shapes as -, not both")
    try:  # the error first, then which tree was used (_tell_tree)
        with (
            inputs.opened([*files, *data_files], input_format) as data,
            inputs.opened(shapes_files) as shapes,
        ):
            report = run_validation(
                data,
                shipped=not no_shipped,
                shapes_files=shapes or None,
                sources=Path(sources) if sources else None,
                reference=reference,
            )
    except (CoopgraphError, OSError) as error:
        fail(str(error))
    if output_format == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif output_format == "turtle":
        click.echo(report.to_turtle(), nl=False)
    else:
        click.echo(report.to_text(), nl=False)
    sys.exit(EXIT_OK if report.conforms else EXIT_NONCONFORMING)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing the files that are not canonical.")
@click.option("--diff", "show_diff", is_flag=True, help="Also show how each such file would change.")
def fmt(files: tuple[str, ...], check: bool, show_diff: bool) -> None:
    """Rewrite Turtle FILES (or the .ttl files under directories) in canonical form: exactly what rdflib's
    longturtle writes.

    Default: every shipped .ttl file in ontology/, data/ and shapes/. Only .ttl files are rewritten (convert
    another format first, e.g. with rdflib's rdfpipe). The comment lines at the top of a file are kept; a
    file with a comment below them is refused, naming its line, rather than lose it. Every file is checked
    before any is rewritten; a rewrite replaces the file in one step, and through a symlink replaces its
    target. Exit 0 done (or all canonical with --check), 1 some files are not canonical (--check), 2 a file
    does not parse or is refused.
    """
    from coopgraph import canonical

    paths = list(files) or canonical.shipped_turtle_files()
    results = canonical.check_files(paths)  # every file read before any is written
    changed = [result for result in results if not result.canonical]
    for result in changed:
        if show_diff:
            click.echo(result.diff(), nl=False)
        if not check:
            canonical.write_atomically(result.path, result.text.encode("utf-8"))
        click.echo(f"{'not canonical' if check else 'reformatted'}: {result.path}")
    if not changed:
        click.echo(f"{len(results)} file(s) canonical")
    sys.exit(EXIT_NONCONFORMING if check and changed else EXIT_OK)


@main.command()
@click.option(
    "--output", "-o", type=click.Path(file_okay=False, path_type=str), default="docs/html", show_default=True
)
def docs(output: str) -> None:
    """Generate HTML documentation of the ontology (with pyLODE) into OUTPUT/index.html.

    The ontology's own classes and properties come first, then the external ones it reuses or aligns with.
    Needs the docs extra: pip install 'coopgraph[docs]'. Exit 0 written, 2 pyLODE missing, not importing
    (the message names the import's own error) or failing.
    """
    from coopgraph.docs import build_docs

    click.echo(f"wrote {build_docs(output)}")


def _client_options(command: Callable) -> Callable:
    """The options of every command that talks to a SPARQL server: how to reach it and sign in."""
    from coopgraph.stores import flavours

    options = [
        click.option(
            "--auth",
            "auth_scheme",
            type=click.Choice(["basic", "digest", "bearer"]),
            help="HTTP auth scheme.",
        ),
        click.option("--user", help="User name for basic or digest authentication."),
        click.option(
            "--password-env",
            default="COOPGRAPH_PASSWORD",
            show_default=True,
            help="Environment variable holding the password or bearer token (never on the command line).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=30.0,
            show_default=True,
            help="Seconds per request (in memory, for a query with SERVICE: for the whole query).",
        ),
        click.option(
            "--flavour",
            type=click.Choice(["auto", *sorted(flavour.name for flavour in flavours.known())]),
            default="auto",
            show_default=True,
            help="The kind of server (auto: from its Server header); standard for any SPARQL 1.1 store whose "
            "update requests are transactions (Oxigraph, Fuseki, GraphDB).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _remote_store(endpoint: str, options: dict, **settings: object) -> RemoteStore:
    """The :class:`coopgraph.stores.RemoteStore` the client options describe (the secret read from the
    environment variable they name)."""
    from coopgraph.stores import Auth, RemoteStore

    scheme, user = options.pop("auth_scheme"), options.pop("user")
    variable, flavour = options.pop("password_env"), options.pop("flavour")
    if user and not scheme:
        fail("--user needs --auth basic or --auth digest")
    auth = Auth.from_env(scheme, variable, user) if scheme else None
    return RemoteStore(
        endpoint,
        auth=auth,
        timeout=options["timeout"],  # kept: the embedded store bounds a SERVICE query by it too
        flavour=None if flavour == "auto" else flavour,
        **settings,
    )


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option("--endpoint", required=True, help="The store's SPARQL query endpoint URL.")
@click.option("--update-endpoint", required=True, help="Its SPARQL Update endpoint URL.")
@click.option("--gsp-endpoint", required=True, help="Its Graph Store Protocol endpoint URL.")
@click.option(
    "--graph-param", help="The GSP parameter naming the graph (default: graph; graph-uri for Virtuoso)."
)
@_client_options
@click.option("--prune", is_flag=True, help="Remove the store's coopgraph graphs this load has not.")
@click.option("--force", is_flag=True, help="Send every graph, even those the store holds as they are.")
@click.option("--no-validate", is_flag=True, help="Upload even if the graph does not conform to the shapes.")
def load(
    files: tuple[str, ...],
    endpoint: str,
    update_endpoint: str,
    gsp_endpoint: str,
    graph_param: str | None,
    prune: bool,
    force: bool,
    no_validate: bool,
    **client: object,
) -> None:
    """Load the shipped graph (ontology + data), plus FILES, into a SPARQL 1.1 store, a named graph a file.

    \b
    The graph is validated first (exit 1 and nothing uploaded if it does not conform, unless --no-validate).
    The load is one change: the graphs that differ from what the store's manifest records are staged, then
    swapped in by one update request with the manifest (graph, file, SHA-256, time), and their triple counts
    checked. Running the same load again sends nothing. Graphs loaded before from files not given now stay
    (and stay in the dataset `query --endpoint` reads) unless --prune. Exit 2 on bad input or a server error.
    """
    from coopgraph.stores import NonConformingError
    from coopgraph.stores import load as load_into

    try:
        store = _remote_store(
            endpoint,
            client,
            update_endpoint=update_endpoint,
            gsp_endpoint=gsp_endpoint,
            graph_param=graph_param,
        )
        result = load_into(store, files, validate=not no_validate, prune=prune, force=force)
    except NonConformingError as error:
        click.echo(error.report.to_text(), err=True, nl=False)
        click.echo(f"coopgraph: {error} (--no-validate uploads anyway)", err=True)
        sys.exit(EXIT_NONCONFORMING)
    except ValueError as error:
        fail(str(error))
    for done in result.graphs:
        click.echo(f"{done.change} <{done.graph}>: {done.triples} triples")
    kept = result.having("kept")
    if kept:
        click.echo(f"{len(kept)} graph(s) not in this load kept in the store (--prune removes them)")
    sent = result.having("added", "replaced")
    if result.changed:
        click.echo(
            f"one change: {len(sent)} graph(s) sent, {len(result.having('unchanged'))} unchanged, "
            f"{len(result.having('removed'))} removed; {sum(d.triples for d in sent)} triples, counts checked"
        )
        if result.merged is not None:
            click.echo(
                f"dataset: <{result.merged.graph}> ({result.merged.triples} triples, each once), the graph "
                "`query --endpoint` asks; other SPARQL clients can name it as their default-graph-uri"
            )
    else:
        click.echo(f"nothing to change: the store holds these {len(result.graphs)} graph(s) as they are")


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["turtle", "nt", "nquads", "trig", "jsonld"]),
    help="Default: the one -o's extension names, turtle on stdout. trig and nquads keep one named graph per "
    "file; the others hold the union.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=str),
    help="Write to this file (- for stdout, the default).",
)
def export(output_format: str | None, output: str | None) -> None:
    """Write the whole graph (ontology + data) to stdout or a file, the same bytes every run.

    A file's extension says its format: .ttl turtle, .nt nt, .nq nquads, .trig trig, .jsonld or .json jsonld.
    A --format that contradicts it is refused, and so is a file whose extension names no format when --format
    is not given (stdout, and a device or FIFO without an extension, get turtle).

    JSON-LD is compacted with the published context (coopgraph/context.jsonld), included inline. A file is
    written whole or not at all (a temporary file renamed into place; through a symlink, its target). A
    character device or a FIFO (/dev/null, a named pipe) is written into, never replaced; a directory or a
    socket is refused.
    """
    from coopgraph import export as exporting
    from coopgraph.load import LoadError

    chosen = exporting.output_format(output, output_format)
    try:
        data = exporting.export(chosen)
    except LoadError as error:
        fail(str(error))
    if output in (None, exporting.STDOUT):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        exporting.write_atomically(output, data)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--iris", is_flag=True, help="Show the answer's things by their IRIs (short forms), not labels."
)
def check(files: tuple[str, ...], iris: bool) -> None:
    """The main job: say which tree and what the graph holds, validate it, and answer a question.

    Says which ontology, data, shapes and queries it uses (the current directory's checkout, COOPGRAPH_ROOT
    or the installed package) and how to change that, loads the ontology and data (plus FILES), prints the
    size of each named graph and the things of each kind, validates everything against the shapes, and
    answers "which instruments has Singapore signed?". Exit 0 the graph conforms, 1 it does not, 2 a file
    cannot be loaded.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from coopgraph import answers, resources
    from coopgraph.check import check as run_check
    from coopgraph.check import graph_label

    result = run_check(files)
    tree = result.tree
    console = Console(soft_wrap=True)
    hint = resources.how_to_change(tree)
    if resources.DATA_VARIABLE not in hint:
        hint += f"; {resources.DATA_VARIABLE}=DIR replaces its data/"
    console.print(f"Tree: {resources.describe(tree)}", markup=False, highlight=False)
    console.print(f"      {hint}", markup=False, highlight=False)
    summary = result.summary
    graphs = Table("named graph (file)", "triples", title=f"The graph: {summary.triples} triples")
    for iri, count in summary.graphs.items():
        graphs.add_row(escape(graph_label(iri)), str(count))  # a file's name is text, never markup
    console.print(graphs)
    contents = Table("kind", "count", title="What it holds")
    for kind, count in summary.contents.items():
        contents.add_row(kind, str(count))
    contents.add_row("code lists (SKOS schemes)", f"{summary.schemes} ({summary.concepts} concepts)")
    console.print(contents)
    report = result.report
    if report.conforms:
        console.print("[bold green]Validation: the graph conforms to the shapes.[/]")
    else:
        console.print(report.to_text(), markup=False, highlight=False)
        count = len(report.results)
        console.print(f"[bold red]Validation: {count} result(s); the graph does not conform.[/]")
    console.print(f"\n[bold]{escape(result.question.question)}[/] (query {escape(result.question.name)})")
    click.echo(answers.present(result.answer, "table", result.report.store, iris=iris))
    sys.exit(EXIT_OK if report.conforms else EXIT_NONCONFORMING)


def _complete_query_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """The canned query names that start with what has been typed (shell completion)."""
    from coopgraph import queries

    return [name for name in queries.registry() if name.startswith(incomplete)]


def _verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """--quiet and --verbose: refused together; --verbose has the library's notices (which query, store and
    dataset, how long) written on stderr."""
    other = "quiet" if param.name == "verbose" else "verbose"
    if value and ctx.params.get(other):
        raise click.BadParameter("give --quiet or --verbose, not both", ctx=ctx, param=param)
    if value and param.name == "verbose":
        import logging

        logger = logging.getLogger("coopgraph")
        if not any(getattr(each, "coopgraph_verbose", False) for each in logger.handlers):  # once a process
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("coopgraph: %(message)s"))
            handler.coopgraph_verbose = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return value


@main.command()
@click.argument("arguments", nargs=-1, metavar="[NAME] [FILES]...", shell_complete=_complete_query_names)
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries and their parameters.")
@click.option(
    "--file",
    "query_file",
    metavar="FILE.rq",
    help="Run your own SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) from a file, or - for stdin.",
)
@click.option("--query", "query_text", metavar="TEXT", help="Run this SPARQL query, given inline.")
@click.option(
    "--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter value; repeat for more."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv", "tsv", "turtle", "nt", "jsonld", "rdfxml"]),
    default="table",
    show_default=True,
    help="table for people; json, csv, tsv are the SPARQL 1.1 query results formats; a CONSTRUCT or "
    "DESCRIBE answer is RDF: turtle (for table too), nt, jsonld or rdfxml.",
)
@click.option("--no-shipped", is_flag=True, help="Ask over FILES alone, without the shipped graph.")
@_input_format_option
@click.option(
    "--endpoint",
    metavar="URL",
    help="Ask this SPARQL 1.1 endpoint (after `coopgraph load`), not the embedded store.",
)
@click.option("--all-graphs", is_flag=True, help="With --endpoint: ask over every named graph of the store.")
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    help="With --endpoint: ask over this named graph (repeat for more) instead of the loaded dataset.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Run a query that holds a SERVICE clause: the store then calls the server it names (in memory: from "
    "this machine, bounded by --timeout). Refused without it.",
)
@click.option(
    "--iris", is_flag=True, help="In the table, show things by their IRIs (short forms), not labels."
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    callback=_verbosity,
    help="No notices on stderr and no row count: the answer.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    callback=_verbosity,
    help="Say on stderr which query, store and dataset, and how long the answer took.",
)
@_client_options
def query(
    arguments: tuple[str, ...],
    list_queries: bool,
    query_file: str | None,
    query_text: str | None,
    params: tuple[str, ...],
    output_format: str,
    no_shipped: bool,
    input_format: str | None,
    endpoint: str | None,
    all_graphs: bool,
    graphs: tuple[str, ...],
    iris: bool,
    quiet: bool,
    verbose: bool,
    **client: object,
) -> None:
    """Answer a question with the canned query NAME, or run your own query (--file, --query), on the graph
    plus FILES.

    \b
    coopgraph query --list
    coopgraph query instruments-between-states --param state=SG
    coopgraph query instruments-between-states my-agreement.ttl -p state=SG
    coopgraph query first-of-its-kind-in-region -p state=SG -p region=143 -p designation=treaty
    coopgraph query --file my.rq --format csv
    coopgraph query --no-shipped mine.jsonld --query 'SELECT * WHERE { ?s ?p ?o } LIMIT 5'
    coopgraph query --query 'DESCRIBE <https://w3id.org/coopgraph/id/state/SG>' --format nt

    FILES are added to the graph the query runs on, as `coopgraph validate FILES` adds them, so a new file
    can be queried before it is copied into data/ (Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML, by
    extension or --input-format; - is standard input). NAME is a canned query's name (letters, digits and
    hyphens); any other argument, anything with a dot or a slash, or -, is a FILE, in any order.
    Parameter values are checked (a state code must be a state of the graph, a date a date…) and bound as
    RDF terms, never pasted into the query. Runs on the graph in memory unless --endpoint is given.

    \b
    With --endpoint, the query asks the store over the dataset `coopgraph load` put there (its manifest);
    with FILES, over the shipped graphs and those files' graphs, checked to be loaded as they are here;
    --all-graphs asks over every named graph of the store, --graph IRI over the graphs named.
    Exit 0 answered (even with no rows), 2 unknown query, bad parameter, bad query or data file, or store
    error.
    """
    import json

    from coopgraph import answers, inputs, queries
    from coopgraph.errors import CoopgraphError
    from coopgraph.stores import EmbeddedStore, loaded_graphs

    files = [argument for argument in arguments if _is_a_file(argument)]
    names = [argument for argument in arguments if not _is_a_file(argument)]
    if list_queries:
        if arguments or query_file or query_text or params or endpoint:
            fail("--list takes no NAME, FILES, --file, --query, --param or --endpoint")
        if output_format not in ("table", "json"):
            fail("--list prints --format table or json")
        listing = list(queries.registry().values())
        if output_format == "json":
            click.echo(json.dumps([q.to_json() for q in listing], indent=2, ensure_ascii=False))
        else:
            click.echo(answers.render_listing(listing))
        return
    for file in files:
        if file.lower().endswith(".rq"):
            fail(f"{file} is a query, not data: give it as --file {file}")
    if len(names) > 1:
        fail(f"give one query NAME, not {', '.join(names)} (FILES to add are RDF files such as .ttl)")
    name = names[0] if names else None
    if sum(given is not None for given in (name, query_file, query_text)) != 1:
        fail("give a query NAME, --file FILE.rq or --query TEXT, one of them (`coopgraph query --list`)")
    if query_file == inputs.STDIN and inputs.STDIN in files:
        fail("standard input (-) can be read only once: give the query or a data file as -, not both")
    if no_shipped and (endpoint or not files):
        fail("--no-shipped asks over FILES alone, in memory: give FILES, and no --endpoint")
    if not endpoint and (all_graphs or graphs or client["auth_scheme"] or client["user"]):
        fail("--all-graphs, --graph, --auth and --user are for a store: give its --endpoint")
    if sum(map(bool, (files, all_graphs, graphs))) > 1:
        fail("give FILES, --all-graphs or --graph: each names the dataset to ask over")
    raw: dict[str, str] = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep or not key.strip():
            fail(f"--param {param!r} is not KEY=VALUE")
        if key.strip() in raw:
            fail(f"--param {key.strip()} is given twice")
        raw[key.strip()] = value
    try:
        if name:
            canned = queries.get(name)
        elif query_text is not None:
            canned = queries.from_text(query_text, "--query")
        elif query_file == inputs.STDIN:
            canned = queries.from_text(inputs.read_stdin(), inputs.STDIN_NAME)
        else:
            canned = queries.parse_file(query_file or "")
        queries.bind(canned, raw)
        with inputs.opened(files, input_format) as paths:
            if endpoint:
                store = _remote_store(
                    endpoint, client, default_graphs=list(graphs) or None, all_graphs=all_graphs
                )
                if paths:  # the shipped graphs and these files', as the embedded store would hold them
                    store.default_graphs = loaded_graphs(store, paths)
            elif no_shipped:
                store = EmbeddedStore.of_files(paths)
            else:
                store = EmbeddedStore.shipped(paths)
        results = queries.run(
            canned, raw, store, allow_service=client["allow_service"], timeout=client["timeout"]
        )
    except (CoopgraphError, ValueError) as error:  # StoreError, LoadError, QueryError, InputError…
        fail(str(error))
    if "triples" in results:
        graph_format = "turtle" if output_format == "table" else output_format
        sys.stdout.buffer.write(answers.render_graph(results["triples"], graph_format))
        sys.stdout.buffer.flush()
        return
    if output_format not in answers.FORMATS:
        fail(f"--format {output_format} is for a CONSTRUCT or DESCRIBE answer; use table, json, csv or tsv")
    text = answers.present(results, output_format, store, iris=iris, quiet=quiet)
    if text or output_format != "table":
        click.echo(text, nl=output_format not in ("csv", "tsv"))


def _is_a_file(argument: str) -> bool:
    """A query argument that names a file (it has a dot or a slash, or is - for standard input) rather
    than a canned query."""
    return argument == "-" or "." in argument or "/" in argument or os.sep in argument


def _tell_tree(command: click.Command, when: Callable[[dict], bool]) -> None:
    """After ``command`` has run, say on stderr which tree it used (:func:`coopgraph.resources.notice`) —
    only for the output forms people read (``when`` its options), and only when the tree is not simply the
    current directory's checkout, so that machine output and scripts stay quiet."""
    callback = command.callback
    assert callback is not None

    @functools.wraps(callback)
    def telling(**options: object) -> object:
        try:
            return callback(**options)
        finally:
            if when(options):
                from coopgraph.resources import TreeError, notice

                try:
                    line = notice()
                except TreeError:  # already reported as the command's error
                    line = None
                if line:
                    click.echo(line, err=True)

    command.callback = telling


# Which tree validate, query and export used: on stderr, after their output, in their forms for people.
_tell_tree(validate, lambda options: options.get("output_format") == "text")
_tell_tree(
    query,
    lambda options: (
        options.get("output_format") == "table" and not options.get("endpoint") and not options.get("quiet")
    ),
)
_tell_tree(export, lambda options: bool(options.get("output")))


# --- coopgraph new: scaffolds -------------------------------------------------------------------------------


@main.group()
def new() -> None:
    """Write the scaffold of a new file, reusing what the graph holds (`new instrument`, `new event`)."""


def _pairs(option: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    """``CODE=VALUE`` options as pairs; an InputError naming the option for one without ``=``."""
    from coopgraph.errors import InputError

    pairs = []
    for value in values:
        code, sep, text = value.partition("=")
        if not sep or not code.strip() or not text.strip():
            raise InputError(f'{option} {value!r}: write CODE="…", e.g. {option} XA="…"')
        pairs.append((code.strip().upper(), text.strip()))
    return pairs


def _ask(option: str, prompt: str, *, required: bool = True, default: str | None = None) -> str | None:
    """A missing option: asked for when stdin is a terminal, else an error naming it (exit 2)."""
    from coopgraph.errors import InputError

    if not sys.stdin.isatty():
        if required:
            raise InputError(f"missing option {option} (no terminal to ask on): {prompt}")
        return default
    answer = click.prompt(
        prompt, default=default if default is not None else ("" if not required else None), show_default=False
    )
    answer = answer.strip() if isinstance(answer, str) else answer
    if required and not answer:
        raise InputError(f"missing option {option}")
    return answer or None


def _source_fields(options: dict) -> dict:
    """The source fields of a scaffold's request (:class:`coopgraph.scaffold.InstrumentRequest`,
    :class:`~coopgraph.scaffold.EventRequest`) from the options of :func:`_source_options`; the source's
    title and kind asked for on a terminal when not given."""
    from pathlib import Path

    source_text = options["source_text"]
    return {
        "source_title": str(options["source_title"] or _ask("--source-title", "source title, as published")),
        "source_kind": str(
            options["source_kind"] or _ask("--source-kind", "source kind (primary or secondary)")
        ),
        "source_url": options["source_url"],
        "source_date": options["source_date"],
        "publisher": options["publisher"],
        "source_type": str(options["source_type"]),
        "source_id": options["source_id"],
        "source_text": Path(str(source_text)) if source_text else None,
        "paragraphs": int(options["paragraphs"]),
    }


def _written(built: Scaffold, path: Path, *, reused: bool = False, check: str | None = None) -> None:
    """What a scaffold command says once it wrote ``path``: the placeholders left, what it reused from the
    graph (``reused``), the next steps (``check``: what to look at besides the placeholders)."""
    from coopgraph import scaffold
    from coopgraph.vocab import CG, short

    quotes, paragraphs = built.unfilled(CG.quote), built.unfilled(CG.paragraphText)
    click.echo(f"wrote {path}: {built.label}")
    todo = f"{quotes} quote(s)" + (f" and {paragraphs} paragraph text(s)" if paragraphs else "")
    click.echo(f"{built.placeholders} placeholder(s) to fill, each starting {scaffold.PLACEHOLDER}: {todo}")
    if reused and built.reused:
        click.echo(f"reused from the graph: {', '.join(short(str(node)) for node in built.reused)}")
    click.echo("next:")
    click.echo(f"  1. replace every {scaffold.PLACEHOLDER} in {path} with the source's exact words")
    if check:
        click.echo(f"     {check}")
    click.echo(f"  2. coopgraph validate {path}")
    click.echo(f"  3. coopgraph fmt {path}")


@new.command("instrument")
@click.option("--party", "parties", multiple=True, metavar="CODE", help="A party's ISO 3166-1 code; twice.")
@click.option(
    "--designation",
    "designations",
    multiple=True,
    metavar="NOTATION",
    help="What the text calls it: a notation of the designation scheme (treaty, agreement, …); repeatable.",
)
@click.option("--title", help="The instrument's title as the source gives it (cg:officialName).")
@click.option("--id", "instrument_id", metavar="SLUG", help="Default: {party codes}-{title words}-{year}.")
@click.option("--signed", metavar="YYYY-MM-DD", help="The signing day.")
@click.option("--signed-between", nargs=2, metavar="START END", help="The span the signing day lies in.")
@click.option("--place", metavar="IRI", help="Where it was signed: a cg:Place of the graph.")
@click.option(
    "--signatory",
    "signatories",
    multiple=True,
    metavar='CODE="Name"',
    help="Who signed for a party: a name, or a person of the graph (person:edwin-tong).",
)
@click.option(
    "--post",
    "posts",
    multiple=True,
    metavar='CODE="Post"',
    help="A post the party's signatory signed in: a title or a post of the graph; repeat for several.",
)
@click.option(
    "--as-written",
    "as_written",
    multiple=True,
    metavar='CODE="…"',
    help='The source\'s words for a party ("the Government of …"), kept on its signature.',
)
@_source_options("{instrument id}")
def new_instrument(**options: object) -> None:
    """Write a new agreement's file: every node it needs, an evidence stub for every statement.

    \b
    coopgraph new instrument --party XA --party XB --designation treaty \\
        --title "Treaty on Mutual Legal Assistance in Criminal Matters" --signed 2025-11-20 \\
        --signatory XA="Ana Example" --post XA="Minister of Justice" \\
        --signatory XB=person:ben-sample --post XB="Attorney-General" \\
        --source-title "…" --source-kind primary --source-text release.md -o my-agreement.ttl

    The parties are states of the graph (ISO alpha-2 or alpha-3 code, any case); people, posts, tenures, the
    place and the publisher already in the graph are reused. Each evidence's quote (and, without
    --source-text, each paragraph's text) is a placeholder starting with TODO, which validation rejects until
    it is filled in. Missing options are asked for on a terminal. Writes canonical Turtle, in one step, and
    never replaces a file unless --force. Exit 0 written, 2 bad input (nothing written).
    """
    from pathlib import Path

    from coopgraph import scaffold

    parties = list(options["parties"])  # type: ignore[arg-type]
    while len(parties) < 2:
        parties.append(_ask("--party", f"party {len(parties) + 1} (ISO 3166-1 code)"))
    designations = list(options["designations"]) or [  # type: ignore[arg-type]
        _ask("--designation", "designation (treaty, agreement, memorandum-of-understanding, …)")
    ]
    title = options["title"] or _ask("--title", "title, as the source gives it")
    signed, between = options["signed"], options["signed_between"] or None
    if not signed and not between:
        signed = _ask("--signed", "signed on (YYYY-MM-DD; --signed-between START END for a span)")
    names = dict(_pairs("--signatory", options["signatories"]))  # type: ignore[arg-type]
    posts = _pairs("--post", options["posts"])  # type: ignore[arg-type]
    written = dict(_pairs("--as-written", options["as_written"]))  # type: ignore[arg-type]
    codes = [str(code).strip().upper() for code in parties]
    if not names:
        for code in codes:
            asked = f"signatory for {code} (a name or person:…; empty if none)"
            name = _ask("--signatory", asked, required=False)
            if name:
                names[code] = name
    if not names:
        from coopgraph.errors import InputError

        raise InputError('missing option --signatory CODE="Name" (who signed for a party)')
    signatories = []
    for code, name in names.items():
        held = tuple(text for key, text in posts if key == code)
        if not held:
            held = (_ask("--post", f'post {name} signed in, for {code} (--post {code}="…")'),)
        signatories.append(scaffold.Signatory(code, name, held, written.pop(code, None)))
    if written:
        from coopgraph.errors import InputError

        raise InputError(f"--as-written {', '.join(written)}: no --signatory for that party to keep it on")
    request = scaffold.InstrumentRequest(
        parties=tuple(str(party) for party in parties),
        designations=tuple(str(d) for d in designations),
        title=str(title),
        signatories=tuple(signatories),
        signed=signed,  # type: ignore[arg-type]
        signed_between=tuple(between) if between else None,  # type: ignore[arg-type]
        instrument_id=options["instrument_id"],  # type: ignore[arg-type]
        place=options["place"],  # type: ignore[arg-type]
        **_source_fields(options),
    )
    graph = scaffold.shipped_graph()
    target = Path(str(options["output"])) if options["output"] else None
    target = target or scaffold.default_path(scaffold.planned_id(request, graph))
    if target.exists():
        if not options["force"]:
            from coopgraph.errors import InputError

            raise InputError(f"{target} exists: give another -o PATH, or --force to replace it")
        graph = scaffold.shipped_graph(exclude=target)  # the file replaced may be in data/: it is not reused
    built = scaffold.build(request, graph)
    path = scaffold.write(built, target, force=bool(options["force"]))
    _written(
        built,
        path,
        reused=True,
        check="(check the legal status, not stated, and the notes on who signed for whom)",
    )


@new.command("event")
@click.option(
    "--instrument", metavar="ID", help="The instrument, an id of the graph (xa-xb-mla-2025) or IRI."
)
@click.option("--kind", metavar="KIND", help="ratification, entry-into-force, reservation, designation, …")
@click.option(
    "--party", metavar="CODE", help="The party's ISO 3166-1 code (for the instrument as a whole: none)."
)
@click.option("--date", metavar="YYYY-MM-DD", help="The day of the event.")
@click.option("--date-between", nargs=2, metavar="START END", help="The span the day lies in.")
@click.option("--text", help="A reservation's or declaration's words, as the source quotes them.")
@click.option("--language", default="en", show_default=True, help="The language tag of --text.")
@click.option("--authority", metavar="IRI", help="A designation's body: a government body of the party.")
@click.option(
    "--role", metavar="NOTATION", help="A designation's role: central-authority, competent-authority."
)
@click.option(
    "--cooperation", metavar="NOTATION", help="What a designation is for (mutual-legal-assistance…)."
)
@_source_options("{event id}")
def new_event(**options: object) -> None:
    """Write a later event of an instrument of the graph, in a file of its own that points at it.

    \b
    coopgraph new event --instrument xa-xb-mla-2025 --kind ratification --party XA \\
        --date 2026-03-01 --source-title "…" --source-kind primary --source-text notice.md

    The event (ratification, acceptance, approval, accession, definitive-signature, consent,
    provisional-application, entry-into-force, suspension, denunciation, termination; reservation,
    declaration or designation of an authority by a party), one evidence stub naming its statements, and the
    source with its paragraphs. Missing options are asked for on a terminal. Writes canonical Turtle, in one
    step, and never replaces a file unless --force. Exit 0 written, 2 bad input (nothing written).
    """
    from pathlib import Path

    from coopgraph import scaffold

    instrument = options["instrument"] or _ask("--instrument", "instrument (its id, e.g. xa-xb-mla-2025)")
    kind = options["kind"] or _ask("--kind", f"kind ({', '.join(scaffold.EVENT_KINDS)})")
    between = options["date_between"] or None
    request = scaffold.EventRequest(
        instrument=str(instrument),
        kind=str(kind).strip().lower(),
        party=options["party"],  # type: ignore[arg-type]
        date=options["date"],  # type: ignore[arg-type]
        date_between=tuple(between) if between else None,  # type: ignore[arg-type]
        text=options["text"],  # type: ignore[arg-type]
        language=str(options["language"]),
        authority=options["authority"],  # type: ignore[arg-type]
        role=options["role"],  # type: ignore[arg-type]
        cooperation=options["cooperation"],  # type: ignore[arg-type]
        **_source_fields(options),
    )
    graph = scaffold.shipped_graph()
    built = scaffold.build_event(request, graph)
    target = Path(str(options["output"])) if options["output"] else scaffold.default_path(built.instrument_id)
    if target.exists() and options["force"]:
        built = scaffold.build_event(request, scaffold.shipped_graph(exclude=target))
    path = scaffold.write(built, target, force=bool(options["force"]))
    _written(built, path)


# --- coopgraph serve: a SPARQL endpoint and pages -----------------------------------------------------------


class _Stopped(Exception):
    """SIGTERM arrived: stop serving and clean up, as for Ctrl-C."""


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise _Stopped


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option("--no-shipped", is_flag=True, help="Serve FILES alone, without the shipped graph.")
@_input_format_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0: any free port."
)
@click.option(
    "--query-limit",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a query may run: past it the client gets 503 and the query is cancelled.",
)
@click.option(
    "--result-limit",
    type=click.IntRange(min=1),
    default=10_000_000,
    show_default=True,
    metavar="BYTES",
    help="The largest answer the endpoint sends (422 past it, asking for LIMIT).",
)
@click.option(
    "--cors",
    "cors",
    multiple=True,
    metavar="ORIGIN",
    help="Let web pages from this origin (https://example.org, or * for any) call the server; repeatable. "
    "Default: none.",
)
def serve(
    files: tuple[str, ...],
    no_shipped: bool,
    input_format: str | None,
    host: str,
    port: int,
    query_limit: float,
    result_limit: int,
    cors: tuple[str, ...],
) -> None:
    """Serve the graph (plus FILES) over HTTP: a SPARQL 1.1 endpoint at /sparql and pages to read.

    \b
    coopgraph serve                        # http://127.0.0.1:8000/
    coopgraph serve my-agreement.ttl --port 8080
    coopgraph serve --no-shipped mine.ttl --cors https://example.org

    The graph is loaded when the command starts (bad FILES: exit 2 with file:line) into a temporary
    on-disk store that Oxigraph's read-only server answers queries on, from a private 127.0.0.1 port; the
    endpoint in front of it is read-only (updates get 403), refuses SERVICE (403), stops a query that runs
    past --query-limit (503) and refuses an answer larger than --result-limit (422). Listens on 127.0.0.1
    unless --host says otherwise. Ctrl-C or SIGTERM stops both servers and removes the store. Needs the
    serve extra: pip install 'coopgraph[serve]'.
    """
    import signal

    from coopgraph import inputs
    from coopgraph import serve as serving

    serving.require()  # ServeUnavailable: exit 2 with the pip command (_Group)
    from coopgraph.serve.app import Settings, build_app, listening_socket, run, url_of
    from coopgraph.serve.upstream import Upstream
    from coopgraph.stores import RemoteStore

    if no_shipped and not files:
        fail("--no-shipped serves FILES alone: give FILES")
    if inputs.STDIN in files:
        fail("serve reads FILES when it starts and keeps serving them: give a file, not - (standard input)")
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with (
            listening_socket(host, port) as sock,  # first: a port in use is said before the graph is loaded
            inputs.opened(files, input_format) as paths,
            Upstream(paths, shipped=not no_shipped, query_limit_s=query_limit) as upstream,
        ):
            settings = Settings(
                upstream_query_url=upstream.query_url,
                query_limit_s=query_limit,
                result_limit_bytes=result_limit,
                cors_origins=cors,
            )
            # the pages ask through the endpoint too, so that their queries have its limits and watchdog
            url = url_of(sock)
            local = f"{url_of(sock, local=True)}/sparql"
            store = RemoteStore(local, default_graphs=[], timeout=query_limit + 5.0, flavour="standard")
            click.echo(
                f"coopgraph: serving {upstream.triples} triples at {url}/ (SPARQL endpoint {url}/sparql); "
                "Ctrl-C stops"
            )
            sys.stdout.flush()
            run(build_app(store, settings, upstream=upstream), sock, grace_s=query_limit + 1)
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo("coopgraph: stopped")
