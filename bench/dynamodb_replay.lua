-- wrk script for bench/dynamodb.sh: replays pre-signed raw DynamoDB requests
-- and checks every response.
--
--   wrk -tT ... http://HOST:PORT -s bench/dynamodb_replay.lua -- REQUESTS_FILE T [EXPECT]
--
-- REQUESTS_FILE holds records "<byte length>\n<raw HTTP/1.1 request>", each a
-- complete SigV4-signed request for HOST:PORT (written by
-- bench/dynamodb_prepare.py sign). T is wrk's thread count: thread k of T
-- starts k/T of the way into the list, and each cycles through it. Nothing is
-- formatted per request. (wrk calls request() once on thread 0 before the run
-- to check the script, so the list's first record is never sent.)
--
-- Every response is checked: a status other than 200 counts as "non200"; a 200
-- whose body does not match the Lua pattern EXPECT (e.g. '"Item":' for
-- GetItem) counts as "unexpected". The first such response of each thread is
-- kept. done() prints, after wrk's own report:
--
--   replay: responses N non200 N unexpected N
--   replay: latency_us p50 X p90 X p99 X max X
--   replay: first_bad <status> <start of the body>     (only if there was one)

local threads = {}
local counter = 0

function setup(thread)
  thread:set("thread_index", counter)  -- a global in that thread's Lua state
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local n = 0
local i = 0
local expect = nil

responses = 0
non200 = 0
unexpected = 0
first_bad = nil

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  assert(path and nthreads, "usage: -- REQUESTS_FILE THREADS [EXPECT]")
  if args[3] and args[3] ~= "" then expect = args[3] end
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  local pos = 1
  while pos <= #data do
    local nl = data:find("\n", pos, true)
    if not nl then break end
    local len = assert(tonumber(data:sub(pos, nl - 1)), "bad record length in " .. path)
    n = n + 1
    requests[n] = data:sub(nl + 1, nl + len)
    pos = nl + 1 + len
  end
  assert(n > 0, "no requests in " .. path)
  i = math.floor((thread_index or 0) * n / nthreads)
end

function request()
  i = i % n + 1
  return requests[i]
end

local function keep(status, body)
  if first_bad == nil then
    first_bad = tostring(status) .. " " .. (body or ""):sub(1, 300):gsub("[\r\n]", " ")
  end
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    non200 = non200 + 1
    keep(status, body)
  elseif expect and not (body or ""):find(expect) then
    unexpected = unexpected + 1
    keep(status, body)
  end
end

function done(summary, latency, requests)
  local r, bad, unexp, first = 0, 0, 0, nil
  for _, t in ipairs(threads) do
    r = r + (t:get("responses") or 0)
    bad = bad + (t:get("non200") or 0)
    unexp = unexp + (t:get("unexpected") or 0)
    first = first or t:get("first_bad")
  end
  io.write(string.format("replay: responses %d non200 %d unexpected %d\n", r, bad, unexp))
  io.write(string.format("replay: latency_us p50 %d p90 %d p99 %d max %d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  if first then io.write("replay: first_bad " .. first .. "\n") end
end
