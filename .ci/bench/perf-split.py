#!/usr/bin/env python3
"""Splits a whole-machine `perf record -a -g` profile of the booking path into where a booking's CPU goes.

usage: perf-split.py PERF_DATA BOOKINGS_PER_SECOND [SECONDS]

Reads `perf script` of PERF_DATA. Every sample is put in one part: the process (wrk, PostgreSQL, the kernel's idle
loop) or, for Termin, the deepest frame on its stack that names a part (JSON decoding inside the booking route counts
as JSON, not as the route). Prints each part's share of the machine's samples and, from the throughput measured
during the recording, its CPU microseconds per booking (share x CPUs x 1e6 / bookings per second).
"""
import collections, os, re, subprocess, sys

data, rate = sys.argv[1], float(sys.argv[2])
cpus = os.cpu_count()

# Termin's parts by (demangled) function name. A sample goes to the deepest frame on its stack that names a part, so
# JSON decoding inside the booking route counts as JSON, and a futex wait inside the commit writer as a thread hop.
PARTS = [
    ("JSON decode", ["JSONDecoder", "JSONBody.decode", "BookingRequestJSON", "JSONReader"]),
    ("JSON encode", ["JSONEncoder", "JSONBody.response", "BookingJSON", "JSONWriter"]),
    ("access log", ["AccessLog"]),
    ("HTTP parse", ["HTTPRequestParser"]),
    ("HTTP write (response, syscalls)", ["writev", "HTTPResponse."]),
    ("engine and ledger", ["bookDirectly", "SlotLedger", "Catalog.", "Scheduler.", "BookingEngine"]),
    ("commit writer (statement, libpq)", ["CommitWriter", "AppointmentRepository", "PostgresArray", "PostgresConnection", "PQ"]),
    ("ledger sync (notifications)", ["LedgerSync", "LedgerEvent", "LedgerFollower", "LiveLedger", "PostgresListener"]),
    ("thread hops (futex, scheduler)", ["futex", "schedule", "ConditionLock", "try_to_wake_up"]),
    ("HTTP read and event loop", ["EventLoop.", "sock_read_iter", "epoll", "Router.", "HTTPServer"]),
]
# PostgreSQL's parts: the first part (in this order) that any frame of the sample's stack names.
POSTGRES_PARTS = [
    ("desk_time and ledger-notify triggers (plpgsql)", ["plpgsql_exec_trigger"]),
    ("foreign-key checks", ["RI_FKey", "SPI_execute_snapshot"]),
    ("WAL flush at commit (fsync)", ["XLogFlush"]),
    ("CHECK constraints", ["ExecConstraints"]),
    ("desk time free? (NOT EXISTS probe)", ["ExecSubPlan", "ExecSetParamPlan"]),
    ("index inserts (keys, ON CONFLICT check)", ["ExecInsertIndexTuples", "ExecCheckIndexConstraints"]),
    ("heap insert and WAL records", ["heap_insert", "XLogInsert"]),
    ("parameters (array input)", ["array_in", "InputFunctionCall"]),
    ("planning and executor start-up", ["pg_plan_query", "GetCachedPlan", "standard_ExecutorStart", "ExecInitNode"]),
    ("commit (other)", ["CommitTransaction"]),
    ("client protocol (socket)", ["pq_getbyte", "secure_read", "__send", "socket_flush", "pq_flush"]),
]

def part_of(comm, frames):
    if comm in ("wrk", "swapper", "LoadTests") or comm.startswith("kworker"):
        return {"swapper": "idle"}.get(comm, comm if not comm.startswith("kworker") else "kernel workers")
    if comm == "postgres":
        for name, patterns in POSTGRES_PARTS:
            if any(p in frame for frame in frames for p in patterns):
                return "PostgreSQL: " + name
        return "PostgreSQL: other"
    if comm.startswith("termin") or comm == "termin":
        for frame in frames:
            for name, patterns in PARTS:
                if any(p in frame for p in patterns):
                    return "Termin: " + name
        return "Termin: other (malloc, refcounting, runtime)"
    return "other processes"

script = subprocess.run(["perf", "script", "-i", data, "-F", "comm,ip,sym"], capture_output=True, text=True).stdout
# Swift's symbols, demangled once each (`swift demangle --simplified`) so that parts match on function names.
mangled = sorted(set(re.findall(r"\$s[0-9A-Za-z_]+", script)))
demangled = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(mangled), capture_output=True,
                           text=True).stdout.splitlines()
names = dict(zip(mangled, demangled)) if len(demangled) == len(mangled) else {}
counts = collections.Counter()
total = 0
for block in script.split("\n\n"):
    lines = [l for l in block.splitlines() if l.strip()]
    if not lines:
        continue
    comm = lines[0].split()[0]
    frames = []
    for line in lines[1:]:
        symbol = line.strip().split(None, 1)[1] if len(line.strip().split(None, 1)) > 1 else ""
        frames.append(names.get(symbol.split(" (")[0], symbol))
    counts[part_of(comm, frames)] += 1
    total += 1

print(f"{total} samples on {cpus} CPUs at {rate:,.0f} bookings/s: CPU microseconds per booking")
groups = collections.defaultdict(float)
for name, n in sorted(counts.items(), key=lambda kv: (kv[0].split(":")[0], -kv[1])):
    share = n / total
    micros = share * cpus * 1e6 / rate
    groups[name.split(":")[0]] += micros
    print(f"  {name:<58} {100 * share:5.1f} %  {micros:7.1f} µs")
print("by process: " + ", ".join(f"{k} {v:.0f} µs" for k, v in sorted(groups.items(), key=lambda kv: -kv[1])))
