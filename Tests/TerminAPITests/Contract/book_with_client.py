#!/usr/bin/env python3
"""Generate a typed client from Termin's served OpenAPI document with openapi-python-client, then hold, book, read
and cancel through it, as a portal developer would. Prints what it saw as JSON for ContractTests.

usage: book_with_client.py BASE_URL WORK_DIR START   (START: RFC 3339, a free time at Orleansplatz for a Personalausweis)
"""
import glob, importlib, json, os, re, subprocess, sys

base, work, start = sys.argv[1], sys.argv[2], sys.argv[3]
OFFICE, SERVICE = 102522, 1063441

subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--url", base + "/v1/openapi.json", "--output-path",
                os.path.join(work, "client"), "--overwrite"], check=True, stdout=sys.stderr, stderr=sys.stderr)
package = os.path.join(work, "client")
sys.path.insert(0, package)

# Bodies the generator could not type: a request body of type Any, or a model it had to name after an operation
# (an inline schema the document left unnamed).
untyped = []
for path in sorted(glob.glob(os.path.join(package, "termin_client", "api", "*", "*.py"))):
    if re.search(r"\bbody: Any\b", open(path).read()):
        untyped.append("request body of " + os.path.basename(path)[:-3])
for path in sorted(glob.glob(os.path.join(package, "termin_client", "models", "*.py"))):
    name = os.path.basename(path)[:-3]
    if re.search(r"_response_\d{3}|_body$|_body_", name):
        untyped.append("model " + name)

from termin_client import Client
from termin_client.api.bookings import create_hold, create_booking, get_booking, cancel_booking
from termin_client.models import HoldRequest, ServiceQuantity, HoldConfirmation, Contact, Booking
import datetime

client = Client(base_url=base, raise_on_unexpected_status=True)
hold = create_hold.sync_detailed(client=client, body=HoldRequest(
    office=OFFICE, start=datetime.datetime.fromisoformat(start), services=[ServiceQuantity(id=SERVICE)]))
booking = create_booking.sync_detailed(client=client, idempotency_key="client-1", body=HoldConfirmation(
    hold=hold.parsed.id, contact=Contact(name="Erika Mustermann")))
code = booking.parsed.code
authorized = Client(base_url=base, headers={"Authorization": "Booking " + code}, raise_on_unexpected_status=True)
read = get_booking.sync_detailed(client=authorized, id=booking.parsed.id)
cancelled = cancel_booking.sync_detailed(client=authorized, id=booking.parsed.id)
print(json.dumps({
    "untyped_bodies": untyped,
    "hold_status": int(hold.status_code), "booking_status": int(booking.status_code),
    "read_status": int(read.status_code), "cancel_status": int(cancelled.status_code),
    "booking_type": type(read.parsed).__name__,
}))
