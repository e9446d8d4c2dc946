#!/usr/bin/env bash
# The initiatives module under load, with 100,000 initiatives: the filtered list, a French search
# and the similar-initiatives endpoint, beside the bare view, at 10 concurrent clients.
#
#   bench/initiatives.sh                   # PostgreSQL then SQLite; loads the data first (~3 min)
#   LOAD=0 DBS=postgres bench/initiatives.sh
#
# Load: the full demo (8,000 agents) and `riposte initiatives-generate --count 100000`. The
# similar endpoint gets a new text at each request (the labelled set's queries, each with a
# random number: wrk_report.lua), so its cache of recent texts never answers in its place.
# Results: bench/out/http_<db>_initiatives.{tsv,md}.
source "$(dirname "$0")/common.sh"
DBS="${DBS:-postgres sqlite}"
COUNT="${COUNT:-100000}"
SQLITE_FILE="$PWD/$OUT/http.sqlite3"   # the file bench/http.sh uses
export VARY_TEXTS="$PWD/$OUT/similar_texts.txt"
python3 -c "
import json, sys
data = json.load(open('tests/initiatives/data/similarity_set.json', encoding='utf-8'))
print('\n'.join(q['title'] + ' ' + q['problem'] for q in data['queries']))" >"$VARY_TEXTS"
for db in $DBS; do
  if [ "${LOAD:-1}" = 1 ]; then
    say "$db: fresh database, full demo, $COUNT initiatives"
    if [ "$db" = postgres ]; then
      export DATABASE_URL="$PG_URL_BASE/riposte_bench_http"; pg_fresh riposte_bench_http
    else
      export DATABASE_URL="sqlite:///$SQLITE_FILE"; rm -f "$SQLITE_FILE"{,-wal,-shm}
    fi
    "$RIPOSTE" migrate --verbosity 0
    "$RIPOSTE" demo --size full --reset --verbosity 0 >/dev/null
    /usr/bin/time -f "generate: %e s, peak RSS %M KB" "$RIPOSTE" initiatives-generate --count "$COUNT" --verbosity 0
  fi
  LOAD=0 DBS="$db" TAG=_initiatives TARGETS_FILE=bench/initiatives_targets.txt \
    CONNECTIONS="${CONNECTIONS:-10}" bench/http.sh
done
