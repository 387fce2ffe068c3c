"""Reads the display page's summary line in headless Chromium (Debian's, through Playwright for Python).

usage: python3 display.py BASE_URL OFFICE

Prints one JSON object with the summary the display shows once it has its office's queue; exits non-zero when the
page does not show one. A test tool only: nothing at run time needs a browser.
"""
import json
import shutil
import sys

from playwright.sync_api import sync_playwright

base, office = sys.argv[1], sys.argv[2]

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
    # The pages forbid eval (CSP); Playwright's wait_for_function evaluates strings, so the test context bypasses it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", bypass_csp=True)
    context.set_default_timeout(15000)
    display = context.new_page()
    display.goto(f"{base}/display?office={office}")
    display.wait_for_function("document.getElementById('summary').textContent !== ''")
    seen = {"display_summary": display.inner_text("#summary")}
    browser.close()

print(json.dumps(seen))
