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

# -- the production server on loopback: `riposte serve` (Granian) on 127.0.0.1:$PORT with $WORKERS
# processes; the caller sets PORT, WORKERS and BASE (http://127.0.0.1:$PORT).
SERVER_PID=""

stop_server() {  # the Granian master we started, then any of its workers still alive, by PID
  [ -n "$SERVER_PID" ] || return 0
  local workers pid
  workers=$(pgrep -P "$SERVER_PID" || true)
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  for pid in $workers; do
    for _ in $(seq 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  SERVER_PID=""
}
trap stop_server EXIT INT TERM

start_server() {  # start_server LOGFILE: returns once /healthz answers and every worker is up
  local log=$1
  if [ -z "${REDIS_URL:-}" ] && [ "$WORKERS" -gt 1 ] && [ "${ASGI:-}" != stock ]; then
    say "no REDIS_URL: \`riposte serve\` runs one process (its channel layer is in memory)"
    WORKERS=1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "port $PORT is already in use: not starting a second server" >&2; exit 1
  fi
  # `serve` replaces itself with Granian (exec): $! is the server's master process.
  if [ "${ASGI:-}" = stock ]; then  # what `serve` runs, with bench/asgi_stock.py's application
    granian --interface asginl --host 127.0.0.1 --port "$PORT" --workers "$WORKERS" \
      bench.asgi_stock:application >"$log" 2>&1 &
  else
    # Granian puts its working directory first on sys.path: BENCH_SRC's riposte must be found there.
    (cd "${BENCH_SRC:-.}" && exec "$RIPOSTE" serve --host 127.0.0.1 --port "$PORT" --workers "$WORKERS") \
      >"$log" 2>&1 &
  fi
  SERVER_PID=$!
  for _ in $(seq 120); do  # up to a minute: start-up is slow when the machine is busy
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && [ "$(pgrep -c -P "$SERVER_PID")" -ge "$WORKERS" ] && return 0
    sleep 0.5
  done
  echo "the server did not answer on $BASE/healthz; see $log" >&2; exit 1
}

server_cpu_ticks() {  # user + system CPU ticks of the server's worker processes so far
  local pid total=0
  for pid in $(pgrep -P "$SERVER_PID"); do
    total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
