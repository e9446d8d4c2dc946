-- wrk script for bench/http.sh: sends the session cookie (SESSIONID from the environment, if set)
-- and prints one machine-readable line with requests/s and p50/p95/p99 latency (milliseconds).
-- With VARY_TEXTS (a file, one text per line), each request appends one of the texts, URL-encoded
-- and followed by a random number, to the path: every request asks about a text never seen
-- before, as an agent typing does, so no cache answers in place of the work measured.
local sid = os.getenv("SESSIONID")
if sid and sid ~= "" then
  wrk.headers["Cookie"] = "sessionid=" .. sid
end

local texts = {}
local vary = os.getenv("VARY_TEXTS")
if vary and vary ~= "" then
  for line in io.lines(vary) do
    if line ~= "" then table.insert(texts, line) end
  end
end

local function urlencode(s)
  return (string.gsub(s, "([^%w%-%.%_%~])", function(c) return string.format("%%%02X", string.byte(c)) end))
end

if #texts > 0 then
  local counter = 0
  request = function()
    counter = counter + 1
    local text = texts[(counter % #texts) + 1] .. " " .. tostring(math.random(1, 1000000000))
    return wrk.format(nil, wrk.path .. urlencode(text))
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
