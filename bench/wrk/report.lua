-- Shared by the scripts of this folder (wrk runs them with this folder as working directory):
-- counts answers by status in each thread, and done() prints one line of JSON for http_load.py.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

ok, not_ok, sample = 0, 0, ""

-- The first request of each connection waits WRK_HOLD_MS, so that http_load.py can see how the
-- connections spread over the server's workers before any work is done (and start again if
-- unevenly); the latency of a request is timed from when it is sent.
local hold_left = tonumber(os.getenv("WRK_HOLD_CONNECTIONS") or "0")
local hold_ms = tonumber(os.getenv("WRK_HOLD_MS") or "0")

function delay()
  if hold_left > 0 then
    hold_left = hold_left - 1
    return hold_ms
  end
  return 0
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    not_ok = not_ok + 1
    if sample == "" then sample = status .. " " .. (body or "") end
  end
end

function done(summary, latency, requests)
  local total_ok, total_not_ok, first = 0, 0, ""
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_not_ok = total_not_ok + t:get("not_ok")
    if first == "" then first = t:get("sample") end
  end
  local e, floor = summary.errors, math.floor
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "ok": %d, "not_ok": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, total_ok, total_not_ok,
    e.connect, e.read, e.write, e.timeout, e.status,
    floor(latency:percentile(50)), floor(latency:percentile(90)),
    floor(latency:percentile(99)), floor(latency.max)))
  if first ~= "" then
    io.write("WRK_SAMPLE " .. first:sub(1, 2000):gsub("[\r\n]", " ") .. "\n")
  end
end
