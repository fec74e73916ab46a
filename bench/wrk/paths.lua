-- GET one path per request from a file (one path with its query string a line), each thread
-- starting at its own place in the list.
-- Arguments: paths file, number of wrk threads.
dofile("report.lua")

local paths, count = {}, 0

function init(args)
  for line in io.lines(args[1]) do table.insert(paths, line) end
  count = math.floor(#paths * id / tonumber(args[2]))
end

function request()
  count = count + 1
  return wrk.format("GET", paths[(count - 1) % #paths + 1])
end
