#!/usr/bin/env bash
# The network of cooperations with 10,000 actors and 50,000 cooperations: the metrics' compute
# time, the graph API at 10 concurrent clients (cached and uncached) beside the bare view, and the
# graph page's frames per second in headless Chromium with 5,000 actors.
#
#   bench/cooperations.sh                    # PostgreSQL then SQLite; loads the data first
#   DBS=postgres LOAD=0 bench/cooperations.sh
#   SKIP_FPS=1 SKIP_METRICS=1 bench/cooperations.sh
#   LOAD_ONLY=1 bench/cooperations.sh         # load the databases, measure nothing
#   SKIP_HTTP=1 SKIP_METRICS=1 bench/cooperations.sh   # the frames per second only
#
# Load: `riposte demo` (the demo agent to log in as, and the directory's services, which become
# actors) then `riposte cooperations-generate --actors $ACTORS --cooperations $COOPERATIONS`.
# Metrics: bench/cooperations_metrics.py (RUNS runs, stores the figures).
# HTTP: the production server (`riposte serve`, Granian, 2 processes, DEBUG off, Redis as cache
# and session store) with bench.settings (/bench/bare), on 127.0.0.1:$PORT only, stopped on exit.
# wrk (bench/cooperations_wrk.lua) sends "Accept-Encoding: gzip" as browsers do, except on the
# "identity" target; the uncached target asks for a new start date at each request.
# FPS: bench/cooperations_fps.py against the same server, FPS_FILTERS choosing ~5,000 actors: the
# time to a drawn network, step by step, then the frames while the camera moves and while a drag
# pans it (FPS_SECONDS each).
# Results: bench/out/coop_<db>.{tsv,md,metrics.txt,fps.txt}.
source "$(dirname "$0")/common.sh"
DBS="${DBS:-postgres sqlite}"
LOAD="${LOAD:-1}"
ACTORS="${ACTORS:-10000}"
COOPERATIONS="${COOPERATIONS:-50000}"
PORT="${PORT:-8210}"
WORKERS="${WORKERS:-2}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-10}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-3s}"
FPS_FILTERS="${FPS_FILTERS:-kind=association&kind=commune}"
BASE="http://127.0.0.1:$PORT"
EMAIL="agent@demo.riposte.test"
PASSWORD="riposte-demo"
SQLITE_FILE="$PWD/$OUT/coop.sqlite3"
export DJANGO_SETTINGS_MODULE=bench.settings DEBUG=False
export REDIS_URL="${REDIS_URL-redis://127.0.0.1:6379/14}"
export STATIC_ROOT="$PWD/$OUT/static"

login() {  # the demo agent's sessionid, through the login form
  local jar="$OUT/coop_cookies.txt" token
  rm -f "$jar"
  token=$(curl -fsS -c "$jar" "$BASE/auth/login/" | grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | cut -d'"' -f4)
  curl -fsS -o /dev/null -b "$jar" -c "$jar" -H "Referer: $BASE/auth/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "email=$EMAIL" \
    --data-urlencode "password=$PASSWORD" "$BASE/auth/login/"
  awk '$6 == "sessionid" {print $7}' "$jar"
}

measure() {  # measure DB NAME PATH SESSION(yes|no) ENCODING VARY CLIENTS [DURATION WARMUP]
  local db=$1 name=$2 path=$3 session=$4 encoding=$5 vary=$6 clients=$7
  local duration=${8:-$DURATION} warmup=${9:-$WARMUP} sid="" result code threads=$THREADS
  [ "$session" = yes ] && sid="$SESSIONID"
  [ "$clients" -lt "$threads" ] && threads=$clients
  code=$(curl -sS -o /dev/null -w '%{http_code}' ${sid:+-H "Cookie: sessionid=$sid"} "$BASE$path")
  [ "$code" = 200 ] || { echo "$path answered $code, not 200" >&2; exit 1; }
  # No warm-up for the uncached targets: its requests would still run in the server, unseen,
  # while the measured ones wait behind them.
  if [ "$warmup" != 0 ]; then
    SESSIONID="$sid" ACCEPT_ENCODING="$encoding" VARY_START="$vary" \
      wrk -t"$threads" -c"$clients" -d"$warmup" --timeout 120s -s bench/cooperations_wrk.lua "$BASE$path" >/dev/null
  fi
  say "$db: $name ($path), wrk -t$threads -c$clients -d$duration --latency"
  result=$(SESSIONID="$sid" ACCEPT_ENCODING="$encoding" VARY_START="$vary" \
    wrk -t"$threads" -c"$clients" -d"$duration" --timeout 120s --latency -s bench/cooperations_wrk.lua "$BASE$path" \
    | tee "$OUT/coop_wrk_${db}_${name//[^a-z0-9]/_}.txt" | grep '^RESULT')
  echo "${result#RESULT }" >&2
  echo "${result#RESULT }" | awk -v name="$name" -v path="$path" -v c="$clients" '
    {for (i = 1; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
     printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, path, c, v["rps"], v["p50_ms"], v["p95_ms"],
       v["p99_ms"], v["requests"], v["non2xx3xx"], v["socket_errors"]}' >>"$tsv"
}

machine | tee "$OUT/coop_machine.txt"
"$RIPOSTE" collectstatic --noinput --verbosity 0
for db in $DBS; do
  case "$db" in
    postgres) export DATABASE_URL="$PG_URL_BASE/riposte_bench_coop" ;;
    sqlite) export DATABASE_URL="sqlite:///$SQLITE_FILE" ;;
    *) echo "unknown database $db" >&2; exit 2 ;;
  esac
  if [ "$LOAD" = 1 ]; then
    say "$db: fresh database, small demo, $ACTORS actors and $COOPERATIONS cooperations"
    if [ "$db" = postgres ]; then pg_fresh riposte_bench_coop; else rm -f "$SQLITE_FILE"{,-wal,-shm}; fi
    "$RIPOSTE" migrate --verbosity 0
    "$RIPOSTE" demo --size small --reset --verbosity 0 >/dev/null
    /usr/bin/time -f "generate: %e s, peak RSS %M KB" "$RIPOSTE" cooperations-generate \
      --actors "$ACTORS" --cooperations "$COOPERATIONS" --verbosity 0 2>&1 | tee "$OUT/coop_${db}_generate.txt"
  fi
  [ "${LOAD_ONLY:-0}" = 1 ] && continue
  if [ "${SKIP_METRICS:-0}" != 1 ]; then
    say "$db: metrics"
    /usr/bin/time -f "metrics script: %e s, peak RSS %M KB" python bench/cooperations_metrics.py 2>&1 \
      | tee "$OUT/coop_${db}_metrics.txt"
  fi
  event=$(echo 'from riposte.cooperations.models import Event; print(Event.objects.get(name="Confinement du printemps 2020").pk)' \
    | "$RIPOSTE" shell 2>/dev/null | tail -1)
  redis-cli -u "$REDIS_URL" flushdb >/dev/null 2>&1 || true   # our own database number only
  start_server "$OUT/coop_server_$db.log"
  SESSIONID=$(login)
  [ -n "$SESSIONID" ] || { echo "login failed" >&2; exit 1; }
  tsv="$OUT/coop_$db.tsv"
  if [ "${SKIP_HTTP:-0}" != 1 ]; then
  printf 'target\tpath\tclients\trps\tp50_ms\tp95_ms\tp99_ms\trequests\tnon2xx3xx\tsocket_errors\n' >"$tsv"
  measure "$db" "bare" "/bench/bare" no "" "" "$CONNECTIONS"
  measure "$db" "bare + login" "/bench/bare-login" yes "" "" "$CONNECTIONS"
  measure "$db" "api graph, cached" "/api/cooperations/graph" yes gzip "" "$CONNECTIONS"
  measure "$db" "api graph lockdown, cached" "/api/cooperations/graph?event=$event" yes gzip "" "$CONNECTIONS"
  measure "$db" "api graph, cached, identity" "/api/cooperations/graph" yes "" "" "$CONNECTIONS"
  measure "$db" "api graph, uncached" "/api/cooperations/graph" yes gzip 1 "$CONNECTIONS" "${UNCACHED_DURATION:-60s}" 0
  sleep 20   # let the server finish the requests wrk gave up on
  measure "$db" "api graph, uncached, 1 client" "/api/cooperations/graph" yes gzip 1 1 "${UNCACHED_DURATION:-60s}" 0
  measure "$db" "graph page" "/cooperations/graph/" yes gzip "" "$CONNECTIONS"
  measure "$db" "bare (again)" "/bench/bare" no "" "" "$CONNECTIONS"
  awk -F'\t' -v db="$db" 'NR == 1 {next}
    {n++; name[n] = $1; path[n] = $2; c[n] = $3; rps[n] = $4; p50[n] = $5; p95[n] = $6; p99[n] = $7; err[n] = $9 + $10
     if ($2 == "/bench/bare") {bare += $4; nb++}}
    END {bare /= nb
      printf "| %s | clients | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to bare |\n", db
      printf "|---|---:|---:|---:|---:|---:|---:|---:|\n"
      for (i = 1; i <= n; i++) printf "| %s `%s` | %d | %.1f | %.1f | %.1f | %.1f | %d | %.1f%% |\n",
        name[i], path[i], c[i], rps[i], p50[i], p95[i], p99[i], err[i], 100 * rps[i] / bare}' "$tsv" | tee "$OUT/coop_$db.md"
  fi
  if [ "${SKIP_FPS:-0}" != 1 ]; then
    say "$db: frames per second, $FPS_FILTERS"
    python bench/cooperations_fps.py "$BASE" "$FPS_FILTERS" | tee "$OUT/coop_${db}_fps.txt"
    # The whole network too, one run (its frames take seconds each here).
    RUNS=1 python bench/cooperations_fps.py "$BASE" "" | tee -a "$OUT/coop_${db}_fps.txt" || true
  fi
  stop_server
done
machine | tee -a "$OUT/coop_machine.txt"
