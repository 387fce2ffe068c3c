"""Termin's proof of work against ALTCHA's reference library (`altcha` on PyPI, its v1 protocol), under one key string.

usage: python3 interop.py BASE_URL KEY NOW_SECONDS HOLD_BODY BOOKING_BODY REPLAY_BODY FOREIGN_BODY

Both directions: a challenge from Termin's GET /v1/challenge is solved with the library's solver and verified with
its verify_solution; a challenge made by the library's create_challenge (as a portal makes it) is solved and sent
to Termin on an online booking. Then the same payload again (a replay), and a payload under another key. Prints one
JSON object with what the library said and what Termin answered; exits non-zero when a step cannot run.

The test server's clock stands still at NOW_SECONDS; the library reads the time through its module's `time`, so
that module's clock is set to the server's. The library's code runs unchanged. A test tool only: nothing at run
time needs Python.
"""
import base64
import datetime
import importlib.metadata
import json
import sys
import time
import types
import urllib.error
import urllib.request

import altcha
import altcha.v1

base, key, now = sys.argv[1], sys.argv[2], int(sys.argv[3])
hold_body, booking_body, replay_body, foreign_body = sys.argv[4:8]
altcha.v1.time = types.SimpleNamespace(time=lambda: float(now), mktime=time.mktime)
expires = datetime.datetime.fromtimestamp(now + 300, tz=datetime.timezone.utc)
seen = {"library_version": importlib.metadata.version("altcha")}


def send(method, path, body=None, payload=None):
    """Termin's status and JSON body for one request."""
    headers = {"Content-Type": "application/json"}
    if payload is not None:
        headers["Altcha"] = payload
    request = urllib.request.Request(base + path, data=body.encode() if body else None, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def solved(challenge, salt, max_number):
    """The library's solver on a challenge; the payload as the widget sends it (base64 JSON)."""
    solution = altcha.solve_challenge_v1(challenge, salt, "SHA-256", max_number)
    if solution is None:
        sys.exit("the library found no solution")
    return altcha.PayloadV1("SHA-256", challenge, solution.number, salt, "").to_dict(), solution.number


def payload_text(fields):
    return base64.b64encode(json.dumps(fields).encode()).decode()


# (a) Termin's challenge: the library solves and verifies it under the shared key; Termin accepts the solution.
status, challenge = send("GET", "/v1/challenge")
if status != 200:
    sys.exit(f"GET /v1/challenge answered {status}")
seen["termin_salt"] = challenge["salt"]
fields, _ = solved(challenge["challenge"], challenge["salt"], challenge["maxnumber"])
fields["signature"] = challenge["signature"]
termin_payload = payload_text(fields)
seen["library_verifies_termin"] = altcha.verify_solution_v1(termin_payload, key)[0]
seen["library_verifies_termin_under_another_key"] = altcha.verify_solution_v1(termin_payload, key + "x")[0]
seen["termin_accepts_own"] = send("POST", "/v1/holds", hold_body, termin_payload)[0]

# (b) The library's challenge (a portal's): solved, verified by the library, accepted by Termin on a booking.
portal = altcha.create_challenge_v1(hmac_key=key, max_number=20_000, expires=expires)
seen["library_salt"] = portal.salt
fields, number = solved(portal.challenge, portal.salt, portal.max_number)
fields["signature"] = portal.signature
portal_payload = payload_text(fields)
seen["library_verifies_own"] = altcha.verify_solution_v1(portal_payload, key)[0]
seen["termin_accepts_library"] = send("POST", "/v1/bookings", booking_body, portal_payload)[0]

# (c) The same payload again: refused.
status, problem = send("POST", "/v1/bookings", replay_body, portal_payload)
seen["replay"] = {"status": status, "type": problem.get("type"), "field": problem.get("field")}

# (d) A challenge under another key, solved as well: refused.
foreign = altcha.create_challenge_v1(hmac_key=key + "x", max_number=20_000, expires=expires)
fields, _ = solved(foreign.challenge, foreign.salt, foreign.max_number)
fields["signature"] = foreign.signature
status, problem = send("POST", "/v1/bookings", foreign_body, payload_text(fields))
seen["foreign"] = {"status": status, "type": problem.get("type"), "field": problem.get("field")}

print(json.dumps(seen))
