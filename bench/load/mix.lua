-- wrk script for the mixed load (bench/load/): cycles through a list of requests read from the
-- file named after `--` (one a line, tab-separated: method, path, Accept, Content-Type, body),
-- each thread from its own starting point, and prints a one-line JSON summary at the end.
local started = 0

function setup(thread)
  thread:set("id", started)
  started = started + 1
end

function init(args)
  mix = {}
  for line in io.lines(args[1]) do
    local method, path, accept, ctype, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {["Accept"] = accept}
    if ctype ~= "" then headers["Content-Type"] = ctype end
    mix[#mix + 1] = wrk.format(method, path, headers, body ~= "" and body or nil)
  end
  counter = id * 7919  -- a prime stride apart, so threads do not ask for the same thing at once
end

function request()
  counter = counter + 1
  return mix[(counter % #mix) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('LOAD {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
