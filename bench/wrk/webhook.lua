-- POST one signed WhatsApp webhook per request (as Meta does), each thread taking every n-th
-- line of the file; a line is "<X-Hub-Signature-256>\t<raw JSON body>".
-- Arguments: bodies file, number of wrk threads.
dofile("report.lua")

local bodies, signatures, count = {}, {}, 0

function init(args)
  local threads = tonumber(args[2])
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == id then
      local tab = line:find("\t", 1, true)
      table.insert(signatures, line:sub(1, tab - 1))
      table.insert(bodies, line:sub(tab + 1))
    end
    n = n + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  count = count + 1
  local i = (count - 1) % #bodies + 1
  wrk.headers["X-Hub-Signature-256"] = signatures[i]
  return wrk.format(nil, nil, nil, bodies[i])
end
