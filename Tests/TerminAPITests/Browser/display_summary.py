"""Loads the display page of an office in headless Chromium (Debian's, through Playwright for Python) and prints its
summary line, the queue's status in words, as one JSON object.

usage: python3 display_summary.py BASE_URL OFFICE

A test tool only: nothing at run time needs a browser.
"""
import json
import shutil
import sys

from playwright.sync_api import sync_playwright

base, office = sys.argv[1], sys.argv[2]
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
    # The page forbids eval (CSP); Playwright's wait_for_function evaluates strings, so the test context bypasses it.
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(f"{base}/display?office={office}")
    page.wait_for_function("document.getElementById('summary').textContent.length > 0")
    print(json.dumps({"summary": page.inner_text("#summary")}))
    browser.close()
