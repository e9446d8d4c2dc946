-- wrk script for bench/http.sh: sends the session cookie (SESSIONID from the environment, if set)
-- and prints one machine-readable line with requests/s and p50/p95/p99 latency (milliseconds).
local sid = os.getenv("SESSIONID")
if sid and sid ~= "" then
  wrk.headers["Cookie"] = "sessionid=" .. sid
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
