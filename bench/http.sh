#!/usr/bin/env bash
# HTTP throughput and latency of Riposte's pages against a bare Django view, same server, same run.
#
#   bench/http.sh                    # PostgreSQL then SQLite; full demo (8,000 agents) loaded first
#   DBS=postgres bench/http.sh       # one database only
#   DURATION=20s CONNECTIONS=16 THREADS=2 WARMUP=3s bench/http.sh
#   LOAD=0 bench/http.sh             # reuse the databases loaded by a previous run
#   ASGI=stock bench/http.sh         # Django's stock ASGI handler (bench/asgi_stock.py), for A/B
#   DB_POOL=0 bench/http.sh          # PostgreSQL without the connection pool, for A/B
#   REDIS_URL= bench/http.sh         # without Redis (in-process cache, sessions in the database)
#   ONLY='home|directory' bench/http.sh   # only the targets whose name matches (plus the bare view)
#
# The server is the production one: `riposte serve --workers 2` (Granian, ASGI, DEBUG off, static
# files collected), with DJANGO_SETTINGS_MODULE=bench.settings, i.e. the production settings plus
# the benchmark-only URL /bench/bare (bench/bench_urls.py). It listens on 127.0.0.1:$PORT only and
# is stopped on exit. Results: bench/out/http_<db><TAG>.tsv and .md (TAG: optional label).
# "server CPU ms/req" is the CPU time (user + system) of the server's worker processes divided by
# the requests served: where a page's cost goes, apart from PostgreSQL's own CPU and wrk's. It too
# grows when other programs load the machine.
source "$(dirname "$0")/common.sh"
DBS="${DBS:-postgres sqlite}"
PORT="${PORT:-8200}"
WORKERS="${WORKERS:-2}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-3s}"
LOAD="${LOAD:-1}"
ASGI="${ASGI:-riposte}"
TAG="${TAG:-}"
BASE="http://127.0.0.1:$PORT"
EMAIL="agent@demo.riposte.test"
PASSWORD="riposte-demo"

# name|path|session[|vary]: the bare view first and last, to see how much the machine drifted in
# between. TARGETS_FILE replaces this list (bench/initiatives.sh); "vary" sends VARY_TEXTS
# (wrk_report.lua).
TARGETS=(
  "bare|/bench/bare|no"
  "bare + login|/bench/bare-login|yes"
  "home|/|yes"
  "directory q=martin|/directory/?q=martin|yes"
  "directory q=celia|/directory/?q=celia|yes"
  "api agents q=martin|/api/agents?q=martin|yes"
  "bare (again)|/bench/bare|no"
)

if [ -n "${TARGETS_FILE:-}" ]; then mapfile -t TARGETS < <(grep -v '^#' "$TARGETS_FILE" | grep .); fi

export DJANGO_SETTINGS_MODULE=bench.settings DEBUG=False
# Redis as in production (cache, sessions); REDIS_URL= (empty) runs without it.
export REDIS_URL="${REDIS_URL-redis://127.0.0.1:6379/13}"
export STATIC_ROOT="$PWD/$OUT/static"   # collectstatic into bench/out, not the shared staticfiles/

login() {  # prints the sessionid of $EMAIL, logged in through the login form (CSRF token included)
  local jar="$OUT/cookies.txt" token
  rm -f "$jar"
  token=$(curl -fsS -c "$jar" "$BASE/auth/login/" | grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | cut -d'"' -f4)
  curl -fsS -o /dev/null -b "$jar" -c "$jar" -H "Referer: $BASE/auth/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "email=$EMAIL" \
    --data-urlencode "password=$PASSWORD" "$BASE/auth/login/"
  awk '$6 == "sessionid" {print $7}' "$jar"
}

load_demo() {  # load_demo DB: a fresh database with the full demo (8,000 agents)
  say "$1: fresh database, migrate, full demo (8,000 agents)"
  if [ "$1" = postgres ]; then pg_fresh riposte_bench_http; else rm -f "$SQLITE_FILE"{,-wal,-shm}; fi
  "$RIPOSTE" migrate --verbosity 0
  "$RIPOSTE" demo --size full --reset --verbosity 0 >/dev/null
}

SQLITE_FILE="$PWD/$OUT/http.sqlite3"
machine | tee "$OUT/http_machine$TAG.txt"
echo "riposte from: $(cd "${BENCH_SRC:-.}" && python -c 'import riposte, os; print(os.path.dirname(riposte.__file__))'); REDIS_URL=${REDIS_URL:-unset}" | tee -a "$OUT/http_machine$TAG.txt"
"$RIPOSTE" collectstatic --noinput --verbosity 0
for db in $DBS; do
  case "$db" in
    postgres) export DATABASE_URL="$PG_URL_BASE/riposte_bench_http" ;;
    sqlite) export DATABASE_URL="sqlite:///$SQLITE_FILE" ;;
    *) echo "unknown database $db" >&2; exit 2 ;;
  esac
  [ "$LOAD" = 1 ] && load_demo "$db"
  [ "${LOAD_ONLY:-0}" = 1 ] && continue
  agents=$(echo 'from riposte.directory.models import Agent; print(Agent.objects.count())' | "$RIPOSTE" shell 2>/dev/null | tail -1)
  say "$db: $agents agents; server on $BASE ($WORKERS processes)"
  start_server "$OUT/server_$db.log"
  SESSIONID=$(login)
  [ -n "$SESSIONID" ] || { echo "login failed" >&2; exit 1; }
  export SESSIONID
  tsv="$OUT/http_$db$TAG.tsv"
  printf 'target\tpath\trps\tp50_ms\tp95_ms\tp99_ms\trequests\tnon2xx3xx\tsocket_errors\tcpu_ms_per_req\n' >"$tsv"
  for target in "${TARGETS[@]}"; do
    IFS='|' read -r name path session vary <<<"$target"
    [ -z "${ONLY:-}" ] || [[ "$name" =~ ^bare|${ONLY} ]] || continue
    cookie=(); [ "$session" = yes ] && cookie=(-H "Cookie: sessionid=$SESSIONID")
    # Each page must answer 200 (a lost session would give 302 to the login page, or 401 on the API).
    texts=""; probe="$path"
    if [ "${vary:-}" = vary ]; then texts="${VARY_TEXTS:?vary needs VARY_TEXTS}"; probe="${path}essai"; fi
    code=$(curl -sS -o "$OUT/page.html" -w '%{http_code}' "${cookie[@]}" "$BASE$probe")
    [ "$code" = 200 ] || { echo "$path answered $code, not 200" >&2; exit 1; }
    sid_env="$SESSIONID"; [ "$session" = yes ] || sid_env=""
    SESSIONID="$sid_env" VARY_TEXTS="$texts" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/wrk_report.lua "$BASE$path" >/dev/null
    say "$db: $name ($path), wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
    cpu_before=$(server_cpu_ticks)
    result=$(SESSIONID="$sid_env" VARY_TEXTS="$texts" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
      -s bench/wrk_report.lua "$BASE$path" | tee "$OUT/wrk_$db${TAG}_${name//[^a-z0-9=]/_}.txt" | grep '^RESULT')
    cpu_ticks=$(($(server_cpu_ticks) - cpu_before))
    echo "${result#RESULT } cpu_ticks=$cpu_ticks" >&2
    echo "${result#RESULT }" | awk -v name="$name" -v path="$path" -v ticks="$cpu_ticks" -v hz="$(getconf CLK_TCK)" '
      {for (i = 1; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
       printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n", name, path, v["rps"], v["p50_ms"], v["p95_ms"],
         v["p99_ms"], v["requests"], v["non2xx3xx"], v["socket_errors"], 1000 * ticks / hz / v["requests"]}' >>"$tsv"
  done
  stop_server
  # Markdown table; ratio = throughput / mean throughput of the two bare-view runs of this database.
  awk -F'\t' -v db="$db" -v agents="$agents" -v asgi="$ASGI" -v pool="${DB_POOL:-1}" -v redis="${REDIS_URL:+, Redis}" 'NR == 1 {next}
    {n++; name[n] = $1; path[n] = $2; rps[n] = $3; p50[n] = $4; p95[n] = $5; p99[n] = $6; err[n] = $8 + $9
     cpu[n] = $10; if ($2 == "/bench/bare") {bare += $3; nb++}}
    END {bare /= nb
      printf "| %s%s%s, %s agents, %s ASGI handler | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/req | ratio to bare |\n", db, (db == "postgres" && pool == "0") ? " (no pool)" : "", redis, agents, asgi
      printf "|---|---:|---:|---:|---:|---:|---:|---:|\n"
      for (i = 1; i <= n; i++) printf "| %s `%s` | %.0f | %.1f | %.1f | %.1f | %d | %.2f | %.0f%% |\n",
        name[i], path[i], rps[i], p50[i], p95[i], p99[i], err[i], cpu[i], 100 * rps[i] / bare}' \
    "$tsv" | tee "$OUT/http_$db$TAG.md"
done
machine | tee -a "$OUT/http_machine$TAG.txt"
