"""The one way the browser tests open Debian's headless Chromium through Playwright for Python (no browser download),
and the one way they audit a page with axe-core."""
import shutil


def open_context(playwright):
    """A German browser context on Debian's Chromium, sized like a counter screen, every wait bounded by 15 s.

    The pages forbid eval (CSP); Playwright's wait_for_function evaluates strings, so the test context bypasses it.
    Returns the browser (to close) and the context.
    """
    browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", bypass_csp=True)
    context.set_default_timeout(15000)
    return browser, context


WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def wcag_violations(page):
    """The page's WCAG 2.1 A/AA violations as axe-core (axe-playwright-python) finds them: rule id, impact and the
    first elements. Imported here only when a test audits, so the display test runs without the package."""
    from axe_playwright_python.sync_playwright import Axe
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations]
