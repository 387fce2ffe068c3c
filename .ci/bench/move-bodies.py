#!/usr/bin/env python3
"""Writes a wrk Lua script that moves the bookings of a running Termin, each once, to free starts later on.

usage: move-bodies.py BASE_URL OUT.lua CONNINFO [--skip-days N] [DAYS]

Reads the confirmed bookings (id, office, service) from the database at CONNINFO (psql), and for each office the free
starts of its booked service on the DAYS days after the first N (from tomorrow), spaced one duration apart. Pairs
every booking with a free start at its office, each start once, shuffled with a fixed seed, and writes requests
POST /v1/bookings/{id}/move {"start": …} with `Authorization: Booking bench` (the benchmark gives every booking that
code). Each wrk thread takes every n-th request from its own offset. Prints how many moves it wrote.
"""
import json, random, subprocess, sys, urllib.request, datetime, collections
from wrk_scripts import THREAD_OFFSETS, spaced_starts

args = sys.argv[1:]
skip = 14
if "--skip-days" in args:
    skip = int(args[args.index("--skip-days") + 1])
    del args[args.index("--skip-days"):args.index("--skip-days") + 2]
base, out, conninfo = args[0], args[1], args[2]
days = int(args[3]) if len(args) > 3 else 14

def get(path):
    with urllib.request.urlopen(base + path) as response:
        return json.load(response)

rows = subprocess.run(["psql", conninfo, "-Atc",
                       "SELECT id, office_id, service_ids[1] FROM appointment WHERE status = 'confirmed'"],
                      check=True, capture_output=True, text=True).stdout.split()
bookings = collections.defaultdict(list)
for row in rows:
    booking, office, service = row.split("|")
    bookings[(int(office), int(service))].append(booking)

first = datetime.date.today() + datetime.timedelta(days=1 + skip)
last = first + datetime.timedelta(days=days - 1)
durations = {s["id"]: s["duration_minutes"] for s in get("/v1/services")["services"]}
moves = []
for (office, service), ids in sorted(bookings.items()):
    answer = get(f"/v1/availability?office={office}&service={service}&from={first}&to={last}")
    starts = spaced_starts(answer, durations[service])
    moves += [(booking, start) for booking, start in zip(ids, starts)]
random.Random(7).shuffle(moves)
with open(out, "w") as lua:
    lua.write("local moves = {\n")
    for booking, start in moves:
        lua.write('  {"/v1/bookings/%s/move", [[{"start":"%s"}]]},\n' % (booking, start))
    lua.write("}\n")
    lua.write(THREAD_OFFSETS + """
function request()
  counter = counter + step
  local move = moves[(counter % #moves) + 1]
  return wrk.format("POST", move[1], {["Content-Type"] = "application/json", ["Authorization"] = "Booking bench"}, move[2])
end
""")
print(len(moves))
