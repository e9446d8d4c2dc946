-- wrk script for bench/cooperations.sh: as wrk_report.lua (session cookie, one RESULT line with
-- req/s and p50/p95/p99 in ms), plus:
--   ACCEPT_ENCODING=gzip  sends it, as every browser does (the graph API answers compressed);
--   VARY_START=1          each request asks for a start date never asked before (in 1900-1999:
--                         the same cooperations, all later), so that no cache answers: the
--                         uncached cost of the graph API, measured.
local sid = os.getenv("SESSIONID")
if sid and sid ~= "" then
  wrk.headers["Cookie"] = "sessionid=" .. sid
end
local encoding = os.getenv("ACCEPT_ENCODING")
if encoding and encoding ~= "" then
  wrk.headers["Accept-Encoding"] = encoding
end

if os.getenv("VARY_START") == "1" then
  -- Each wrk thread its own sequence (a table's address differs from one thread to the next).
  init = function(args)
    math.randomseed(os.time() + tonumber(string.match(tostring({}), "0x(%x+)") or "0", 16))
  end
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  request = function()
    local day = string.format("%04d-%02d-%02d", math.random(1900, 1999), math.random(1, 12), math.random(1, 28))
    return wrk.format(nil, wrk.path .. separator .. "start=" .. day)
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f requests=%d non2xx3xx=%d socket_errors=%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
