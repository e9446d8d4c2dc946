"""Directory import from a CSV file: all or nothing, idempotent on e-mail, with a per-row report.

The whole file is read and checked before anything is written; one error anywhere and the
database is left as it was. The same function serves `riposte import-directory` and the admin page.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from riposte.core.audit import audit_record
from riposte.directory.models import (
    Agent,
    AgentSupportProfile,
    Role,
    Service,
    Site,
    Skill,
    SupportProfile,
)

REQUIRED_COLUMNS = ["email", "first_name", "last_name", "service_code"]
OPTIONAL_COLUMNS = ["job_title", "site", "phone", "role", "skills", "support_profiles"]
# Fields copied as they are from the row to the agent.
PLAIN_FIELDS = ["first_name", "last_name", "job_title", "phone"]
LIST_SEPARATOR = "|"


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("line %(line)s, column %(column)s: %(reason)s") % {
            "line": self.line,
            "column": self.column or "-",
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return _("%(count)s error(s): nothing was imported.") % {"count": len(self.errors)}
        text = _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            text += " " + _("Dry run: nothing was written.")
        return text


@dataclass
class _Row:
    line: int
    email: str
    values: dict[str, str]
    service: Service
    site: Site | None
    role: str
    skills: list[str]
    profiles: list[str]


def _split(value: str) -> list[str]:
    return sorted({item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()})


def _decode(data: bytes) -> str | RowError:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return RowError(
            line,
            "",
            _(
                "the file is not UTF-8 encoded (a byte cannot be read). "
                "Save it again as 'CSV UTF-8' and retry."
            ),
        )


def _parse(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]] | RowError:
    # French spreadsheets export with ';', others with ','. The header tells which.
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return RowError(1, "", _("the file is empty."))
    except csv.Error as exc:
        return RowError(1, "", _("the file cannot be read as CSV (%(error)s).") % {"error": exc})
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                return RowError(
                    reader.line_num,
                    "",
                    _("this line has %(found)s fields, the header has %(expected)s.")
                    % {"found": len(values), "expected": len(header)},
                )
            rows.append(
                (reader.line_num, dict(zip(header, (v.strip() for v in values), strict=True)))
            )
            if len(rows) > settings.IMPORT_MAX_ROWS:
                return RowError(
                    reader.line_num,
                    "",
                    _("the file has more than %(max)s rows; split it.")
                    % {"max": settings.IMPORT_MAX_ROWS},
                )
    except csv.Error as exc:
        return RowError(
            reader.line_num, "", _("the file cannot be read as CSV (%(error)s).") % {"error": exc}
        )
    return header, rows


def _check_rows(
    header: list[str], rows: list[tuple[int, dict[str, str]]]
) -> tuple[list[_Row], list[RowError]]:
    errors: list[RowError] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [
            RowError(
                1,
                column,
                _("required column missing (expected: %(columns)s).")
                % {"columns": ", ".join(REQUIRED_COLUMNS)},
            )
            for column in missing
        ]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    errors += [RowError(1, c, _("unknown column.")) for c in unknown]
    repeated = sorted({c for c in header if header.count(c) > 1})
    errors += [RowError(1, c, _("this column appears more than once.")) for c in repeated]
    if not rows:
        return [], [*errors, RowError(2, "", _("the file has a header but no agent."))]

    services = {s.code: s for s in Service.objects.all()}
    sites = {s.name.casefold(): s for s in Site.objects.all()}
    seen: dict[str, int] = {}
    checked: list[_Row] = []
    for line, data in rows:
        row_errors: list[RowError] = []
        email = data["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            row_errors.append(
                RowError(
                    line,
                    "email",
                    _("'%(value)s' is not a valid e-mail address.") % {"value": data["email"]},
                )
            )
        if email in seen:
            row_errors.append(
                RowError(line, "email", _("duplicate of line %(line)s.") % {"line": seen[email]})
            )
        else:
            seen[email] = line
        for column in ("first_name", "last_name"):
            if not data[column]:
                row_errors.append(RowError(line, column, _("required.")))
        for column, limit in (
            ("first_name", 100),
            ("last_name", 100),
            ("job_title", 200),
            ("phone", 30),
        ):
            if len(data.get(column, "")) > limit:
                row_errors.append(
                    RowError(line, column, _("longer than %(max)s characters.") % {"max": limit})
                )
        service = services.get(data["service_code"])
        if service is None:
            row_errors.append(
                RowError(
                    line,
                    "service_code",
                    _("unknown service '%(code)s'.") % {"code": data["service_code"]},
                )
            )
        site = None
        if site_name := data.get("site", ""):
            site = sites.get(site_name.casefold())
            if site is None:
                row_errors.append(
                    RowError(line, "site", _("unknown site '%(name)s'.") % {"name": site_name})
                )
        role = data.get("role", "") or Role.AGENT
        if role not in Role.values:
            row_errors.append(
                RowError(
                    line,
                    "role",
                    _("unknown role '%(role)s' (expected: %(roles)s).")
                    % {"role": role, "roles": ", ".join(Role.values)},
                )
            )
        profiles = _split(data.get("support_profiles", ""))
        bad_profiles = [p for p in profiles if p not in SupportProfile.values]
        if bad_profiles:
            row_errors.append(
                RowError(
                    line,
                    "support_profiles",
                    _("unknown profile(s) %(names)s (expected: %(all)s).")
                    % {"names": ", ".join(bad_profiles), "all": ", ".join(SupportProfile.values)},
                )
            )
        skills = _split(data.get("skills", ""))
        if any(len(s) > 100 for s in skills):
            row_errors.append(RowError(line, "skills", _("a skill is longer than 100 characters.")))
        errors += row_errors
        if not row_errors and service is not None:
            values = {name: data[name] for name in PLAIN_FIELDS if name in data}
            checked.append(_Row(line, email, values, service, site, role, skills, profiles))
    return checked, errors


def _agent_state(agent: Agent, skills: list[str], profiles: list[str]) -> tuple[Any, ...]:
    return (
        *(getattr(agent, name) for name in PLAIN_FIELDS),
        agent.service_id,
        agent.site_id,
        agent.role,
        skills,
        profiles,
    )


def directory_import(
    *, data: bytes, actor: Agent | None = None, dry_run: bool = False
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    if len(data) > settings.IMPORT_MAX_BYTES:
        # filesizeformat, not a division into MB: a limit under 1 MB must not read "0 MB".
        report.errors.append(
            RowError(
                0,
                "",
                _("the file is larger than %(max)s.")
                % {"max": filesizeformat(settings.IMPORT_MAX_BYTES)},
            )
        )
        return report
    text = _decode(data)
    if isinstance(text, RowError):
        report.errors.append(text)
        return report
    parsed = _parse(text)
    if isinstance(parsed, RowError):
        report.errors.append(parsed)
        return report
    header, raw_rows = parsed
    rows, errors = _check_rows(header, raw_rows)
    if errors:
        report.errors = errors
        return report
    # An optional column absent from the file leaves what the directory holds: an HR export
    # without `role` or `skills` must not demote administrators nor wipe the skills agents entered.
    keep = {c for c in ("site", "role", "skills", "support_profiles") if c not in header}

    with transaction.atomic():
        existing = {
            a.email: a
            for a in Agent.objects.filter(email__in=[r.email for r in rows]).prefetch_related(
                "skills", "support_profiles"
            )
        }
        to_create: list[tuple[Agent, _Row]] = []
        to_update: list[tuple[Agent, _Row]] = []
        for row in rows:
            agent = existing.get(row.email)
            if agent is None:
                agent = Agent(email=row.email)
                agent.set_unusable_password()
                to_create.append((agent, row))
                continue
            skills = sorted(s.name for s in agent.skills.all())
            profiles = sorted(p.profile for p in agent.support_profiles.all())
            before = _agent_state(agent, skills, profiles)
            for name, value in row.values.items():
                setattr(agent, name, value)
            agent.service = row.service
            if "site" not in keep:
                agent.site = row.site
            if "role" not in keep:
                agent.role = row.role
            after = _agent_state(
                agent,
                skills if "skills" in keep else row.skills,
                profiles if "support_profiles" in keep else row.profiles,
            )
            if after == before:
                report.unchanged += 1
            else:
                to_update.append((agent, row))
        for agent, row in to_create:
            for name, value in row.values.items():
                setattr(agent, name, value)
            agent.service, agent.site, agent.role = row.service, row.site, row.role
        report.created, report.updated = len(to_create), len(to_update)
        if dry_run:
            return report

        for agent, _row in to_create + to_update:
            agent.search_text = agent.build_search_text()
        Agent.objects.bulk_create([a for a, _ in to_create], batch_size=1000)
        Agent.objects.bulk_update(
            [a for a, _ in to_update],
            [*PLAIN_FIELDS, "service", "site", "role", "search_text"],
            batch_size=1000,
        )
        _replace_skills_and_profiles(to_create + to_update, keep=keep)
        audit_record(
            actor=actor,
            action="directory.import",
            changes={
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    return report


def _replace_skills_and_profiles(pairs: list[tuple[Agent, _Row]], *, keep: set[str]) -> None:
    if not pairs:
        return
    # bulk_create sets the new agents' primary keys (RETURNING on PostgreSQL and SQLite).
    ids = {row.email: agent.pk for agent, row in pairs}
    if "skills" not in keep:
        _replace_skills(pairs, ids)
    if "support_profiles" not in keep:
        AgentSupportProfile.objects.filter(agent_id__in=ids.values()).delete()
        AgentSupportProfile.objects.bulk_create(
            [
                AgentSupportProfile(agent_id=ids[r.email], profile=p)
                for _, r in pairs
                for p in r.profiles
            ],
            batch_size=1000,
        )


def _replace_skills(pairs: list[tuple[Agent, _Row]], ids: dict[str, int]) -> None:
    wanted = {name for _, r in pairs for name in r.skills}
    Skill.objects.bulk_create([Skill(name=n) for n in wanted], ignore_conflicts=True)
    skill_ids = dict(Skill.objects.filter(name__in=wanted).values_list("name", "pk"))
    through = Agent.skills.through
    through.objects.filter(agent_id__in=ids.values()).delete()
    through.objects.bulk_create(
        [through(agent_id=ids[r.email], skill_id=skill_ids[n]) for _, r in pairs for n in r.skills],
        batch_size=1000,
    )
