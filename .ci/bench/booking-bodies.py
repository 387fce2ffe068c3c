#!/usr/bin/env python3
"""Writes a wrk Lua script that posts POST /v1/bookings for free starts of a running Termin.

usage: booking-bodies.py BASE_URL OUT.lua [DAYS] [--keyed] [--skip-days N]

For every citizen office, its shortest online service; for every day of the next DAYS days (from tomorrow), the free starts
spaced one duration apart, each offered twice (most offices have several desks). Shuffled with a fixed seed, so
concurrent connections rarely race for the same start. Each wrk thread takes every n-th body from its own offset.
--keyed sends an Idempotency-Key on every request (unique: a run prefix, the thread and a count), as a portal does.
--skip-days N starts N days later, so runs on one server book disjoint days, each with its own free starts.
"""
import json, random, sys, urllib.request, datetime
from wrk_scripts import THREAD_OFFSETS, spaced_starts

args = [a for a in sys.argv[1:]]
keyed = "--keyed" in args
skip = 0
if "--skip-days" in args:
    skip = int(args[args.index("--skip-days") + 1])
    del args[args.index("--skip-days"):args.index("--skip-days") + 2]
args = [a for a in args if a != "--keyed"]
base, out = args[0], args[1]
days = int(args[2]) if len(args) > 2 else 28
def get(path):
    with urllib.request.urlopen(base + path) as response:
        return json.load(response)

first = datetime.date.today() + datetime.timedelta(days=1 + skip)
last = first + datetime.timedelta(days=days - 1)
bodies = []
for office in get("/v1/offices?kind=citizen_office")["offices"]:   # Munich's offices, not the demo help places
    online = [s for s in office["services"] if s["bookable_online"]]
    if not online:
        continue
    service = min(online, key=lambda s: s["duration_minutes"])
    answer = get(f"/v1/availability?office={office['id']}&service={service['id']}&from={first}&to={last}")
    for start in spaced_starts(answer, service["duration_minutes"]):
        body = json.dumps({"office": office["id"], "start": start, "services": [{"id": service["id"], "quantity": 1}]})
        bodies += [body, body]
random.Random(7).shuffle(bodies)
with open(out, "w") as lua:
    lua.write("local bodies = {\n")
    for body in bodies:
        lua.write("  [[" + body + "]],\n")
    lua.write("}\n")
    lua.write(THREAD_OFFSETS + """
local prefix = "%s"
function request()
  counter = counter + step
  local body = bodies[(counter %% #bodies) + 1]
  local headers = {["Content-Type"] = "application/json"}
  if prefix ~= "" then headers["Idempotency-Key"] = prefix .. "-" .. (offset or 0) .. "-" .. counter end
  return wrk.format("POST", "/v1/bookings", headers, body)
end
""" % (("bench%d" % random.randrange(10**9)) if keyed else ""))
print(len(bodies))
