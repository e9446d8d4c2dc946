"""The live board under load: PARTICIPANTS people on one board, each with the board open (a
websocket) and posting notes and voting through HTTP at a workshop's pace. For every change, the
time from the start of the POST that made it to its event reaching each of the other pages, and
(FETCH=1) to each of them showing it, as board.js does: a vote's count comes in the event; a note
posted or edited is fetched alone (the step, when it is the step's first); anything else, the
step.

    PYTHONPATH=. DATABASE_URL=... .venv/bin/python bench/workshops_board.py setup OUT.json
    .venv/bin/python bench/workshops_board.py run OUT.json BASE_URL RESULT.json

`setup` (Django, the same settings as the server) creates a facilitator and PARTICIPANTS agents,
a live workshop with the Riposte template (4 axes x 3 steps) that they all joined, and a session
for each (what logging in stores: no password, no rate limit); it writes them to OUT.json.
`run` needs no Django: one process, one asyncio loop, PARTICIPANTS websocket clients (the
`websockets` package) and their HTTP requests (http.client, one keep-alive connection per
participant, in threads). It ties each event to its POST by the X-Board-Revision header the
board's write views answer with. Every client acts after a random pause (exponential, mean PACE
seconds): a note in a random step (60 %), or a vote: a dot on a random note while it has dots
left, else one taken back. It stops after DURATION seconds, waits WAIT_END seconds for the last
events, and writes every measure to RESULT.json; the summary goes to stdout.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import random
import resource
import secrets
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlparse

PARTICIPANTS = int(os.getenv("PARTICIPANTS", "30"))
DURATION = float(os.getenv("DURATION", "60"))
PACE = float(os.getenv("PACE", "10"))  # seconds between two actions of one participant, on average
FETCH = os.getenv("FETCH", "1") == "1"
WAIT_END = float(os.getenv("WAIT_END", "5"))
SEED = int(os.getenv("SEED", "7"))


# -- setup (Django)


def setup(out: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")
    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from riposte.directory.models import Agent, Role, Service
    from riposte.workshops.models import Step, WorkshopStatus
    from riposte.workshops.services import (
        WorkshopData,
        participant_join,
        workshop_create,
        workshop_set_status,
    )

    service = Service.objects.create(code="BENCH-ATELIER", name="Atelier", level="direction")
    facilitator = Agent.objects.create_user(
        "animation@bench.riposte.test", None, role=Role.FACILITATOR, service=service,
        first_name="Anne", last_name="Animatrice",
    )  # fmt: skip
    workshop = workshop_create(
        by=facilitator,
        data=WorkshopData(title="Pérenniser le hors-norme", held_on=dt.date.today()),
    )
    workshop = workshop_set_status(workshop=workshop, by=facilitator, status=WorkshopStatus.LIVE)
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    backend = settings.AUTHENTICATION_BACKENDS[0]
    sessions = []
    for i in range(PARTICIPANTS):
        agent = Agent.objects.create_user(
            f"participant{i:02}@bench.riposte.test", None, service=service,
            first_name="Participant", last_name=f"{i:02}",
        )  # fmt: skip
        participant_join(workshop=workshop, agent=agent)
        session = store()
        session[SESSION_KEY] = str(agent.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    steps = list(
        Step.objects.filter(axis__workshop=workshop).order_by("axis__position", "position")
        .values_list("pk", flat=True)
    )  # fmt: skip
    with open(out, "w", encoding="utf-8") as f:
        json.dump(
            {
                "workshop": workshop.pk,
                "steps": steps,
                "sessions": sessions,
                "dots": workshop.dots_per_participant,
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "csrf_cookie": settings.CSRF_COOKIE_NAME,
            },
            f,
        )
    print(f"workshop={workshop.pk} steps={len(steps)} participants={len(sessions)}")


# -- run (no Django)


class Board:
    """What the clients share: when each POST started (by the revision it made), when each
    event and each fragment reached each page, the notes known so far."""

    def __init__(self) -> None:
        self.started: dict[int, tuple[float, int, str]] = {}  # revision -> (t0, who, action)
        self.events: list[tuple[int, int, float]] = []  # (revision, who, t)
        self.fetched: list[tuple[int, int, float]] = []
        self.notes: list[int] = []
        self.posts: list[tuple[str, int, float]] = []  # (action, status, seconds)
        self.errors: list[str] = []


class Client:
    def __init__(self, who: int, config: dict[str, Any], base: str, board: Board) -> None:
        self.who = who
        self.base = urlparse(base)
        self.board = board
        self.workshop = config["workshop"]
        self.steps = config["steps"]
        self.dots_left = config["dots"]
        self.my_dots: list[int] = []
        csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret of its own (double submit)
        self.headers = {
            "Cookie": f"{config['session_cookie']}={config['sessions'][who]}; "
            f"{config['csrf_cookie']}={csrf}",
            "X-CSRFToken": csrf,
            "HX-Request": "true",  # as board.js sends its forms: the answer is the fragment
        }
        self.post_conn = self._connection()
        # A browser opens up to 6 connections to a host: fetches of different steps go in parallel.
        self.fetch_conns: list[http.client.HTTPConnection] = []
        self.fetching: dict[int, Any] = {}
        self.slots = asyncio.Semaphore(6)
        self.shown: set[int] = set()  # the notes on this page
        self.with_notes: set[int] = set()  # the steps whose list of notes is on this page
        self.tasks: set[asyncio.Task[None]] = set()

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.base.hostname or "", self.base.port, timeout=30)

    def _request(
        self, conn: http.client.HTTPConnection, method: str, path: str, body: str | None = None
    ) -> tuple[int, dict[str, str]]:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                break
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # The server closed the idle keep-alive connection before this request reached
                # it (nothing was done): again on a new one, as a browser does.
                conn.close()
                if attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                conn.close()  # reconnects on the next request
                raise
        return response.status, {k.lower(): v for k, v in response.getheaders()}

    async def act(self, pool: ThreadPoolExecutor, deadline: float, rng: random.Random) -> None:
        loop = asyncio.get_running_loop()
        while True:
            pause = rng.expovariate(1 / PACE)
            if time.perf_counter() + pause >= deadline:
                return
            await asyncio.sleep(pause)
            if rng.random() < 0.6 or not self.board.notes:
                action = "note"
                step = rng.choice(self.steps)
                path = f"/workshops/{self.workshop}/board/steps/{step}/notes/"
                body = f"text=Note+{self.who}+{rng.randrange(10**6)}"
            elif self.dots_left > 0:
                action, note = "dot+", rng.choice(self.board.notes)
                path, body = f"/workshops/{self.workshop}/board/notes/{note}/dots/", "dot=add"
            else:
                action, note = "dot-", self.my_dots[0]
                path, body = f"/workshops/{self.workshop}/board/notes/{note}/dots/", "dot=remove"
            t0 = time.perf_counter()
            try:
                status, headers = await loop.run_in_executor(
                    pool, self._request, self.post_conn, "POST", path, body
                )
            except Exception as exc:  # counted and reported, the run goes on
                self.board.errors.append(f"{action}: {exc!r}")
                continue
            self.board.posts.append((action, status, time.perf_counter() - t0))
            revision = headers.get("x-board-revision")
            if status == 200 and revision:
                self.board.started[int(revision)] = (t0, self.who, action)
                if action == "dot+":
                    self.dots_left -= 1
                    self.my_dots.append(note)
                elif action == "dot-":
                    self.dots_left += 1
                    self.my_dots.pop(0)

    def fetch(self, pool: ThreadPoolExecutor, what: str, pk: int, revision: int) -> None:
        """A fragment (what: "steps" or "notes"), as board.js fetches it: one at a time for each,
        the revisions that came meanwhile served by the next fetch."""
        key = (what, pk)
        if key in self.fetching:
            self.fetching[key].append(revision)
            return
        self.fetching[key] = [revision]
        loop = asyncio.get_running_loop()
        path = f"/workshops/{self.workshop}/board/{what}/{pk}/"

        async def go() -> None:
            while self.fetching[key]:
                waiting, self.fetching[key] = self.fetching[key], []
                async with self.slots:
                    conn = self.fetch_conns.pop() if self.fetch_conns else self._connection()
                    try:
                        status, _h = await loop.run_in_executor(
                            pool, self._request, conn, "GET", path, None
                        )
                    except Exception as exc:
                        self.board.errors.append(f"fetch: {exc!r}")
                        continue
                    finally:
                        self.fetch_conns.append(conn)
                now = time.perf_counter()
                if status != 200:
                    self.board.errors.append(f"fetch {what}: HTTP {status}")
                for r in waiting:
                    self.board.fetched.append((r, self.who, now))
            del self.fetching[key]

        task = loop.create_task(go())
        self.tasks.add(task)  # a reference, or the loop may drop the task
        task.add_done_callback(self.tasks.discard)

    def follow(self, pool: ThreadPoolExecutor, data: dict[str, Any]) -> None:
        """What board.js does with a change (no step here is hidden): a vote's count is in the
        event; a note posted or edited is fetched alone when the page has its note, or its list
        of notes; anything else, the step."""
        revision, note, steps = data["revision"], data.get("note"), data.get("steps") or []
        if data.get("change") == "dots" and "dots" in data:
            self.board.fetched.append((revision, self.who, time.perf_counter()))
            return
        step = steps[0] if len(steps) == 1 else None
        if note and step and (note in self.shown or step in self.with_notes):
            self.shown.add(note)
            self.fetch(pool, "notes", note, revision)
            return
        for pk in steps:
            self.with_notes.add(pk)
            self.fetch(pool, "steps", pk, revision)
        if note:
            self.shown.add(note)

    async def listen(self, ws: Any, pool: ThreadPoolExecutor, ready: asyncio.Event) -> None:
        async for raw in ws:
            now = time.perf_counter()
            data = json.loads(raw)
            if data.get("type") == "hello":
                ready.set()
            elif data.get("type") == "change":
                self.board.events.append((data["revision"], self.who, now))
                # One page records the new notes, for everyone's votes.
                if self.who == 0 and data.get("change") == "note" and data.get("note"):
                    self.board.notes.append(data["note"])
                if FETCH:
                    self.follow(pool, data)


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return {
        "n": len(ordered),
        "p50_ms": at(50),
        "p95_ms": at(95),
        "p99_ms": at(99),
        "max_ms": ordered[-1] * 1000,
        "mean_ms": statistics.fmean(ordered) * 1000,
    }


def latencies(board: Board, arrivals: list[tuple[int, int, float]]) -> tuple[list[float], int]:
    """Seconds from each POST's start to its change reaching each other page; and how many of
    the (change, other page) pairs never arrived."""
    got: dict[tuple[int, int], float] = {}
    for revision, who, t in arrivals:
        got.setdefault((revision, who), t)
    values, missing = [], 0
    for revision, (t0, poster, _action) in board.started.items():
        for who in range(PARTICIPANTS):
            if who == poster:
                continue
            t = got.get((revision, who))
            if t is None:
                missing += 1
            else:
                values.append(t - t0)
    return values, missing


async def run_load(config: dict[str, Any], base: str) -> dict[str, Any]:
    import websockets

    board = Board()
    rng = random.Random(SEED)
    parsed = urlparse(base)
    ws_url = f"ws://{parsed.netloc}/ws/workshops/{config['workshop']}/"
    with ThreadPoolExecutor(max_workers=8 * PARTICIPANTS) as pool:
        clients = [Client(i, config, base, board) for i in range(PARTICIPANTS)]
        sockets, listeners = [], []
        for client in clients:
            ws = await websockets.connect(
                ws_url,
                additional_headers={"Cookie": client.headers["Cookie"], "Origin": base},
                max_queue=None,
            )
            ready = asyncio.Event()
            listeners.append(asyncio.create_task(client.listen(ws, pool, ready)))
            await asyncio.wait_for(ready.wait(), 10)
            sockets.append(ws)
        start = time.perf_counter()
        deadline = start + DURATION
        await asyncio.gather(*(c.act(pool, deadline, random.Random(rng.random())) for c in clients))
        await asyncio.sleep(WAIT_END)  # the last changes' events and fragments
        elapsed = time.perf_counter() - start
        for ws in sockets:
            await ws.close()
        for task in listeners:
            task.cancel()
    events, missing_events = latencies(board, board.events)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result: dict[str, Any] = {
        # The client shares the machine with the server: its own CPU, to read the rest with.
        "client_cpu_s": usage.ru_utime + usage.ru_stime,
        "participants": PARTICIPANTS,
        "duration_s": DURATION,
        "elapsed_s": elapsed,
        "pace_s": PACE,
        "changes": len(board.started),
        "requests": {
            action: {
                "n": sum(1 for a, _s, _t in board.posts if a == action),
                "non_200": sum(1 for a, s, _t in board.posts if a == action and s != 200),
                **percentiles([t for a, _s, t in board.posts if a == action]),
            }
            for action in ("note", "dot+", "dot-")
        },
        "event": {**percentiles(events), "missing": missing_events},
        "errors": board.errors[:20],
        "error_count": len(board.errors),
    }
    if FETCH:
        fetched, missing_fetches = latencies(board, board.fetched)
        result["fragment"] = {**percentiles(fetched), "missing": missing_fetches}
        result["fragment_requests"] = len(board.fetched)
    return result


def run(config_file: str, base: str, out: str) -> None:
    with open(config_file, encoding="utf-8") as f:
        config = json.load(f)
    result = asyncio.run(run_load(config, base))
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    e = result["event"]
    line = (
        f"RESULT changes={result['changes']} events={e['n']} missing={e['missing']} "
        f"event_p50_ms={e.get('p50_ms', 0):.1f} event_p95_ms={e.get('p95_ms', 0):.1f} "
        f"event_p99_ms={e.get('p99_ms', 0):.1f}"
    )
    if "fragment" in result:
        fr = result["fragment"]
        line += (
            f" fragment_p50_ms={fr.get('p50_ms', 0):.1f} fragment_p95_ms={fr.get('p95_ms', 0):.1f}"
            f" fragment_p99_ms={fr.get('p99_ms', 0):.1f} fragment_missing={fr['missing']}"
        )
    posts = [r for r in result["requests"].values() if r["n"]]
    line += f" posts={sum(r['n'] for r in posts)} post_errors={sum(r['non_200'] for r in posts)}"
    line += f" post_p95_ms={max(r['p95_ms'] for r in posts):.1f}"
    line += f" client_errors={result['error_count']}"
    line += f" client_cpu_s={result['client_cpu_s']:.1f} elapsed_s={result['elapsed_s']:.1f}"
    print(json.dumps(result["requests"]), file=sys.stderr)
    print(line)


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2])
    elif sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
