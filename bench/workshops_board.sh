#!/usr/bin/env bash
# The live board under load (issue 7): PARTICIPANTS (30) people on one board, each with its page
# open (a websocket) and posting notes and voting through HTTP at a workshop's pace (an action
# every PACE = 10 s on average each) for DURATION (60) seconds. For every change: the time from
# the start of its POST to its event reaching each of the other pages, and, as board.js then
# does, to each of them having fetched the changed step (FETCH=1). Beside it, in the same run and
# through the same server, the bare Django view (wrk, before and after).
#
#   bench/workshops_board.sh
#   MODES=redis PARTICIPANTS=30 DURATION=60 PACE=10 bench/workshops_board.sh
#
# Two modes, each on a fresh PostgreSQL database (riposte_bench_workshops): `redis` (REDIS_URL
# set: the Redis channel layer, WORKERS_REDIS=2 server processes) and `memory` (no REDIS_URL:
# the in-memory channel layer, which reaches the sockets of its own process only, so 1 process).
# Server: the production one (`riposte serve`, Granian, DEBUG off) with bench.settings, on
# 127.0.0.1:$PORT only, stopped on exit. Server CPU: user + system ticks of its worker processes
# (/proc/<pid>/stat) over the load. The client runs on the same machine (bench/workshops_board.py:
# one asyncio process) and takes CPU from the same 2 cores.
# Results: bench/out/workshops_board_<mode>.json, workshops_board.md, workshops_board_machine.txt.
source "$(dirname "$0")/common.sh"
MODES="${MODES:-redis memory}"
PORT="${PORT:-8240}"
WORKERS_REDIS="${WORKERS_REDIS:-2}"
PARTICIPANTS="${PARTICIPANTS:-30}"
DURATION="${DURATION:-60}"
BARE_DURATION="${BARE_DURATION:-10s}"
DB="${DB:-riposte_bench_workshops}"
BASE="http://127.0.0.1:$PORT"
REDIS_BENCH_URL="${REDIS_BENCH_URL:-redis://127.0.0.1:6379/14}"
export DJANGO_SETTINGS_MODULE=bench.settings DEBUG=False PARTICIPANTS DURATION
export STATIC_ROOT="$PWD/$OUT/static"
export DATABASE_URL="$PG_URL_BASE/$DB"
bare() {  # bare NAME: wrk on the bare view; prints "rps p50_ms cpu_ms_per_req"
  local before result
  wrk -t2 -c16 -d2s -s bench/wrk_report.lua "$BASE/bench/bare" >/dev/null
  before=$(server_cpu_ticks)
  result=$(wrk -t2 -c16 -d"$BARE_DURATION" --latency -s bench/wrk_report.lua "$BASE/bench/bare" \
    | tee "$OUT/workshops_board_wrk_$1.txt" | grep '^RESULT')
  echo "$result" | awk -v ticks=$(($(server_cpu_ticks) - before)) -v hz="$(getconf CLK_TCK)" '
    {for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
     printf "%s %s %.3f\n", v["rps"], v["p50_ms"], 1000 * ticks / hz / v["requests"]}'
}

md="$OUT/workshops_board.md"
machine | tee "$OUT/workshops_board_machine.txt"
"$RIPOSTE" collectstatic --noinput --verbosity 0
printf '| mode | server processes | changes | events measured (missing) | event p50 / p95 / p99 ms | fragment p50 / p95 / p99 ms | POSTs (non-200) | POST p95 ms | server CPU over the load | bare view req/s before / after (CPU ms/req) |\n|---|---:|---:|---:|---|---|---:|---:|---|---|\n' >"$md"
for mode in $MODES; do
  case "$mode" in
    redis) export REDIS_URL="$REDIS_BENCH_URL"; workers=$WORKERS_REDIS; redis-cli -u "$REDIS_URL" flushdb >/dev/null ;;
    memory) export REDIS_URL=""; workers=1 ;;
    *) echo "unknown mode $mode" >&2; exit 1 ;;
  esac
  say "$mode: fresh database $DB, $PARTICIPANTS participants on one live board"
  pg_fresh "$DB"
  "$RIPOSTE" migrate --verbosity 0
  python bench/workshops_board.py setup "$OUT/workshops_board_setup.json"
  WORKERS=$workers
  start_server "$OUT/workshops_board_server_$mode.log"
  read -r bare_rps bare_p50 bare_cpu < <(bare "${mode}_before")
  say "$mode: $PARTICIPANTS participants, ${DURATION}s, $workers server process(es)"
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  before=$(server_cpu_ticks)
  t0=$(date +%s.%N)
  result=$(python bench/workshops_board.py run "$OUT/workshops_board_setup.json" "$BASE" \
    "$OUT/workshops_board_$mode.json" | grep '^RESULT')
  t1=$(date +%s.%N)
  ticks=$(($(server_cpu_ticks) - before))
  echo "$result" >&2
  read -r after_rps _after_p50 after_cpu < <(bare "${mode}_after")
  stop_server
  load_end=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "$mode: load average $load_start at the start, $load_end at the end" | tee -a "$OUT/workshops_board_machine.txt"
  echo "$result" | awk -v mode="$mode" -v w="$workers" -v ticks="$ticks" -v hz="$(getconf CLK_TCK)" \
    -v secs="$(echo "$t1 - $t0" | bc)" -v b1="$bare_rps" -v b2="$after_rps" -v c1="$bare_cpu" -v c2="$after_cpu" '
    {for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
     cpu = ticks / hz
     printf "| %s | %d | %d | %d (%d) | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f | %d (%d) | %.1f | %.1f s in %.0f s (%.0f %% of one core) | %.0f / %.0f (%.2f / %.2f) |\n",
       mode, w, v["changes"], v["events"], v["missing"], v["event_p50_ms"], v["event_p95_ms"], v["event_p99_ms"],
       v["fragment_p50_ms"], v["fragment_p95_ms"], v["fragment_p99_ms"], v["posts"], v["post_errors"], v["post_p95_ms"],
       cpu, secs, 100 * cpu / secs, b1, b2, c1, c2}' >>"$md"
done
cat "$md"
machine | tee -a "$OUT/workshops_board_machine.txt"
