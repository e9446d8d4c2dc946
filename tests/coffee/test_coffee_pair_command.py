"""`riposte coffee-pair`: the engine on CSV files. Good files give groups.csv; a bad file gives
an error naming the file and the line, a non-zero exit code, and no output file."""

from __future__ import annotations

import csv
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

AGENTS = """id,service_path,site
a1,DGA-SOL/DEF/ASE,Bobigny
a2,DGA-SOL/DEF/PMI,Bobigny
a3,DGA-RES/DSI,Montreuil
a4,DGA-RES/DRH/Paie,Bobigny
a5,DGA-EDU/Colleges,Saint-Denis
a6,DGA-EDU,Montreuil
a7,DGA-SOL/DIA,Saint-Denis
"""
HISTORY = """a,b,round
a1,a3,1
a2,a5,2
a1,a5,8
a4,a6,9
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def groups_of(path: Path) -> dict[str, list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["group", "agent"]
    groups: dict[str, list[str]] = {}
    for number, agent in rows[1:]:
        groups.setdefault(number, []).append(agent)
    return groups


def run(tmp_path: Path, *extra: str, agents: str = AGENTS, history: str | None = HISTORY):
    args = ["--agents", str(write(tmp_path / "agents.csv", agents))]
    if history is not None:
        args += ["--history", str(write(tmp_path / "history.csv", history))]
    call_command("coffee_pair", *args, "--out", str(tmp_path / "groups.csv"), *extra)
    return groups_of(tmp_path / "groups.csv")


def test_writes_one_row_per_member_and_respects_the_cooldown(tmp_path):
    groups = run(tmp_path, "--seed", "4")
    assert sorted(m for g in groups.values() for m in g) == [f"a{i}" for i in range(1, 8)]
    assert sorted(len(g) for g in groups.values()) == [2, 2, 3]
    assert list(groups) == ["1", "2", "3"]
    # Latest round 9, cooldown 6: rounds 4 to 9 count (a1-a5, a4-a6), rounds 1 and 2 do not.
    recent = {frozenset(("a1", "a5")), frozenset(("a4", "a6"))}
    for group in groups.values():
        for pair in combinations(group, 2):
            assert frozenset(pair) not in recent
    # Cooldown 1: only round 9 counts.
    groups = run(tmp_path, "--seed", "4", "--cooldown", "1")
    assert not any(set(g) >= {"a4", "a6"} for g in groups.values())


def test_same_seed_same_file_and_history_is_optional(tmp_path):
    first = run(tmp_path, "--seed", "7")
    assert run(tmp_path, "--seed", "7") == first
    assert sum(len(g) for g in run(tmp_path, history=None).values()) == 7


def test_semicolons_bom_blank_lines_and_spaces_are_accepted(tmp_path):
    agents = "\ufeffid ; service_path ; site\n\nx ; A / B ; s1\ny;C;s2\n"
    path = write(tmp_path / "agents.csv", agents)
    call_command("coffee_pair", "--agents", str(path), "--out", str(tmp_path / "g.csv"))
    assert groups_of(tmp_path / "g.csv") == {"1": ["x", "y"]}


def test_unplaced_agents_are_reported_and_the_rest_written(tmp_path, capsys):
    agents = "id,service_path,site\nx,A,s\ny,B,s\nz,C,t\n"
    history = "a,b,round\nx,y,3\nx,z,3\n"
    groups = run(tmp_path, agents=agents, history=history)
    assert groups == {"1": ["y", "z"]}
    assert "unplaced: x (every other agent is excluded or met within the cooldown)" in (
        capsys.readouterr().err
    )


BAD_INPUTS = [
    # (agents.csv, history.csv, expected message)
    ("", HISTORY, "agents.csv, line 1: empty file: expected the header id,service_path,site"),
    ("\n  \n", HISTORY, "agents.csv, line 1: empty file"),
    ("id,service_path,site\n", None, "agents.csv: no agents: the file has only its header"),
    ("id,site\na,Bobigny\n", None, "agents.csv, line 1: missing column service_path"),
    ("id,service_path,site\na,X,s\nb,Y,s\na,Z,t\n", None,
     "agents.csv, line 4: duplicate id 'a' (first on line 2)"),
    ("id,service_path,site\na,X,s\nb,Y\n", None, "agents.csv, line 3: expected 3 fields, found 2"),
    ("id,service_path,site\na,X//Y,s\n", None, "agents.csv, line 2: empty level in service_path"),
    ("id,service_path,site\na,,s\n", None, "agents.csv, line 2: empty service_path for 'a'"),
    ("id,service_path,site\na,X,\n", None, "agents.csv, line 2: empty site for 'a'"),
    ("id,service_path,site\n,X,s\n", None, "agents.csv, line 2: empty id"),
    ('id,service_path,site\na,"X,s\n', None, "agents.csv, line 2: malformed CSV"),
    (AGENTS, "", "history.csv, line 1: empty file: expected the header a,b,round"),
    (AGENTS, "a,b\na1,a2\n", "history.csv, line 1: missing column round"),
    (AGENTS, "a,b,round\na1,a2,1\na1,zz,2\n",
     "history.csv, line 3: unknown agent 'zz' in column b (not in"),
    (AGENTS, "a,b,round\nqq,a2,1\n", "history.csv, line 2: unknown agent 'qq' in column a"),
    (AGENTS, "a,b,round\na1,a2,1\na1,a3,last\n",
     "history.csv, line 3: round must be an integer, found 'last'"),
    (AGENTS, "a,b,round\na1,a2,1.5\n", "history.csv, line 2: round must be an integer"),
    (AGENTS, "a,b,round\na1,a1,1\n", "history.csv, line 2: 'a1' cannot have met themselves"),
]  # fmt: skip


@pytest.mark.parametrize(("agents", "history", "message"), BAD_INPUTS)
def test_bad_input_names_file_and_line_and_writes_nothing(tmp_path, agents, history, message):
    out = tmp_path / "groups.csv"
    with pytest.raises(CommandError) as error:
        run(tmp_path, agents=agents, history=history)
    assert message in str(error.value)
    assert str(tmp_path) in str(error.value)  # the file's full path
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["agents.csv"] + (["history.csv"] if history is not None else [])
    )


def test_a_bad_file_leaves_an_earlier_output_untouched(tmp_path):
    out = write(tmp_path / "groups.csv", "group,agent\n1,old\n1,older\n")
    with pytest.raises(CommandError):
        run(tmp_path, history="a,b,round\na1,a2,soon\n")
    assert out.read_text() == "group,agent\n1,old\n1,older\n"


def test_not_utf8_and_missing_files(tmp_path):
    write(tmp_path / "agents.csv", "id,service_path,site\nb,Équipe,s\n", encoding="latin-1")
    with pytest.raises(CommandError, match=r"agents\.csv, line 2: not UTF-8 text"):
        call_command(
            "coffee_pair", "--agents", str(tmp_path / "agents.csv"), "--out", str(tmp_path / "g")
        )
    with pytest.raises(CommandError, match=r"nope\.csv: cannot read the file"):
        call_command(
            "coffee_pair", "--agents", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "g")
        )
    with pytest.raises(CommandError, match="does not exist"):
        run(tmp_path, "--out", str(tmp_path / "missing" / "g.csv"))


def riposte(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "riposte.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_riposte_command_end_to_end_and_its_exit_codes(tmp_path):
    write(tmp_path / "agents.csv", AGENTS)
    write(tmp_path / "history.csv", HISTORY)
    ok = riposte(
        "coffee-pair", "--agents", "agents.csv", "--history", "history.csv",
        "--out", "groups.csv", "--seed", "3", cwd=tmp_path,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "7 agents, 4 history rows: 3 groups (1 trio), 0 unplaced" in ok.stdout
    assert len(groups_of(tmp_path / "groups.csv")) == 3

    write(tmp_path / "history.csv", HISTORY + "a1,a9,10\n")
    (tmp_path / "groups.csv").unlink()
    bad = riposte(
        "coffee-pair", "--agents", "agents.csv", "--history", "history.csv",
        "--out", "groups.csv", cwd=tmp_path,
    )  # fmt: skip
    assert bad.returncode != 0
    assert "history.csv, line 6: unknown agent 'a9' in column b" in bad.stderr
    assert not (tmp_path / "groups.csv").exists()
