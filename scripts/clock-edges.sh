#!/usr/bin/env bash
# The test suite (without the browser tests) at the instants where dates go wrong: just before
# midnight in Paris at the year's end, UTC midnight when Paris is already on the next day of a new
# month, and the spring change to summer time. Each run starts there and lets the clock tick.
# Needs Debian's faketime (apt-get install faketime); SQLite only, as PostgreSQL keeps its own clock.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "clock-edges: apt-get install faketime" >&2; exit 2; }
instants=("2026-12-31 22:57:00" "2027-02-28 23:58:00" "2027-03-28 00:58:00")  # UTC
for instant in "${instants[@]}"; do
  echo "== the suite from $instant UTC"
  faketime "$instant" .venv/bin/pytest -q -n 2 -p no:cacheprovider -m "not browser" "$@"
done
