-- wrk script for bench/norms_votes.sh: every API token in TOKENS votes exactly once.
--
--   TOKENS=file NTHREADS=2 SHIFT=0 DONE_DIR=dir wrk -t2 -c50 -d600s -s bench/norms_votes.lua \
--     http://127.0.0.1:8230/api/norms/1/votes
--
-- Thread k (1..NTHREADS) takes the tokens whose line number i (from 0) has i % NTHREADS == k - 1,
-- and POSTs {"choice": CHOICES[(i + SHIFT) % 3]} with each, once (bench/norms_check.py checks the
-- counts by answer against the same rule). A connection asks delay() before each request: while
-- tokens are left it gets 0 and a token is reserved for it; then it idles, so that no request
-- other than a vote is timed. A thread stops when all its votes are answered; the last one to
-- finish wakes wrk's main thread (SIGINT, as Ctrl-C does), which otherwise sleeps for all of -d:
-- -d is only a ceiling. wrk's own duration is then a little longer than the votes took, so req/s
-- is computed here from the first request sent to the last answer received (LuaJIT's ffi clock).
-- Prints one RESULT line (as wrk_report.lua: req/s, p50/p95/p99 in ms) and one STATUS line
-- (answers by HTTP status, and the seconds the votes took).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } norms_timeval;
int gettimeofday(norms_timeval *tv, void *tz);
int getpid(void);
long syscall(long number, ...);
]]
local SYS_TGKILL, SIGINT = 234, 2 -- x86-64 Linux

local function now()
  local tv = ffi.new("norms_timeval")
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

local CHOICES = { "pour", "contre", "abstention" }
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  table.insert(threads, thread)
  next_id = next_id + 1
end

function init(args)
  nthreads = tonumber(os.getenv("NTHREADS") or "1")
  done_dir = os.getenv("DONE_DIR")
  local shift = tonumber(os.getenv("SHIFT") or "0")
  tokens, bodies = {}, {}
  local i = 0
  for line in io.lines(os.getenv("TOKENS")) do
    if line ~= "" then
      if i % nthreads == id - 1 then
        table.insert(tokens, line)
        table.insert(bodies, '{"choice": "' .. CHOICES[((i + shift) % 3) + 1] .. '"}')
      end
      i = i + 1
    end
  end
  reserved, sent, answered, extra = 0, 0, 0, 0
  statuses, started, finished = {}, 0, 0
end

function delay()
  if reserved < #tokens then
    reserved = reserved + 1
    return 0
  end
  return 3600 * 1000 -- no token left for this connection: it idles until the thread stops
end

function request()
  if reserved == 0 then
    -- wrk calls request() once before the run to check the script: not a vote.
    return wrk.format("GET", "/healthz")
  end
  sent = sent + 1
  if sent == 1 then
    started = now()
  end
  if sent > #tokens then
    -- Only after a reconnection (wrk skips delay() then): counted, and shown in STATUS.
    extra = extra + 1
    return wrk.format("GET", "/healthz")
  end
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. tokens[sent],
    ["Content-Type"] = "application/json",
  }, bodies[sent])
end

local function all_finished()
  for k = 1, nthreads do
    local f = io.open(done_dir .. "/" .. k, "r")
    if not f then
      return false
    end
    f:close()
  end
  return true
end

function response(status, headers, body)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  if answered == #tokens then
    finished = now()
    local f = assert(io.open(done_dir .. "/" .. id, "w"))
    f:close()
    -- Each thread marks itself done before looking at the others: the last one sees them all.
    if all_finished() then
      local pid = ffi.C.getpid()
      ffi.C.syscall(SYS_TGKILL, ffi.new("long", pid), ffi.new("long", pid), ffi.new("long", SIGINT))
    end
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local total, extras, first, last = {}, 0, math.huge, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
    extras = extras + thread:get("extra")
    first = math.min(first, thread:get("started"))
    last = math.max(last, thread:get("finished"))
  end
  local seconds = last - first
  if first == 0 or last == 0 or first == math.huge then
    seconds = summary.duration / 1e6 -- a thread never finished (see the errors): wrk's duration
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f requests=%d non2xx3xx=%d socket_errors=%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format("%s=%d", status, n))
  end
  table.sort(parts)
  io.write(string.format("STATUS %s votes_seconds=%.2f wrk_seconds=%.2f not_votes=%d\n",
    table.concat(parts, " "), seconds, summary.duration / 1e6, extras))
end
