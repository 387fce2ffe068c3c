import TerminHTTP

/// The pages `termin serve` serves: for an office's day the kiosk (`/kiosk?office=ID`), the counter workstation
/// (`/counter`) and the call display (`/display?office=ID`), German; for helpers and intermediaries the booking page
/// (`/assist`), German and English. Plain HTML with a little JavaScript, no external assets and no build step; they
/// speak only the public REST API.
extension TerminAPI {
    func addPageRoutes(to router: inout Router) {
        for (path, page) in [("/kiosk", KioskPage.html), ("/counter", CounterPage.html), ("/display", DisplayPage.html),
                            ("/assist", AssistPage.html)] {
            let body = Array(page.utf8)
            router.add("GET", path, inline: true) { _, _ in
                HTTPResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache"),
                                                    ("Content-Security-Policy", PageStyle.contentSecurityPolicy),
                                                    ("X-Content-Type-Options", "nosniff")],
                             body: body)
            }
        }
    }
}

/// What every page shares: the style sheet (WCAG 2.1 AA contrast, a visible focus ring, large targets) and the
/// little script that talks to the API.
enum PageStyle {
    /// Only this origin's API; inline style and script are the page's own.
    static let contentSecurityPolicy = "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:"

    static let css = """
    :root { --ink: #1b1b1b; --paper: #ffffff; --brand: #0b4f8a; --brand-ink: #ffffff; --muted: #4a4a4a; --alert: #a4001d; --line: #8a8a8a; }
    * { box-sizing: border-box; }
    body { margin: 0; font-family: "DejaVu Sans", Arial, sans-serif; font-size: 1.125rem; line-height: 1.5; color: var(--ink); background: var(--paper); }
    header { background: var(--brand); color: var(--brand-ink); padding: 0.75rem 1.5rem; }
    header h1 { margin: 0; font-size: 1.5rem; }
    main { padding: 1rem 1.5rem; max-width: 72rem; }
    button, input, select { font: inherit; }
    button { min-height: 2.75rem; padding: 0.5rem 1rem; border: 2px solid var(--brand); background: var(--brand); color: var(--brand-ink); border-radius: 0.25rem; cursor: pointer; }
    button.secondary { background: var(--paper); color: var(--brand); }
    button:disabled { background: #e6e6e6; color: #4a4a4a; border-color: #6b6b6b; cursor: not-allowed; }
    input, select { min-height: 2.75rem; padding: 0.25rem 0.5rem; border: 2px solid var(--line); border-radius: 0.25rem; color: var(--ink); background: var(--paper); }
    label { display: block; font-weight: bold; margin-top: 0.5rem; }
    :focus-visible { outline: 4px solid #ffbf47; outline-offset: 2px; }
    .error { color: var(--alert); font-weight: bold; }
    .muted { color: var(--muted); }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid var(--line); }
    """

    /// `api(method, path, body, token)`: fetch JSON, throwing the problem's detail on an error.
    static let script = """
    async function api(method, path, body, token) {
      const headers = {};
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (token) headers['Authorization'] = 'Bearer ' + token;
      const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (response.status === 204) return null;
      const data = await response.json();
      if (!response.ok) { const error = new Error(data.detail || ('Fehler ' + response.status)); error.status = response.status; throw error; }
      return data;
    }
    function officeFromQuery() { const id = Number(new URLSearchParams(location.search).get('office')); return id > 0 ? id : 102522; }
    function el(id) { return document.getElementById(id); }
    function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
    function text(tag, content, className) { const node = document.createElement(tag); node.textContent = content; if (className) node.className = className; return node; }
    async function serviceNames(office) {
      const data = await api('GET', '/v1/services?office=' + office);
      const names = {}; for (const s of data.services) names[s.id] = s.name_de; return { list: data.services, names };
    }
    """
}
