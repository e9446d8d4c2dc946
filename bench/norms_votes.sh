#!/usr/bin/env bash
# Votes through the API on PostgreSQL: VOTERS eligible agents (8,000), each with a personal API
# token, vote once in one open secret consultation, CONNECTIONS (50) clients at a time; then each
# changes their vote once. Beside them, in the same run and through the same server: the bare
# Django view, and GET /api/me with a token (token auth plus one read: the API's floor).
#
#   bench/norms_votes.sh
#   VOTERS=2000 CONNECTIONS=20 bench/norms_votes.sh
#   BENCH_SRC=/tmp/other-tree bench/norms_votes.sh   # another revision's riposte package (A/B)
#
# Load (each run, a fresh database riposte_bench_norms): migrate, then bench/norms_setup.py bulk-
# inserts the agents and their tokens and opens the consultation through the services.
# Votes: wrk with bench/norms_votes.lua: each token POSTs once to /api/norms/<id>/votes, the run
# ends when the last vote is answered (no warm-up: a vote cannot be sent twice as a first vote).
# Check: bench/norms_check.py prints the Voter rows, the Ballot rows, the distinct voters and the
# counts by answer, and fails the script unless all equal what was sent.
# Server: the production one (`riposte serve`, Granian, WORKERS processes, DEBUG off, Redis as
# cache) with bench.settings (/bench/bare), on 127.0.0.1:$PORT only, stopped on exit.
# Results: bench/out/norms_votes.{tsv,md}, norms_check_*.txt, norms_machine.txt.
source "$(dirname "$0")/common.sh"
VOTERS="${VOTERS:-8000}"
PORT="${PORT:-8230}"
WORKERS="${WORKERS:-2}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-50}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-3s}"
DB="${DB:-riposte_bench_norms}"
BASE="http://127.0.0.1:$PORT"
TOKENS="$PWD/$OUT/norms_tokens.txt"
export DJANGO_SETTINGS_MODULE=bench.settings DEBUG=False
export REDIS_URL="${REDIS_URL-redis://127.0.0.1:6379/12}"
export STATIC_ROOT="$PWD/$OUT/static"
export DATABASE_URL="$PG_URL_BASE/$DB"

tsv="$OUT/norms_votes.tsv"
row() {  # row NAME PATH RESULT-LINE CPU-TICKS: one line of the table
  echo "${3#RESULT } cpu_ticks=$4" >&2
  echo "${3#RESULT }" | awk -v name="$1" -v path="$2" -v ticks="$4" -v hz="$(getconf CLK_TCK)" '
    {for (i = 1; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
     printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n", name, path, v["rps"], v["p50_ms"], v["p95_ms"],
       v["p99_ms"], v["requests"], v["non2xx3xx"], v["socket_errors"], 1000 * ticks / hz / v["requests"]}' >>"$tsv"
}

measure() {  # measure NAME PATH [wrk options...]: a fixed-duration run after a warm-up
  local name=$1 path=$2 result before; shift 2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" -s bench/wrk_report.lua "$BASE$path" >/dev/null
  say "$name ($path), wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
  before=$(server_cpu_ticks)
  result=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" -s bench/wrk_report.lua "$BASE$path" \
    | tee "$OUT/norms_wrk_${name//[^a-z0-9]/_}.txt" | grep '^RESULT')
  row "$name" "$path" "$result" $(($(server_cpu_ticks) - before))
}

vote() {  # vote NAME SHIFT: every token votes once (answer number (i + SHIFT) % 3), then the check
  local name=$1 shift=$2 out result before done_dir
  say "$name: $VOTERS tokens, wrk -t$THREADS -c$CONNECTIONS, POST /api/norms/$NORM/votes"
  done_dir=$(mktemp -d)
  # Twice a second: how many of our database's backends wait for a lock (the consultation row
  # that vote_cast locks), and how many are running a query.
  (while sleep 0.5; do
     psql -h 127.0.0.1 -U postgres -Atc "select count(*) filter (where wait_event_type = 'Lock'),
       count(*) filter (where state = 'active') from pg_stat_activity where datname = '$DB'
       and pid <> pg_backend_pid()" 2>/dev/null
   done) >"$OUT/norms_locks_$shift.txt" &
  local sampler=$!
  before=$(server_cpu_ticks)
  out=$(TOKENS="$TOKENS" NTHREADS="$THREADS" SHIFT="$shift" DONE_DIR="$done_dir" wrk -t"$THREADS" \
    -c"$CONNECTIONS" -d"${VOTE_CEILING:-900s}" --timeout 60s --latency -s bench/norms_votes.lua \
    "$BASE/api/norms/$NORM/votes" | tee "$OUT/norms_wrk_${name//[^a-z0-9]/_}.txt")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  rm -rf "$done_dir"
  awk -F'|' '{w += $1; a += $2; n++} END {if (n) printf "pg_stat_activity, %d samples: %.1f backends waiting for a lock, %.1f running a query, on average\n", n, w / n, a / n}' \
    "$OUT/norms_locks_$shift.txt" | tee "$OUT/norms_locks_$shift.summary" >&2
  result=$(grep '^RESULT' <<<"$out")
  grep '^STATUS' <<<"$out" >&2
  row "$name" "/api/norms/$NORM/votes" "$result" $(($(server_cpu_ticks) - before))
  python bench/norms_check.py "$CONSULTATION" "$VOTERS" "$shift" | tee "$OUT/norms_check_$shift.txt" || true
  grep -q '^CHECK OK' "$OUT/norms_check_$shift.txt" || { echo "the count is wrong" >&2; exit 1; }
}

machine | tee "$OUT/norms_machine.txt"
echo "riposte from: $(cd "${BENCH_SRC:-.}" && python -c 'import riposte, os; print(os.path.dirname(riposte.__file__))')" \
  | tee -a "$OUT/norms_machine.txt"
"$RIPOSTE" collectstatic --noinput --verbosity 0
say "fresh database $DB, migrate, $VOTERS agents with tokens, one consultation"
pg_fresh "$DB"
"$RIPOSTE" migrate --verbosity 0
setup=$(VOTERS="$VOTERS" python bench/norms_setup.py "$TOKENS" | tail -1)
echo "$setup" | tee -a "$OUT/norms_machine.txt"
NORM=$(sed -n 's/.*norm=\([0-9]*\).*/\1/p' <<<"$setup")
CONSULTATION=$(sed -n 's/.*consultation=\([0-9]*\).*/\1/p' <<<"$setup")
[ "$(sed -n 's/.*eligible=\([0-9]*\).*/\1/p' <<<"$setup")" = "$VOTERS" ] || { echo "eligible != $VOTERS" >&2; exit 1; }

start_server "$OUT/norms_server.log"
printf 'target\tpath\trps\tp50_ms\tp95_ms\tp99_ms\trequests\tnon2xx3xx\tsocket_errors\tcpu_ms_per_req\n' >"$tsv"
measure "bare" "/bench/bare"
ME_TOKEN=$(head -1 "$TOKENS")
measure "api me (token)" "/api/me" -H "Authorization: Bearer $ME_TOKEN"
vote "votes (first)" 0
vote "votes (changed)" 1
measure "bare (again)" "/bench/bare"
stop_server

awk -F'\t' -v voters="$VOTERS" -v c="$CONNECTIONS" -v w="$WORKERS" 'NR == 1 {next}
  {n++; name[n] = $1; path[n] = $2; rps[n] = $3; p50[n] = $4; p95[n] = $5; p99[n] = $6; req[n] = $7
   err[n] = $8 + $9; cpu[n] = $10; if ($2 == "/bench/bare") {bare += $3; nb++}}
  END {bare /= nb
    printf "| postgres, %d voters, %d clients, %d server processes | requests | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/req | ratio to bare |\n", voters, c, w
    printf "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= n; i++) printf "| %s `%s` | %d | %.0f | %.1f | %.1f | %.1f | %d | %.2f | %.1f%% |\n",
      name[i], path[i], req[i], rps[i], p50[i], p95[i], p99[i], err[i], cpu[i], 100 * rps[i] / bare}' \
  "$tsv" | tee "$OUT/norms_votes.md"
machine | tee -a "$OUT/norms_machine.txt"
