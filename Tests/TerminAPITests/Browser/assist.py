"""Drives the helpers' and intermediaries' page (/assist) in headless Chromium by keyboard alone.

usage: python3 assist.py BASE_URL TOKEN SCREENSHOT_DIR

Signs in, asks for help with the online ID function in Ukrainian from 1 to 14 December 2026, books the first time for
"Olga P." and reads the confirmation; then switches the page to English. axe-core audits every state against WCAG
2.1 A and AA. Prints one JSON object with what the page showed; exits non-zero when a step fails.
"""
import json
import sys

from playwright.sync_api import sync_playwright

from chromium import open_context, wcag_violations

base, token, shots = sys.argv[1], sys.argv[2], sys.argv[3]
seen = {"axe": {}}


def audit(name, page):
    seen["axe"][name] = wcag_violations(page)


def type_date(page, year, month, day):
    """Types a date into the focused date field by keyboard. The field's order of day and month is Chromium's own
    (its interface language, not the page's), so day first is tried, then month first."""
    expected = f"{year:04d}-{month:02d}-{day:02d}"
    for order in (("day", "month", "year"), ("month", "day", "year")):
        parts = {"day": f"{day:02d}", "month": f"{month:02d}", "year": f"{year:04d}"}
        page.keyboard.type("".join(parts[name] for name in order))
        if page.evaluate("document.activeElement.value") == expected:
            return
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
    sys.exit(f"the date field did not take {expected}")


def tab_to(page, condition, what):
    """Presses Tab until `condition` (a JavaScript expression on document.activeElement) holds."""
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!e && ({condition}); }})()"):
            return
    sys.exit(f"{what} is not reachable with the Tab key; so far: {json.dumps(seen)}")


with sync_playwright() as playwright:
    browser, context = open_context(playwright)
    page = context.new_page()
    page.goto(f"{base}/assist")
    audit("assist_login", page)

    tab_to(page, "e.id === 'token'", "the token field")
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    page.wait_for_selector("#work:not([hidden])")
    page.wait_for_function("document.querySelectorAll('#service option').length > 0")
    seen["who"] = page.inner_text("#who")
    seen["focus_after_sign_in"] = page.evaluate("document.activeElement.id")
    seen["concern"] = page.evaluate("document.getElementById('service').selectedOptions[0].textContent")
    audit("assist_find", page)

    tab_to(page, "e.id === 'language'", "the language choice")
    page.keyboard.type("Ukr")
    seen["language"] = page.evaluate("document.getElementById('language').value")
    tab_to(page, "e.id === 'from'", "the first day")
    type_date(page, 2026, 12, 1)
    tab_to(page, "e.id === 'to'", "the last day")
    type_date(page, 2026, 12, 14)
    seen["range"] = page.evaluate("[document.getElementById('from').value, document.getElementById('to').value]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results:not([hidden])")
    seen["results_status"] = page.inner_text("#results-status")
    seen["places"] = page.eval_on_selector_all("#places h3", "nodes => nodes.map(n => n.textContent)")
    audit("assist_results", page)

    tab_to(page, "(e.getAttribute('aria-label') || '').startsWith('Buchen:')", "a free time")
    seen["time_chosen"] = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#book:not([hidden])")
    seen["focus_on_booking"] = page.evaluate("document.activeElement.id")
    tab_to(page, "e.id === 'name'", "the name field")
    page.keyboard.type("Olga P.")
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirmation:not([hidden])")
    seen["focus_on_confirmation"] = page.evaluate("document.activeElement.id")
    for field in ["c-place", "c-time", "c-id", "c-code", "c-read"]:
        seen[field] = page.inner_text(f"#{field}")
    seen["error"] = page.inner_text("#error")
    audit("assist_confirmation", page)
    page.screenshot(path=f"{shots}/assist.png", full_page=True)

    # English, by keyboard: the switch is the first control of the page.
    page.goto(f"{base}/assist")
    page.keyboard.press("Tab")
    seen["first_control"] = page.evaluate("document.activeElement.id")
    page.keyboard.press("Enter")
    seen["english"] = {"lang": page.evaluate("document.documentElement.lang"), "title": page.title(),
                       "heading": page.inner_text("#login-heading")}
    audit("assist_english", page)
    browser.close()

print(json.dumps(seen))
