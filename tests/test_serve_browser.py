"""The pages of ``coopgraph serve`` in a real browser: Debian's headless Chromium (``/usr/bin/chromium``,
installed by ``.ci/system-deps``) driven by Playwright, one browser and one server for the module.

A reader's path: the home page, a link to an instrument, from one of its facts to the paragraph that is
its evidence, a canned question asked through its form; a hostile page that must run no script; the
keyboard's first stop (the skip link); the contrast of the main colours. Screenshots of each step go to
``build/screenshots/`` (``.ci/run`` says where), kept for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api
from serve_server import start_serve

from coopgraph import queries
from coopgraph.serve import pages

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = Path(__file__).parent / "fixtures" / "serve" / "hostile.ttl"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
#: how long one step may take (a page, a click), in milliseconds
STEP_MS = 15_000
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not CHROMIUM.exists():  # skip on a developer's machine without it; fail in CI, where it must run
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/system-deps installs Debian's chromium")
    pytest.skip("needs Debian's chromium (.ci/system-deps)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(fixture_data: Path) -> Iterator[str]:
    with start_serve([HOSTILE]) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser, server) -> Iterator[object]:
    """A fresh page (its own context) that fails the test on a script dialog or a page error."""
    context = browser.new_context(base_url=server, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(STEP_MS)
    opened = context.new_page()
    problems: list[str] = []
    opened.on(
        "dialog",
        lambda dialog: (problems.append(f"a script opened a dialog: {dialog.message}"), dialog.dismiss()),
    )
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    try:
        yield opened
    finally:
        context.close()
    assert not problems, problems


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_reader_follows_an_instrument_to_the_evidence_of_a_fact(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Instruments"
    shot(page, "01-home")
    first = page.locator("a.instrument").first
    name = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert "/page/id/instrument/" in page.url
    assert page.locator("h1").inner_text() == name
    shot(page, "02-instrument")
    evidence = page.locator("table.facts a.paragraph-link").first
    quote = evidence.locator("xpath=following-sibling::q[1]").inner_text()
    evidence.click()
    page.wait_for_load_state()
    assert "/page/id/source/" in page.url
    marked = page.locator("blockquote.paragraph mark")
    assert marked.count() > 0
    assert any(quote.strip('“”"') in text for text in marked.all_inner_texts())
    shot(page, "03-paragraph")


def test_a_reader_asks_a_canned_question_through_its_form(page):
    page.goto("/queries")
    name, query = next((n, q) for n, q in queries.registry().items() if any(p.required for p in q.parameters))
    page.locator(f'a[href="/queries/{name}"]').click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == query.title
    for parameter in query.parameters:
        if parameter.required:
            page.get_by_label(f"{parameter.name} (required)", exact=True).fill(parameter.example)
    shot(page, "04-question-form")
    page.get_by_role("button", name="Run").click()
    page.wait_for_load_state()
    assert "run=1" in page.url
    assert page.locator("#answer-heading").is_visible()
    assert page.locator("main table tbody tr").count() > 0 or page.locator("p.boolean").count() == 1
    shot(page, "05-question-answer")


def test_hostile_texts_run_no_script_and_read_as_text(page):
    page.goto(pages.page_url("https://w3id.org/coopgraph/id/instrument/sg-xc-hostile-2027"))
    assert "<script>alert('label')</script>" in page.locator("h1").inner_text()
    assert page.locator("main script").count() == 0 and page.locator("main img").count() == 0
    shot(page, "06-hostile")
    page.goto("/network")
    assert page.locator("svg.network a").count() > 0
    shot(page, "07-network")


def test_the_first_tab_reaches_the_skip_link_which_moves_to_the_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: tuple[float, ...], background: tuple[float, ...]) -> float:
    """The WCAG 2 contrast ratio of two colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS = """selector => [...document.querySelectorAll(selector)].slice(0, 3).map(element => {
  const parse = text => text.match(/[\\d.]+/g).map(Number);
  let background = element, colour = [0, 0, 0, 0];
  while (background) {
    colour = parse(getComputedStyle(background).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) break;
    background = background.parentElement;
  }
  return [parse(getComputedStyle(element).color), background ? colour : [255, 255, 255]];
})"""


@pytest.mark.parametrize("path", ["/", "/queries/timeline?run=1"])
def test_text_and_links_have_a_contrast_of_at_least_4_5(page, path):
    page.goto(path)
    for selector in ("main p", "main a", "header a", "footer p", "main .hint", "button", "main th", ".error"):
        for foreground, background in page.evaluate(COLOURS, selector):
            assert contrast(tuple(foreground), tuple(background)) >= 4.5, (selector, foreground, background)
