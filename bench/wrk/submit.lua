-- POST one JSON body per request, each thread taking every n-th line of the bodies file, each
-- request with its own Idempotency-Key.
-- Arguments: bodies file, Authorization header, Idempotency-Key prefix, number of wrk threads.
dofile("report.lua")

local bodies, count, key_prefix = {}, 0, ""

function init(args)
  local threads = tonumber(args[4])
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == id then table.insert(bodies, line) end
    n = n + 1
  end
  key_prefix = args[3] .. "-" .. id .. "-"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = args[2]
end

function request()
  count = count + 1
  wrk.headers["Idempotency-Key"] = key_prefix .. count
  return wrk.format(nil, nil, nil, bodies[(count - 1) % #bodies + 1])
end
