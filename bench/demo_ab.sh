#!/usr/bin/env bash
# `riposte demo --size full --reset` on a fresh SQLite file and a fresh PostgreSQL database, the
# code of an earlier commit against the working tree, interleaved in one hyperfine run each.
#
#   bench/demo_ab.sh 31544fc         # before: the commit before the demo's password-hash change
#
# The earlier code is exported (git archive) to bench/out/rev-<REV> and put first on PYTHONPATH;
# both run in the same virtualenv, on a database migrated by the working tree.
source "$(dirname "$0")/common.sh"
REV="${1:?usage: bench/demo_ab.sh REV}"
RUNS="${RUNS:-3}"
SRC="$PWD/$OUT/rev-$REV"
rm -rf "$SRC" && mkdir -p "$SRC" && git archive "$REV" riposte | tar -x -C "$SRC"
SQLITE_FILE="$PWD/$OUT/demo_ab.sqlite3"
for db in sqlite postgres; do
  if [ "$db" = sqlite ]; then
    export DATABASE_URL="sqlite:///$SQLITE_FILE"
    fresh="rm -f '$SQLITE_FILE' '$SQLITE_FILE-wal' '$SQLITE_FILE-shm'"
  else
    export DATABASE_URL="$PG_URL_BASE/riposte_bench"
    fresh="dropdb --if-exists --force -h 127.0.0.1 -U postgres riposte_bench && createdb -h 127.0.0.1 -U postgres riposte_bench"
  fi
  machine | tee "$OUT/demo_ab_${db}_machine.txt"
  hyperfine --runs "$RUNS" --prepare "$fresh && $RIPOSTE migrate --verbosity 0" \
    --export-json "$OUT/demo_ab_$db.json" --export-markdown "$OUT/demo_ab_$db.md" \
    --command-name "$db, $REV" "PYTHONPATH='$SRC' $RIPOSTE demo --size full --reset --verbosity 0" \
    --command-name "$db, working tree" "$RIPOSTE demo --size full --reset --verbosity 0"
done
