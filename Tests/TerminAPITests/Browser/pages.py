"""Drives the kiosk, counter and display pages in headless Chromium (Debian's, through Playwright for Python).

usage: python3 pages.py BASE_URL OFFICE CLERK_TOKEN SCREENSHOT_DIR

A citizen takes a number at the kiosk with the keyboard only, a clerk logs in at the counter and calls it to desk 3,
and the display shows and announces it. axe-core (axe-playwright-python) audits every page before and after, against
WCAG 2.1 A and AA. Prints one JSON object with what each page showed; exits non-zero when a
step fails. A test tool only: nothing at run time needs a browser.
"""
import json
import sys

from playwright.sync_api import sync_playwright

from chromium import open_context, wcag_violations

base, office, token, shots = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
seen = {"axe": {}}


def audit(name, page):
    seen["axe"][name] = wcag_violations(page)


UNLABELED = "[...document.querySelectorAll('input, select')].filter(e => e.labels.length === 0).map(e => e.id)"

with sync_playwright() as playwright:
    browser, context = open_context(playwright)

    display = context.new_page()
    display.goto(f"{base}/display?office={office}")
    display.wait_for_function("document.body.dataset.connected === 'true'")
    audit("display", display)

    # The kiosk, keyboard only: Tab to the first concern, Enter.
    kiosk = context.new_page()
    kiosk.goto(f"{base}/kiosk?office={office}")
    kiosk.wait_for_selector("#concerns button")
    audit("kiosk", kiosk)
    for presses in range(1, 20):
        kiosk.keyboard.press("Tab")
        if kiosk.evaluate("document.activeElement && document.activeElement.dataset.service !== undefined"):
            break
    else:
        sys.exit("no concern button is reachable with the Tab key")
    seen["kiosk_tabs_to_first_concern"] = presses
    seen["kiosk_concern"] = kiosk.evaluate("document.activeElement.textContent")
    kiosk.keyboard.press("Enter")
    kiosk.wait_for_selector("#ticket:not([hidden])")
    seen["kiosk_number"] = kiosk.inner_text("#ticket-number")
    seen["kiosk_wait"] = kiosk.inner_text("#ticket-wait")
    seen["kiosk_focus_on_ticket"] = kiosk.evaluate("document.activeElement.id")
    seen["kiosk_unlabeled"] = kiosk.evaluate(UNLABELED)
    audit("kiosk_ticket", kiosk)
    kiosk.screenshot(path=f"{shots}/kiosk.png", full_page=True)

    # The counter: log in, call the next citizen to desk 3.
    counter = context.new_page()
    counter.goto(f"{base}/counter")
    audit("counter_login", counter)
    counter.fill("#token", token)
    counter.fill("#office", office)
    counter.fill("#desk", "3")
    counter.press("#desk", "Enter")
    counter.wait_for_selector("#work:not([hidden])")
    audit("counter_work", counter)
    seen["counter_who"] = counter.inner_text("#who")
    seen["counter_queue_rows"] = counter.locator("#queue tr").count()
    counter.click("#call-next")
    counter.wait_for_function(f"document.getElementById('current-number').textContent === {json.dumps(seen['kiosk_number'])}")
    seen["counter_current"] = counter.inner_text("#current-detail")
    seen["counter_unlabeled"] = counter.evaluate(UNLABELED)
    audit("counter_called", counter)
    counter.screenshot(path=f"{shots}/counter.png", full_page=True)

    # The display: the number on top, announced.
    display.wait_for_function(f"document.querySelector('#calls li')?.dataset.number === {json.dumps(seen['kiosk_number'])}")
    seen["display_top"] = display.inner_text("#calls li:first-child")
    seen["display_announcement"] = display.inner_text("#announce")
    seen["display_live"] = display.get_attribute("#announce", "aria-live")
    audit("display_called", display)
    display.screenshot(path=f"{shots}/display.png")

    seen["languages"] = [page.evaluate("document.documentElement.lang") for page in (kiosk, counter, display)]
    browser.close()

print(json.dumps(seen))
