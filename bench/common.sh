# Shared by the bench scripts (sourced, not run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export UV_PYTHON="${UV_PYTHON:-/root/.pyenv/versions/3.12.1/bin/python3.12}"
# `bench` (settings, URLs) importable; BENCH_SRC: a directory whose `riposte` package (another
# revision's, bench/http_rev.sh) shadows the working tree's.
export PYTHONPATH="${BENCH_SRC:+$BENCH_SRC:}$PWD${PYTHONPATH:+:$PYTHONPATH}"
OUT="${OUT:-bench/out}"                                 # raw outputs, git-ignored
PG_URL_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
mkdir -p "$OUT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# `uv run` once to make sure the environment matches uv.lock, then the venv's entry point, so that
# timings and peak memory measure Riposte rather than uv's start-up.
uv run --frozen riposte --version >/dev/null
RIPOSTE="$PWD/.venv/bin/riposte"
export PATH="$PWD/.venv/bin:$PATH"   # as `uv run` does: `riposte serve` execs `granian` from PATH

pg_fresh() {  # pg_fresh DBNAME: drop and re-create an empty database (riposte_bench* only)
  case "$1" in riposte_bench*) ;; *) echo "refusing to touch database $1" >&2; return 1 ;; esac
  dropdb --if-exists --force -h 127.0.0.1 -U postgres "$1"
  createdb -h 127.0.0.1 -U postgres "$1"
}

machine() {  # one line describing the machine (and how busy it is right now), for the README
  printf '%s; nproc=%s, RAM %s, %s, Python %s, PostgreSQL %s; load average %s\n' "$(date -Iseconds)" "$(nproc)" \
    "$(free -h | awk '/^Mem:/ {print $2}')" "$(uname -sr)" \
    "$("$UV_PYTHON" -c 'import platform; print(platform.python_version())')" \
    "$(psql -h 127.0.0.1 -U postgres -Atc 'show server_version' | cut -d' ' -f1)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}
