-- wrk script: cycle through a file of pre-signed requests (bench/pool.py writes it).
-- Usage: wrk -t THREADS -s bench/pool.lua http://127.0.0.1:PORT -- POOL_FILE THREADS [START]
-- START: how many of its requests each thread skips, to go on where an earlier run stopped.
-- done() prints one JSON line for bench/run.py.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Thread `id` takes every THREADS-th line: with the pool interleaved by caller, each
  -- caller's texts go through one thread, in order.
  local count, n, pool = tonumber(args[2]) or 1, 0, {}
  for line in io.lines(args[1]) do
    if n % count == id then
      local path, signature, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      pool[#pool + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = signature,
      }, body)
    end
    n = n + 1
  end
  requests_pool = pool
  position = (tonumber(args[3]) or 0) % #pool
end

function request()
  position = position % #requests_pool + 1
  return requests_pool[position]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
