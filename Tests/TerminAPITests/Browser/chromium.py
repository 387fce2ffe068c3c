"""The one way the browser tests open Debian's headless Chromium through Playwright for Python (no browser download)."""
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
