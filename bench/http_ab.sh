#!/usr/bin/env bash
# Before/after of the performance changes, one after the other on the same PostgreSQL database
# (full demo, 8,000 agents), each a full bench/http.sh run:
#   A  original: Django's stock ASGI handler, a new PostgreSQL connection per request, no trigram index
#   B  + connection pool (DB_POOL, riposte/settings.py)
#   C  + SyncViewsASGIHandler (riposte/asgi.py)
#   D  + trigram index on the directory search (migration directory 0003): the code as committed
#
#   bench/http_ab.sh                 # DURATION=20s by default; LOAD=0 to reuse the loaded database
# Results: bench/out/http_postgres_{A,B,C,D}.md and a summary in bench/out/http_ab.md.
source "$(dirname "$0")/common.sh"
export DBS=postgres DATABASE_URL="$PG_URL_BASE/riposte_bench_http"
if [ "${LOAD:-1}" = 1 ]; then
  pg_fresh riposte_bench_http
  "$RIPOSTE" migrate --verbosity 0
  "$RIPOSTE" demo --size full --reset --verbosity 0 >/dev/null
fi
index() {  # index on|off: the trigram index of migration directory 0003
  if [ "$1" = off ]; then "$RIPOSTE" migrate directory 0002 --verbosity 0; else "$RIPOSTE" migrate --verbosity 0; fi
}
trap 'index on' EXIT
index off
LOAD=0 TAG=_A ASGI=stock DB_POOL=0 bench/http.sh
LOAD=0 TAG=_B ASGI=stock DB_POOL=1 bench/http.sh
LOAD=0 TAG=_C ASGI=riposte DB_POOL=1 bench/http.sh
index on
LOAD=0 TAG=_D ASGI=riposte DB_POOL=1 bench/http.sh

# Summary: req/s (and ratio to the bare view of the same run) for each target and step.
{
  printf '| target | A original | B + pool | C + sync handler | D + trigram index |\n|---|---:|---:|---:|---:|\n'
  paste "$OUT"/http_postgres_{A,B,C,D}.tsv | awk -F'\t' 'NR > 1 {rows[NR] = $0; name[NR] = $1 " `" $2 "`"
      for (s = 0; s < 4; s++) { rps[NR, s] = $(3 + 10 * s); if ($2 == "/bench/bare") { bare[s] += $(3 + 10 * s); nb[s]++ } } }
    END { for (r = 2; r <= NR; r++) { line = "| " name[r]
        for (s = 0; s < 4; s++) line = line sprintf(" | %.0f (%.0f%%)", rps[r, s], 100 * rps[r, s] / (bare[s] / nb[s]))
        print line " |" } }'
} | tee "$OUT/http_ab.md"
