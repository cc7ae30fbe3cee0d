-- wrk script for bench/gateway: POSTs a small, realistic chat completion request
-- (model "bench", a system and a user message, max_tokens) and prints one machine-parsable
-- line at the end:
--
--   RESULT rps=... p50_us=... p90_us=... p99_us=... mean_us=... max_us=... requests=...
--          non2xx=... status_errors=... socket_errors=...
--
-- The body is read from body.json next to this script (or from $BENCH_BODY), so run.sh can
-- send the very same bytes with curl and look for its prompt text in bastion's log.
--
-- non2xx counts every response whose status is not 2xx (via response(), per thread);
-- status_errors is wrk's own counter (status >= 400); socket_errors sums connect, read,
-- write and timeout errors. Set BENCH_COUNT_STATUS=0 to skip the per-response Lua callback
-- (then non2xx is reported as -1 and only wrk's own counters remain).

local function script_dir()
  local src = debug.getinfo(1, "S").source
  if src:sub(1, 1) == "@" then
    return src:sub(2):match("^(.*/)") or "./"
  end
  return "./"
end

local function read_body()
  local path = os.getenv("BENCH_BODY") or (script_dir() .. "body.json")
  local f = assert(io.open(path, "rb"), "chat.lua: cannot open request body " .. path)
  local body = f:read("*a"):gsub("%s+$", "")
  f:close()
  return body
end

wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.body = read_body()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local count_status = os.getenv("BENCH_COUNT_STATUS") ~= "0"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

if count_status then
  function response(status, headers, body)
    if status < 200 or status > 299 then
      non2xx = non2xx + 1
    end
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  if count_status then
    for _, t in ipairs(threads) do
      non2xx_total = non2xx_total + (t:get("non2xx") or 0)
    end
  else
    non2xx_total = -1
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.1f p50_us=%d p90_us=%d p99_us=%d mean_us=%.1f max_us=%d requests=%d " ..
    "non2xx=%d status_errors=%d socket_errors=%d\n",
    summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, summary.requests,
    non2xx_total, e.status, e.connect + e.read + e.write + e.timeout))
end
