"""What the wrk scripts of the REST benchmarks share: free starts spaced one appointment apart, and the Lua that
gives each wrk thread its own offset into the request list."""
import datetime


def spaced_starts(availability, duration_minutes):
    """The free starts of an availability answer (every office block, every day), each at least one duration after
    the one before, so that booking all of them never books two overlapping times."""
    starts, previous = [], None
    for block in availability["offices"]:
        for day in block["days"]:
            for start in day["starts"]:
                moment = datetime.datetime.fromisoformat(start)
                if previous is None or moment - previous >= datetime.timedelta(minutes=duration_minutes):
                    starts.append(start)
                    previous = moment
    return starts


# Each of n wrk threads takes every n-th request from its own offset (setup runs once per thread, before any init), so
# one run sends each request of the list once before it sends any again: `counter = counter + step`.
THREAD_OFFSETS = """
local counter = 0
local threads = {}
function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
  for _, each in ipairs(threads) do each:set("step", #threads) end
end
function init(args)
  counter = offset or 0
end
"""
