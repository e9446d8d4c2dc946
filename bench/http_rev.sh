#!/usr/bin/env bash
# HTTP before/after against an earlier commit: bench/http.sh with the code of REV, then with the
# working tree, ROUNDS times alternately (2 by default), on the same loaded database and server
# settings. The machine drifts: compare the runs that sit next to each other.
#
#   bench/http_rev.sh 7009769                 # DBS, DURATION, ONLY, LOAD... as for bench/http.sh
#
# REV's `riposte` package is exported (git archive) to bench/out/rev-<REV> and put first on
# PYTHONPATH (BENCH_SRC); both run in the same virtualenv. Results: bench/out/http_<db>_rev<round>_{before,now}.md
source "$(dirname "$0")/common.sh"
REV="${1:?usage: bench/http_rev.sh REV}"
ROUNDS="${ROUNDS:-2}"
SRC="$PWD/$OUT/rev-$REV"
rm -rf "$SRC" && mkdir -p "$SRC" && git archive "$REV" riposte | tar -x -C "$SRC"
mkdir -p "$SRC/riposte/static" && cp -r riposte/static/vendor "$SRC/riposte/static/"   # npm's files, not in git
[ "${LOAD:-1}" = 0 ] || LOAD_ONLY=1 bench/http.sh   # loads the databases once
for round in $(seq "$ROUNDS"); do
  LOAD=0 TAG="_rev${round}_before" BENCH_SRC="$SRC" bench/http.sh
  LOAD=0 TAG="_rev${round}_now" bench/http.sh
done
