"""Reading plan files (YAML, CSV/TSV, Excel) into validated rows. Tables use the columns plan documents use
(`ref`, `action`, `lead`, `timeline`, `expected_output`), matched case-insensitively with the synonyms
people write; other headings can be mapped explicitly."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from bot.plans.tables import read_table
from bot.plans.timeline_tokens import Period

COLUMNS = ("ref", "action", "lead", "timeline", "expected_output", "recommendation", "owed_by", "action_cy",
           "expected_output_cy")  # fmt: skip
SYNONYMS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "reference", "id", "no", "number", "action ref", "action no"),
    "action": ("action", "actions", "title", "delivery milestone", "milestone", "planned action", "task"),
    "lead": ("lead", "leads", "owner", "responsible", "lead organisation"),
    "timeline": ("timeline", "timescale", "timescales", "due", "due date", "deadline", "by when", "target date"),
    "expected_output": ("expected output", "expected output / outcome", "expected outcome", "output", "outcome",
                        "expected output/outcome", "deliverable"),
    "recommendation": ("recommendation", "priority", "stage", "objective", "theme"),
    "owed_by": ("owed by", "owed_by", "owing organisations", "delivered by", "delivering organisations"),
    # The Welsh of a bilingual plan (see docs/glossary-cy.md for the terms).
    "action_cy": ("action_cy", "action (welsh)", "welsh action", "gweithred"),
    "expected_output_cy": ("expected_output_cy", "expected output (welsh)", "allbwn disgwyliedig"),
}  # fmt: skip


class PlanRow(BaseModel):
    ref: str
    action: str
    lead: str = ""
    timeline: str = ""
    expected_output: str = ""
    action_cy: str = ""
    expected_output_cy: str = ""
    recommendation: str | None = None
    # Which organisations owe it (see bot.plans.fan_out); empty: as the lead's role says.
    owed_by: str = ""
    # Where the lead came from when the table does not state it.
    lead_note: str = ""
    # Refs in the same plan that this action waits for (a resource the programme commits to provide).
    depends_on: list[str] = Field(default_factory=list)
    # The table's other columns (Objectives, Risks, Workforce, …), heading → cell, kept and shown by `show`.
    fields: dict[str, str] = Field(default_factory=dict)

    @field_validator("ref", "action", "lead", "timeline", "expected_output", "owed_by", "action_cy",
                     "expected_output_cy", mode="before")  # fmt: skip
    @classmethod
    def _text(cls, value: object) -> str:
        return "" if value is None else " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


class PlanFile(BaseModel):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_cy: str | None = None
    programme: str | None = None
    organisation: str | None = None
    source: str | None = None
    # Owed by for every row that does not say (`import --owed-by`).
    owed_by: str = ""
    # The financial year(s) the plan covers ("2020-21"): a year-less timeline ("March 31") takes its year
    # from a one-year period; without one it is left undated.
    period: str | None = None
    recommendations: dict[str, str] = Field(default_factory=dict)
    recommendations_cy: dict[str, str] = Field(default_factory=dict)
    # What the source says of a recommendation that has no actions of its own ("Covered by Actions 1 to 3").
    recommendation_notes: dict[str, str] = Field(default_factory=dict)
    actions: list[PlanRow] = Field(default_factory=list)
    # What the reader noticed about the file (no timeline column), printed with the import summary.
    notes: list[str] = Field(default_factory=list)

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None and Period.parse(value) is None:
            raise ValueError(f"period {value!r} is not financial years such as 2020-21 or 2020-2023")
        return value

    @property
    def financial_period(self) -> Period | None:
        return Period.parse(self.period) if self.period else None

    @field_validator("recommendations", "recommendations_cy", "recommendation_notes", mode="before")
    @classmethod
    def _keys_as_text(cls, value: object) -> object:
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else value


class PlanFileError(ValueError):
    """A plan file that cannot be read: the message says which file, row or column, and how to fix it."""


def _normalise_heading(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9/ ]", " ", text.lower())).strip()


def match_columns(headings: list[str], overrides: dict[str, str]) -> dict[str, int]:
    """Column name → index. `overrides` maps our column to the file's heading (`timeline` → `Target`)."""
    normalised = [_normalise_heading(h) for h in headings]
    found: dict[str, int] = {}
    for column in COLUMNS:
        wanted = [_normalise_heading(overrides[column])] if column in overrides else [
            _normalise_heading(s) for s in SYNONYMS[column]]  # fmt: skip
        for index, heading in enumerate(normalised):
            if heading in wanted and index not in found.values():
                found[column] = index
                break
    missing = [c for c in ("action",) if c not in found]
    if missing or (column_missing := [c for c in overrides if c not in found]):
        absent = missing or column_missing
        raise PlanFileError(
            f"no column for {', '.join(absent)} among the headings {headings}; "
            "map one with --column NAME=HEADING (for example --column action=Milestone)"
        )
    return found


# How far down a title block may push the headings ("Cluster plan 2021/22", a date, a blank row, …).
HEADER_SEARCH_ROWS = 15


def rows_from_table(
    table: list[list[str]], overrides: dict[str, str], header_row: int | None = None
) -> tuple[list[PlanRow], list[str]]:
    """The table's actions and notes about it (a missing timeline column). The headings are the first row
    that names an action column, below any title rows, unless `header_row` (1-based) says which."""
    header_index, columns = _find_headings(table, overrides, header_row)
    headings = table[header_index]
    extra = {i: h.strip() for i, h in enumerate(headings) if h.strip() and i not in columns.values()}
    rows: list[PlanRow] = []
    first_seen: dict[str, int] = {}
    for index in range(header_index + 1, len(table)):
        raw = table[index]
        cells: dict[str, object] = {name: raw[i] if i < len(raw) else None for name, i in columns.items()}
        if not str(cells.get("action") or "").strip():
            continue
        ref = str(cells.get("ref") or "").strip() or str(index - header_index)
        if ref in first_seen:
            raise PlanFileError(
                f"the reference {ref} is on rows {first_seen[ref]} and {index + 1}; give each action its own"
            )
        first_seen[ref] = index + 1
        cells["ref"] = ref
        cells["fields"] = {name: raw[i] for i, name in extra.items() if i < len(raw) and str(raw[i]).strip()}
        rows.append(PlanRow.model_validate(cells))
    if not rows:
        raise PlanFileError(f"there are no actions under the headings on row {header_index + 1}")
    notes = [] if "timeline" in columns else [
        f"no timeline column among the headings {[h for h in headings if h]}: every action is imported with no "
        "due date (map one with --column timeline=HEADING)"]  # fmt: skip
    return rows, notes


def _find_headings(
    table: list[list[str]], overrides: dict[str, str], header_row: int | None
) -> tuple[int, dict[str, int]]:
    if header_row is not None:
        if not 1 <= header_row <= len(table):
            raise PlanFileError(f"there is no row {header_row}; the file has {len(table)} rows")
        return header_row - 1, match_columns([str(c or "") for c in table[header_row - 1]], overrides)
    candidates = [i for i, row in enumerate(table) if any(str(c or "").strip() for c in row)][:HEADER_SEARCH_ROWS]
    if not candidates:
        raise PlanFileError("the file holds no rows")
    for index in candidates:
        try:
            return index, match_columns([str(c or "") for c in table[index]], overrides)
        except PlanFileError:
            continue
    # None of them: the message names the first non-empty row's headings, as people expect.
    return candidates[0], match_columns([str(c or "") for c in table[candidates[0]]], overrides)


def read_plan_file(
    path: Path, *, key: str | None, name: str | None, overrides: dict[str, str], header_row: int | None = None
) -> PlanFile:
    """A YAML plan carries its own key and name; a table takes them from options or from the file name."""
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
            plan = PlanFile.model_validate(content)
            return plan.model_copy(update={k: v for k, v in (("key", key), ("name", name)) if v})
        rows, notes = rows_from_table(read_table(path), overrides, header_row)
        slug = key or re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
        title = name or path.stem.replace("_", " ").replace("-", " ").title()
        return PlanFile(key=slug, name=title, actions=rows, notes=notes)
    except ValidationError as problem:
        first = problem.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PlanFileError(f"{path.name}: {where}: {first['msg']}") from problem
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as problem:
        raise PlanFileError(f"{path.name}: {problem}") from problem
