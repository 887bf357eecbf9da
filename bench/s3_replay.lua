-- wrk script for bench/s3.sh: replays a list of presigned S3 URLs.
--
--   wrk -tT ... http://HOST:PORT -s bench/s3_replay.lua -- URLS_FILE METHOD T [BODY_FILE [DELAY_MS]]
--
-- URLS_FILE holds one presigned URL per line, all for HOST:PORT (wrk sends the
-- Host header of the URL given on its command line, which the signature covers).
-- METHOD is PUT or GET; PUT sends BODY_FILE's bytes as the body of every request.
-- DELAY_MS, if given, makes each connection wait that long between requests
-- (C connections then offer about C * 1000 / (DELAY_MS + latency) requests/s).
-- T is wrk's thread count: thread k of T starts k/T of the way into the list,
-- and each cycles through it. Requests
-- are formatted once, in init, so the script adds no per-request work in Lua.

local counter = 0

function setup(thread)
  thread:set("thread_index", counter)  -- a global in that thread's Lua state
  counter = counter + 1
end

local requests = {}
local n = 0
local i = 0
local delay_ms = nil

local function read_all(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

function init(args)
  local urls_file, method, threads, body_file = args[1], args[2], tonumber(args[3]), args[4]
  delay_ms = tonumber(args[5])
  assert(urls_file and (method == "PUT" or method == "GET") and threads,
         "usage: -- URLS_FILE PUT|GET THREADS [BODY_FILE]")
  local body = nil
  if method == "PUT" then
    body = read_all(assert(body_file, "PUT needs a BODY_FILE"))
  end
  for line in io.lines(urls_file) do
    local path = line:match("^https?://[^/]+(/.*)$")
    if path then
      n = n + 1
      -- wrk.format adds Host (from the command-line URL) and Content-Length.
      requests[n] = wrk.format(method, path, {}, body)
    end
  end
  assert(n > 0, "no URLs in " .. urls_file)
  -- Spread the threads over the list: thread k starts at k * n / threads.
  i = math.floor((thread_index or 0) * n / threads)
end

function request()
  i = i % n + 1
  return requests[i]
end

function delay()
  return delay_ms or 0
end
