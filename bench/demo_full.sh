#!/usr/bin/env bash
# Wall time (hyperfine) and peak memory (GNU time) of `riposte demo --size full --reset`
# (8,000 agents), on a fresh SQLite file and on a fresh PostgreSQL database.
#
#   bench/demo_full.sh              # RUNS=3 by default; results in bench/out/demo_*.{json,md,txt}
#
# "fresh": each run starts from an empty, migrated database (hyperfine --prepare, not timed).
# "rebuild": each run replaces an existing full demo (--reset deletes 8,000 agents first).
source "$(dirname "$0")/common.sh"
RUNS="${RUNS:-3}"
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }

SQLITE_FILE="$PWD/$OUT/demo_full.sqlite3"
declare -A URLS=(
  [sqlite]="sqlite:///$SQLITE_FILE"
  [postgres]="$PG_URL_BASE/riposte_bench"
)
declare -A FRESH=(
  [sqlite]="rm -f '$SQLITE_FILE' '$SQLITE_FILE-wal' '$SQLITE_FILE-shm'"
  [postgres]="dropdb --if-exists --force -h 127.0.0.1 -U postgres riposte_bench && createdb -h 127.0.0.1 -U postgres riposte_bench"
)
DEMO="$RIPOSTE demo --size full --reset"

machine | tee "$OUT/demo_machine.txt"
for db in sqlite postgres; do
  export DATABASE_URL="${URLS[$db]}"
  prepare="${FRESH[$db]} && $RIPOSTE migrate --verbosity 0"
  say "$db: fresh database, $RUNS runs"
  hyperfine --runs "$RUNS" --prepare "$prepare" --command-name "demo full ($db, fresh)" \
    --export-json "$OUT/demo_${db}_fresh.json" --export-markdown "$OUT/demo_${db}_fresh.md" "$DEMO"
  say "$db: rebuild over an existing full demo, $RUNS runs"
  hyperfine --runs "$RUNS" --warmup 1 --command-name "demo full ($db, rebuild)" \
    --export-json "$OUT/demo_${db}_rebuild.json" --export-markdown "$OUT/demo_${db}_rebuild.md" "$DEMO"
  say "$db: peak memory (GNU time -v), fresh database"
  bash -c "$prepare"
  /usr/bin/time -v $DEMO >/dev/null 2>"$OUT/demo_${db}_time.txt"
  grep -E 'Elapsed|Maximum resident' "$OUT/demo_${db}_time.txt" | sed "s/^\s*/$db fresh: /"
  /usr/bin/time -v $DEMO >/dev/null 2>"$OUT/demo_${db}_time_rebuild.txt"
  grep -E 'Elapsed|Maximum resident' "$OUT/demo_${db}_time_rebuild.txt" | sed "s/^\s*/$db rebuild: /"
done
