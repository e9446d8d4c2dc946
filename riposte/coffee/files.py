"""CSV files for `riposte coffee-pair`: agents and history in, groups out.

agents.csv: `id,service_path,site` (service_path levels separated by "/", e.g. DGA-SOL/DEF/ASE).
history.csv: `a,b,round` (round: an integer, larger is more recent).
groups.csv: `group,agent`, one row per member, groups numbered from 1.

Files are UTF-8 (a BOM is accepted), comma-separated, or semicolon-separated as spreadsheets
save them in French; other columns are ignored. Any error names the file and the line, and
reading stops at the first one: the command then writes nothing. The groups file is written to
a temporary file beside it, then renamed, so that it is never left half-written.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from operator import itemgetter, ne
from pathlib import Path

from riposte.coffee.engine import Agent, AgentId, Meeting, Pairing

AGENT_COLUMNS = ("id", "service_path", "site")
HISTORY_COLUMNS = ("a", "b", "round")
GROUP_COLUMNS = ("group", "agent")


class CoffeeFileError(Exception):
    def __init__(self, path: Path, line: int | None, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


def _columns(path: Path, columns: tuple[str, ...]) -> list[list[str]] | None:
    """The stripped values of each of `columns`, all rows read at C speed; None when anything
    looks wrong (or merely unusual, like a blank line): `_rows` then finds the line."""
    text = _text(path, columns)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header_line and "," not in header_line else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    header = [name.strip() for name in rows[0]]
    if any(header.count(name) != 1 for name in columns):
        return None
    width = len(header)
    data = rows[1:]
    if not all(len(row) == width for row in data):
        return None
    return [[row[p].strip() for row in data] for p in (header.index(name) for name in columns)]


def _text(path: Path, columns: tuple[str, ...]) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CoffeeFileError(path, None, f"cannot read the file ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CoffeeFileError(path, line, "not UTF-8 text") from exc
    if not text.strip():
        raise CoffeeFileError(path, 1, f"empty file: expected the header {','.join(columns)}")
    return text


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line number, the stripped values of `columns`) for each non-blank row after the header."""
    text = _text(path, columns)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header_line and "," not in header_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
        missing = [name for name in columns if name not in header]
        if missing:
            raise CoffeeFileError(
                path,
                1,
                f"missing column {', '.join(missing)} (expected {','.join(columns)}, "
                f"found {','.join(header)})",
            )
        duplicated = sorted({name for name in header if name and header.count(name) > 1})
        if duplicated:
            raise CoffeeFileError(path, 1, f"duplicate column {', '.join(duplicated)}")
        pick = itemgetter(*(header.index(name) for name in columns))
        width = len(header)
        strip = str.strip
        for row in reader:
            if len(row) != width:
                if not "".join(row).strip():
                    continue  # a blank line
                raise CoffeeFileError(
                    path, reader.line_num, f"expected {width} fields, found {len(row)}"
                )
            yield reader.line_num, list(map(strip, pick(row)))
    except csv.Error as exc:
        raise CoffeeFileError(path, reader.line_num, f"malformed CSV ({exc})") from exc


def agents_read(path: Path) -> list[Agent]:
    # The common case at C speed, checked as a whole; on any doubt, row by row for the line.
    columns = _columns(path, AGENT_COLUMNS)
    if columns:
        ids, paths, sites = columns
        if (
            ids
            and all(ids)
            and all(paths)
            and all(sites)
            and len(set(ids)) == len(ids)
            and not any(not level.strip() for p in set(paths) for level in p.split("/"))
        ):
            return list(map(Agent, ids, paths, sites))
    agents: list[Agent] = []
    first_line: dict[str, int] = {}
    for line, (agent_id, service_path, site) in _rows(path, AGENT_COLUMNS):
        if not agent_id:
            raise CoffeeFileError(path, line, "empty id")
        if agent_id in first_line:
            raise CoffeeFileError(
                path, line, f"duplicate id {agent_id!r} (first on line {first_line[agent_id]})"
            )
        first_line[agent_id] = line
        if not service_path:
            raise CoffeeFileError(path, line, f"empty service_path for {agent_id!r}")
        if any(not level.strip() for level in service_path.split("/")):
            raise CoffeeFileError(path, line, f"empty level in service_path {service_path!r}")
        if not site:
            raise CoffeeFileError(path, line, f"empty site for {agent_id!r}")
        agents.append(Agent(agent_id, service_path, site))
    if not agents:
        raise CoffeeFileError(path, None, "no agents: the file has only its header")
    return agents


def history_read(path: Path, *, agent_ids: set[AgentId], agents_path: Path) -> list[Meeting]:
    """The meetings; each id must be an agent of `agents_path` (one who left must be removed
    from the history, or kept in the agents file)."""
    columns = _columns(path, HISTORY_COLUMNS)
    if columns:
        a_ids, b_ids, rounds_text = columns
        if set(a_ids) <= agent_ids and set(b_ids) <= agent_ids and all(map(ne, a_ids, b_ids)):
            try:
                return list(map(Meeting, a_ids, b_ids, map(int, rounds_text)))
            except ValueError:
                pass
    history: list[Meeting] = []
    for line, (a, b, round_text) in _rows(path, HISTORY_COLUMNS):
        if a not in agent_ids or b not in agent_ids:
            column, value = ("a", a) if a not in agent_ids else ("b", b)
            raise CoffeeFileError(
                path, line, f"unknown agent {value!r} in column {column} (not in {agents_path})"
            )
        if a == b:
            raise CoffeeFileError(path, line, f"{a!r} cannot have met themselves")
        try:
            round_no = int(round_text)
        except ValueError:
            raise CoffeeFileError(
                path, line, f"round must be an integer, found {round_text!r}"
            ) from None
        history.append(Meeting(a, b, round_no))
    return history


def groups_write(path: Path, pairing: Pairing) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp's file is private (0600); the groups file gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(GROUP_COLUMNS)
            for number, group in enumerate(pairing.groups, start=1):
                writer.writerows((number, agent) for agent in group)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
