"""The built wheel carries the ontology, data, shapes and queries, and the installed command finds them.

Builds the wheel from this checkout (hatchling, no build isolation: the ``test`` extra installs hatchling),
installs it into a fresh virtual environment (its dependencies come from the package index, through pip's
cache), and runs the command there from a directory that has nothing to do with the checkout — and from
inside a checkout, whose own files it must use instead of its copy (what ``make run`` installs).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coopgraph import __version__, canonical, resources

pytestmark = pytest.mark.slow

KINDS = {"ontology": "*.ttl", "data": "*.ttl", "shapes": "*.ttl", "queries": "*.rq"}
TESTS = Path(__file__).parent
AGREEMENT = TESTS / "shapes" / "adding_an_agreement_PASS.ttl"  # Exampleland (XA)–Sampleland (XB)
ONLY_IN_THE_CHECKOUT = "wheel-test-checkout-only-2025"  # that agreement, renamed: in no shipped data


def call(
    command: list[str | Path], cwd: Path, timeout: int = 300, **variables: str
) -> subprocess.CompletedProcess[str]:
    unset = ("VIRTUAL_ENV", "PYTHONPATH", "COOPGRAPH_ROOT", "COOPGRAPH_DATA")
    env = {key: value for key, value in os.environ.items() if key not in unset} | variables
    return subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = call(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, resources.root()],
        cwd=out,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = out.glob("coopgraph-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ directory of a fresh virtual environment with the wheel installed."""
    venv = tmp_path_factory.mktemp("venv")
    assert call([sys.executable, "-m", "venv", venv], cwd=venv).returncode == 0
    result = call([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=venv, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return venv / "bin"


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("elsewhere")


def test_wheel_holds_every_shipped_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [path for kind, pattern in KINDS.items() for path in resources.shipped_files(kind, pattern)]
    assert shipped
    missing = [
        p for p in shipped if f"coopgraph/_shipped/{p.relative_to(resources.root()).as_posix()}" not in names
    ]
    assert not missing, f"not in the wheel: {missing}"
    for kind in KINDS:
        assert any(name.startswith(f"coopgraph/_shipped/{kind}/") for name in names), kind
    assert "coopgraph/cli.py" in names and "coopgraph/__main__.py" in names
    assert not any(name.startswith(("tests/", "benchmarks/", "src/")) for name in names)
    assert not any(name.endswith(".srj") for name in names), "expected results are test data (tests/fixtures)"


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    [entry_points] = [name for name in archive.namelist() if name.endswith(".dist-info/entry_points.txt")]
    assert "coopgraph = coopgraph.cli:main" in archive.read(entry_points).decode()


def test_installed_command_runs_anywhere(installed: Path, elsewhere: Path) -> None:
    result = call([installed / "coopgraph", "--help"], cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "Commands:" in result.stdout
    assert call([installed / "python", "-m", "coopgraph", "--help"], cwd=elsewhere).returncode == 0
    version = call([installed / "coopgraph", "--version"], cwd=elsewhere)
    assert version.stdout.strip() == f"coopgraph, version {__version__}"


def test_installed_package_uses_its_own_shipped_files(installed: Path, elsewhere: Path) -> None:
    code = "import coopgraph.resources as r; print(r.__file__); print(r.root())"
    result = call([installed / "python", "-c", code], cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    module, root = map(Path, result.stdout.splitlines())
    assert module.is_relative_to(installed.parent), "imported coopgraph from outside the fresh environment"
    assert root == module.parent / "_shipped"


def test_installed_fmt_check_finds_the_shipped_turtle(installed: Path, elsewhere: Path) -> None:
    shipped = canonical.shipped_turtle_files()
    wrong = [r for r in canonical.check_files(shipped) if not r.canonical]
    result = call([installed / "coopgraph", "fmt", "--check"], cwd=elsewhere)
    assert result.returncode == (1 if wrong else 0), result.stderr
    if not wrong:
        assert result.stdout.strip() == f"{len(shipped)} file(s) canonical"


def test_installed_reason_and_query_list_find_ontology_data_and_queries(
    installed: Path, elsewhere: Path
) -> None:
    reason = call([installed / "coopgraph", "reason", "--no-explain"], cwd=elsewhere)
    assert reason.returncode == 0, reason.stdout + reason.stderr
    listed = call([installed / "coopgraph", "query", "--list"], cwd=elsewhere)
    assert listed.returncode == 0, listed.stderr
    for query in resources.shipped_files("queries", "*.rq"):
        assert query.stem in listed.stdout


def test_installed_docs_without_the_docs_extra_says_what_to_install(installed: Path, elsewhere: Path) -> None:
    result = call([installed / "coopgraph", "docs", "--output", elsewhere / "html"], cwd=elsewhere)
    assert result.returncode == 2
    assert "pip install 'coopgraph[docs]'" in result.stderr and "Traceback" not in result.stderr


def test_installed_main_job_checks_the_graph_and_answers(installed: Path, elsewhere: Path) -> None:
    """What the README's `make run` does, from the installed wheel in an unrelated directory."""
    result = call([installed / "coopgraph", "check"], cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout and "sg-kz-mla-2025" in result.stdout


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout that is not the one the wheel was built from: a copy of this one, with one more agreement
    copied into data/instruments/ (as a user adds one)."""
    folder = tmp_path_factory.mktemp("checkout")
    for kind in resources.KINDS:
        shutil.copytree(resources.directory(kind), folder / kind)
    shutil.copyfile(resources.root() / "pyproject.toml", folder / "pyproject.toml")
    text = AGREEMENT.read_text(encoding="utf-8").replace("xa-xb-mla-2025", ONLY_IN_THE_CHECKOUT)
    (folder / "data" / "instruments" / f"{ONLY_IN_THE_CHECKOUT}.ttl").write_text(text, encoding="utf-8")
    return folder


def test_installed_command_inside_a_checkout_uses_the_checkout(installed: Path, checkout: Path) -> None:
    """After `make run` (a non-editable install), a file copied into the checkout's data/ counts at once."""
    code = "import coopgraph.resources as r; print(*r.locate(), sep='\\n')"
    located = call([installed / "python", "-c", code], cwd=checkout / "queries")
    assert located.stdout.splitlines() == [str(checkout), "checkout"], located.stderr
    query = ["query", "instruments-between-states", "-p", "state=XA", "--format", "json"]
    answer = call([installed / "coopgraph", *query], cwd=checkout)
    assert answer.returncode == 0, answer.stderr
    rows = json.loads(answer.stdout)["results"]["bindings"]
    assert ONLY_IN_THE_CHECKOUT in {row["instrument"]["value"].rsplit("/", 1)[1] for row in rows}
    assert answer.stderr == ""
    checked = call([installed / "coopgraph", "check"], cwd=checkout)
    assert checked.returncode in (0, 1), checked.stderr  # whether it conforms: tests/test_shapes.py
    assert f"Tree: {checkout} (the checkout the current directory is in)" in checked.stdout
    assert f"data/instruments/{ONLY_IN_THE_CHECKOUT}.ttl" in checked.stdout


def test_installed_validate_inside_a_checkout_sees_a_new_file(installed: Path, checkout: Path) -> None:
    """The issue's case: a bad file copied into the checkout's data/ is validated, not silently ignored."""
    bad = checkout / "data" / "instruments" / "parties.ttl"
    shutil.copyfile(TESTS / "shapes" / "parties_XFAIL.ttl", bad)
    try:
        validated = call([installed / "coopgraph", "validate", "--format", "json"], cwd=checkout)
    finally:
        bad.unlink()
    assert validated.returncode == 1, validated.stdout + validated.stderr
    files = {row["file"] for row in json.loads(validated.stdout)["results"]}
    assert "data/instruments/parties.ttl" in files and validated.stderr == ""


def test_installed_command_elsewhere_says_it_uses_its_copy(installed: Path, elsewhere: Path) -> None:
    """Outside a checkout the installed copy answers, and the table says so on stderr, once."""
    done = call([installed / "coopgraph", "query", "states"], cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    (line,) = done.stderr.splitlines()
    assert "coopgraph/_shipped (the installed package's copy" in line and "COOPGRAPH_ROOT=DIR" in line
    query = ["query", "signatories", "-p", f"instrument={ONLY_IN_THE_CHECKOUT}"]
    unknown = call([installed / "coopgraph", *query], cwd=elsewhere)
    assert unknown.returncode == 2 and f"no instrument {ONLY_IN_THE_CHECKOUT}" in unknown.stderr


def test_installed_command_takes_coopgraph_root(installed: Path, checkout: Path, elsewhere: Path) -> None:
    query = ["query", "signatories", "-p", f"instrument={ONLY_IN_THE_CHECKOUT}", "--format", "csv"]
    done = call([installed / "coopgraph", *query], cwd=elsewhere, COOPGRAPH_ROOT=str(checkout))
    assert done.returncode == 0, done.stderr
    # the instrument is known only to the checkout's data: a header and its signatories' rows, no notice
    assert len(done.stdout.splitlines()) >= 2 and done.stderr == ""
