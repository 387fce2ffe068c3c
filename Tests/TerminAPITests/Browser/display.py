"""Reads the display page's summary line in headless Chromium (Debian's, through Playwright for Python).

usage: python3 display.py BASE_URL OFFICE

Prints one JSON object with the summary the display shows once it has its office's queue; exits non-zero when the
page does not show one. A test tool only: nothing at run time needs a browser.
"""
import json
import sys

from playwright.sync_api import sync_playwright

from chromium import open_context

base, office = sys.argv[1], sys.argv[2]

with sync_playwright() as playwright:
    browser, context = open_context(playwright)
    display = context.new_page()
    display.goto(f"{base}/display?office={office}")
    display.wait_for_function("document.getElementById('summary').textContent !== ''")
    seen = {"display_summary": display.inner_text("#summary")}
    browser.close()

print(json.dumps(seen))
