-- wrk script for bench/dynamodb.py: replays pre-signed raw HTTP requests.
--
--   wrk -tT ... http://HOST:PORT -s bench/dynamodb_replay.lua -- REQUESTS_FILE T
--
-- REQUESTS_FILE holds records "<byte length>\n<raw HTTP/1.1 request>", each a
-- complete signed request (Host, X-Amz-Date, Authorization, Content-Length,
-- body). Thread k of T starts k/T of the way into the list and cycles through
-- it. Nothing is formatted per request.

local counter = 0

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
end

local requests = {}
local n = 0
local i = 0

function init(args)
  local path, threads = args[1], tonumber(args[2])
  assert(path and threads, "usage: -- REQUESTS_FILE THREADS")
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  local pos = 1
  while pos <= #data do
    local nl = data:find("\n", pos, true)
    if not nl then break end
    local len = tonumber(data:sub(pos, nl - 1))
    n = n + 1
    requests[n] = data:sub(nl + 1, nl + len)
    pos = nl + 1 + len
  end
  assert(n > 0, "no requests in " .. path)
  i = math.floor((thread_index or 0) * n / threads)
end

function request()
  i = i % n + 1
  return requests[i]
end
