-- POST one signed WhatsApp webhook per request (as Meta does), each thread taking every n-th
-- line of the file; a line is "<X-Hub-Signature-256>\t<raw JSON body>".
-- Arguments: bodies file, number of wrk threads.
dofile("report.lua")

local requests, count = {}, 0

function init(args)
  local threads = tonumber(args[2])
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == id then
      local tab = line:find("\t", 1, true)
      local headers = {["Content-Type"] = "application/json",
                       ["X-Hub-Signature-256"] = line:sub(1, tab - 1)}
      -- formatted once here: the load generator's own work per request stays as small as
      -- for GET /ping (a static request), since both share the machine's cores with the server
      table.insert(requests, wrk.format("POST", nil, headers, line:sub(tab + 1)))
    end
    n = n + 1
  end
end

function request()
  count = count + 1
  return requests[(count - 1) % #requests + 1]
end
