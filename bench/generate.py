"""Fill a fresh database with a large, repeatable, realistic workload for the benchmarks.

On top of the shipped data (the real boards, services and seed plans) it adds clusters and practices under
every health board, people spread across them with line managers, and plans whose actions carry due dates
from 2019 to 2023 written the way plans write them, a mix of statuses, and some open-ended or undated work.
A share of the actions (`fan_out`, default 20%) is owed by all seven health boards and stored as the
importer stores such an action: the whole (a roll-up owned nationally, `owed_by="health_boards"`) plus one
delivery per board (`<ref>@<board code>`, a child row with its own owner and status).
Rows go in through SQLAlchemy Core in batches: building ORM objects for 100,000 rows would take minutes.

    python bench/generate.py --url sqlite:///bench.db --actions 100000 --plans 200 --people 5000 --fan-out 0.2
"""

from __future__ import annotations

import argparse
import calendar
import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Table, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cli.progress import shown
from bot.config import SHIPPED_DATA_DIR
from bot.directory.models import Organisation, Person
from bot.plans.models import Action, Plan, Recommendation
from bot.shipped_data import load_shipped_data
from bot.storage.database import Database
from bot.storage.migrate import upgrade_to_head

LOADED_AT = datetime(2019, 1, 2, 9, 0, tzinfo=UTC)
# Statuses are drawn as seen on 1 June 2021 (the benchmarks' "today"): older work is more often finished.
STATUS_AS_OF = date(2021, 6, 1)
PAST_STATUSES = {"done": 45, "dropped": 5, "on_track": 15, "at_risk": 12, "blocked": 5, "not_started": 18}
FUTURE_STATUSES = {"done": 10, "dropped": 3, "on_track": 35, "at_risk": 10, "blocked": 4, "not_started": 38}
CLUSTERS_PER_BOARD = 8
PRACTICES_PER_CLUSTER = 6
ACTIONS_PER_RECOMMENDATION = 40
BATCH = 5_000
FAN_OUT = 0.2
VERBS = ("Agree", "Publish", "Review", "Implement", "Pilot", "Evaluate", "Commission", "Report on", "Roll out")
SUBJECTS = ("the cluster plan", "the enhanced service specification", "workforce modelling", "the escalation return",
            "the digital triage pathway", "the community pharmacy offer", "urgent dental access",
            "the wellbeing hub", "the access standards", "the data-sharing agreement")  # fmt: skip


def generate(
    url: str,
    *,
    actions: int = 100_000,
    plans: int = 200,
    people: int = 5_000,
    seed: int = 1,
    fan_out: float = FAN_OUT,
) -> dict[str, int]:
    """Migrate `url` (a fresh, empty database), load the shipped data, then add the generated workload:
    `actions` plan actions, of which the share `fan_out` is owed by every health board. Returns row counts:
    plan actions, wholes (roll-ups), deliveries, and all rows of the actions table."""
    upgrade_to_head(url)
    database = Database.from_url(url)
    try:
        with database.unit_of_work() as session:
            load_shipped_data(session=session, data_dir=SHIPPED_DATA_DIR, now=LOADED_AT)
        rng = random.Random(seed)
        with database.engine.begin() as connection:
            boards = _add_organisations(connection)
            person_orgs = _add_people(connection, rng, boards, people)
            plan_ids = _add_plans(connection, rng, boards, plans)
            # The fan-out draws from its own generator: with fan_out=0 the workload is the one before fan-out.
            fan = FanOut(connection, boards, person_orgs, random.Random(f"fan-out:{seed}"), fan_out, actions)
            _add_actions(connection, rng, plan_ids, person_orgs, actions, fan)
            counts = {
                "plan_actions": actions,
                "wholes": len(fan.chosen),
                "deliveries": len(fan.chosen) * len(fan.board_ids),
                "action_rows": connection.execute(select(func.count()).select_from(_table(Action))).scalar_one(),
            }
        if not database.is_sqlite:
            # Autovacuum would vacuum and analyse soon after a load this size; do it now so the planner sees
            # the steady state (statistics, and a visibility map that lets index-only scans skip the heap).
            with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
    finally:
        database.engine.dispose()
    return counts


def _table(model: type[object]) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _insert_batches(connection: Connection, table: Table, rows: Iterable[dict[str, object]]) -> None:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            connection.execute(insert(table), batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)


def _org_ids(connection: Connection, kind: str) -> dict[str, tuple[int, str]]:
    query = select(Organisation.code, Organisation.id, Organisation.path).where(Organisation.kind == kind)
    return {code: (id_, path) for code, id_, path in connection.execute(query)}


def _add_organisations(connection: Connection) -> dict[str, list[int]]:
    """Clusters and practices under every board, so each board has work. Returns org ids per board code."""
    boards = _org_ids(connection, "health_board")
    clusters = [
        {"code": f"{board}-bench-c{i}", "name": f"{board.upper()} bench cluster {i}", "kind": "cluster",
         "parent_id": board_id, "path": f"{path}{board}-bench-c{i}/"}
        for board, (board_id, path) in boards.items() for i in range(1, CLUSTERS_PER_BOARD + 1)
    ]  # fmt: skip
    connection.execute(insert(_table(Organisation)), clusters)
    new_clusters = {c: v for c, v in _org_ids(connection, "cluster").items() if "-bench-c" in c}
    practices = [
        {"code": f"{cluster}-p{j}", "name": f"Practice {j} of {cluster} (bench)", "kind": "practice",
         "parent_id": cluster_id, "path": f"{path}{cluster}-p{j}/"}
        for cluster, (cluster_id, path) in new_clusters.items() for j in range(1, PRACTICES_PER_CLUSTER + 1)
    ]  # fmt: skip
    connection.execute(insert(_table(Organisation)), practices)
    every_org = connection.execute(select(Organisation.id, Organisation.path)).all()
    return {
        board: [org_id for org_id, org_path in every_org if org_path.startswith(path)]
        for board, (_id, path) in boards.items()
    }


def _person(n: int, org_id: int, manager_id: int | None) -> dict[str, object]:
    return {"email": f"bench.person{n:05d}@example.nhs.wales", "name": f"Bench Person {n:05d}",
            "titles": ["Cluster lead" if manager_id is None else "Practice manager"], "organisation_id": org_id,
            "manager_id": manager_id, "is_admin": False, "slack_user_id": f"UB{n:07d}",
            "teams_id": f"29:bench-{n}"}  # fmt: skip


def _add_people(
    connection: Connection, rng: random.Random, boards: dict[str, list[int]], count: int
) -> list[tuple[int, int]]:
    """One lead per board (the manager of everyone else there), then the rest spread over the boards'
    organisations, a few national. Returns (person id, organisation id) for every generated person."""
    national = [
        org_id for (org_id,) in connection.execute(select(Organisation.id).where(Organisation.kind == "national_body"))
    ]
    board_codes = sorted(boards)
    leads = [_person(n, boards[code][0], None) for n, code in enumerate(board_codes)]
    connection.execute(insert(_table(Person)), leads)
    lead_ids = dict(zip(board_codes, _people_ids(connection, [str(p["email"]) for p in leads]), strict=True))
    rest = []
    for n in range(len(leads), count):
        board = rng.choice(board_codes)
        org_id = rng.choice(national) if rng.random() < 0.05 else rng.choice(boards[board])
        rest.append(_person(n, org_id, lead_ids[board]))
    _insert_batches(connection, _table(Person), rest)
    query = select(Person.id, Person.organisation_id).where(Person.email.like("bench.person%"))
    return [(id_, org_id) for id_, org_id in connection.execute(query.order_by(Person.id))]


def _people_ids(connection: Connection, emails: list[str]) -> list[int]:
    by_email = dict(connection.execute(select(Person.email, Person.id).where(Person.email.in_(emails))).all())
    return [by_email[email] for email in emails]


def _add_plans(connection: Connection, rng: random.Random, boards: dict[str, list[int]], count: int) -> list[int]:
    """Most plans belong to a health board; every eighth is national (owned by no single board)."""
    board_codes = sorted(boards)
    rows = [
        {"key": f"bench-{i:03d}", "name": f"Bench plan {i:03d}: {rng.choice(SUBJECTS)}", "programme": "Benchmark",
         "source": "bench/generate.py", "organisation_id": None if i % 8 == 0 else boards[board_codes[i % 7]][0]}
        for i in range(1, count + 1)
    ]  # fmt: skip
    connection.execute(insert(_table(Plan)), rows)
    return [id_ for (id_,) in connection.execute(select(Plan.id).where(Plan.key.like("bench-%")).order_by(Plan.key))]


def _plan_sizes(rng: random.Random, plans: int, actions: int) -> list[int]:
    """Plans differ in size (a few dozen to over a thousand actions) but add up to exactly `actions`."""
    weights = [rng.uniform(0.1, 2.0) for _ in range(plans)]
    total = sum(weights)
    sizes = [int(actions * w / total) for w in weights]
    for i in range(actions - sum(sizes)):
        sizes[i % plans] += 1
    return sizes


class FanOut:
    """Which generated actions every health board owes, and who owns each part: the whole goes to a national
    person (its organisation theirs), each board's delivery to a person of that board."""

    def __init__(
        self,
        connection: Connection,
        boards: dict[str, list[int]],
        people: list[tuple[int, int]],
        rng: random.Random,
        share: float,
        actions: int,
    ) -> None:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"fan-out share must be between 0 and 1, not {share}")
        self.rng = rng
        self.chosen = set(rng.sample(range(actions), k=round(actions * share)))
        national = set(
            connection.execute(select(Organisation.id).where(Organisation.kind == "national_body")).scalars()
        )
        self.national_people = [person for person in people if person[1] in national]
        # Each board's delivery is owned by someone working at the board itself, as the importer chooses
        # (people of the owing organisation); every board has at least its lead there.
        self.board_ids = {code: orgs[0] for code, orgs in sorted(boards.items())}
        self.board_people = {
            code: [pid for pid, org_id in people if org_id == board_id] for code, board_id in self.board_ids.items()
        }
        if self.chosen and (not self.national_people or not all(self.board_people.values())):
            raise ValueError("fan-out needs national people and people at every board")

    def whole(self, row: dict[str, object]) -> dict[str, object]:
        """The action as the importer leaves a roll-up: owned nationally, never prompted or updated itself."""
        owner_id, org_id = self.rng.choice(self.national_people)
        return {**row, "lead_text": "Health Boards", "owner_id": owner_id, "organisation_id": org_id,
                "is_rollup": True, "owed_by": "health_boards", "status": "not_started", "status_changed_at": None,
                "status_changed_by_id": None, "status_note": None}  # fmt: skip

    def deliveries(self, whole: dict[str, object], next_id: int) -> Iterator[dict[str, object]]:
        """One delivery per board, sharing the whole's wording and dates, with its own owner and status."""
        for n, (code, board_id) in enumerate(self.board_ids.items()):
            owner_id = self.rng.choice(self.board_people[code])
            status = _status(self.rng, whole["due_end"])  # type: ignore[arg-type]
            changed = None if status == "not_started" else _instant(self.rng)
            yield {
                **whole, "id": next_id + n, "ref": f"{whole['ref']}@{code}", "parent_id": whole["id"],
                "whole_id": whole["id"], "is_rollup": False, "owed_by": "", "owner_id": owner_id,
                "organisation_id": board_id, "status": status, "status_changed_at": changed,
                "status_changed_by_id": owner_id if changed else None,
                "status_note": "Agreed at the board meeting" if changed and self.rng.random() < 0.3 else None,
            }  # fmt: skip


def _add_actions(
    connection: Connection,
    rng: random.Random,
    plan_ids: list[int],
    people: list[tuple[int, int]],
    count: int,
    fan: FanOut,
) -> None:
    sizes = _plan_sizes(rng, len(plan_ids), count)
    recommendations = [
        {"plan_id": plan_id, "ref": str(r), "title": f"Recommendation {r}: {rng.choice(SUBJECTS)}"}
        for plan_id, size in zip(plan_ids, sizes, strict=True)
        for r in range(1, size // ACTIONS_PER_RECOMMENDATION + 2)
    ]
    _insert_batches(connection, _table(Recommendation), recommendations)
    rec_ids = {
        (p, r): i
        for i, p, r in connection.execute(select(Recommendation.id, Recommendation.plan_id, Recommendation.ref))
    }
    # Ids are given here rather than by the database, so that deliveries can name their whole without
    # reading ids back; a whole precedes its deliveries, so the parent row exists when they arrive.
    first_id = (connection.execute(select(func.max(Action.id))).scalar_one() or 0) + 1
    rows = _action_rows(rng, plan_ids, sizes, rec_ids, people, fan, first_id)
    _insert_batches(connection, _table(Action), shown(rows, what="action rows"))
    if connection.dialect.name == "postgresql":
        # Explicit ids leave the sequence behind; later inserts (the importer, tests) must not collide.
        connection.execute(text("SELECT setval(pg_get_serial_sequence('actions', 'id'), max(id)) FROM actions"))


def _action_rows(
    rng: random.Random,
    plan_ids: list[int],
    sizes: list[int],
    rec_ids: dict[tuple[int, str], int],
    people: list[tuple[int, int]],
    fan: FanOut,
    next_id: int,
) -> Iterator[dict[str, object]]:
    index = 0
    for plan_id, size in zip(plan_ids, sizes, strict=True):
        # A plan's actions are mostly owned by one team of people, as real plans are.
        team = rng.sample(people, k=min(len(people), rng.randint(15, 60)))
        for k in range(size):
            rec = str(k // ACTIONS_PER_RECOMMENDATION + 1)
            owner_id, org_id = rng.choice(team) if rng.random() < 0.9 else rng.choice(people)
            due = _due_window(rng)
            status = _status(rng, due["due_end"])  # type: ignore[arg-type]
            changed = None if status == "not_started" else _instant(rng)
            row: dict[str, object] = {
                "id": next_id, "plan_id": plan_id, "recommendation_id": rec_ids[(plan_id, rec)],
                "ref": f"{rec}.{k % ACTIONS_PER_RECOMMENDATION + 1}",
                "title": f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}", "lead_text": "Cluster leads",
                "owner_id": owner_id, "organisation_id": org_id, "expected_output": "Report to the programme board",
                **due, "status": status, "status_changed_at": changed,
                "status_changed_by_id": owner_id if changed else None,
                "status_note": "Agreed at the cluster meeting" if changed and rng.random() < 0.3 else None,
                "parent_id": None, "whole_id": None, "is_rollup": False, "owed_by": "",
            }  # fmt: skip
            next_id += 1
            if index in fan.chosen:
                whole = fan.whole(row)
                yield whole
                for delivery in fan.deliveries(whole, next_id):
                    yield delivery
                    next_id += 1
            else:
                yield row
            index += 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _due_window(rng: random.Random) -> dict[str, object]:
    """Due dates as the seed plans write them: mostly a month, sometimes a day, quarter or financial year;
    some ongoing ("From … onwards") or not yet dated ("TBC")."""
    year, month = rng.randint(2019, 2023), rng.randint(1, 12)
    start, end = date(year, month, 1), _month_end(year, month)
    roll = rng.random()
    window: dict[str, object] = {"due_raw": end.strftime("%B %Y"), "due_start": start, "due_end": end,
                                 "due_precision": "month", "open_ended": False, "due_understood": True}  # fmt: skip
    if roll < 0.15:
        day = date(year, month, rng.randint(1, 28))
        window.update(due_raw=day.strftime("%-d %B %Y"), due_start=day, due_end=day, due_precision="day")
    elif roll < 0.27:
        fy = year if month >= 4 else year - 1  # NHS financial year: Q1 is April to June
        quarter = ((month - 4) % 12) // 3 + 1
        first_month = ((month - 1) // 3) * 3 + 1
        window.update(due_raw=f"Q{quarter} {fy}/{(fy + 1) % 100:02d}", due_start=date(year, first_month, 1),
                      due_end=_month_end(year, first_month + 2), due_precision="quarter")  # fmt: skip
    elif roll < 0.33:
        fy = year if month >= 4 else year - 1
        window.update(due_raw=f"{fy}/{(fy + 1) % 100:02d}", due_start=date(fy, 4, 1), due_end=date(fy + 1, 3, 31),
                      due_precision="year")  # fmt: skip
    elif roll < 0.39:
        window.update(due_raw=f"From {start:%B %Y} onwards", due_end=None, open_ended=True)
    elif roll < 0.45:
        window.update(due_raw=rng.choice(("TBC", "Ongoing")), due_start=None, due_end=None, due_precision="none")
    elif roll < 0.46:
        window.update(due_raw="When the contract allows", due_start=None, due_end=None, due_precision="none",
                      due_understood=False)  # fmt: skip
    return window


def _status(rng: random.Random, due_end: date | None) -> str:
    table = PAST_STATUSES if due_end is not None and due_end < STATUS_AS_OF else FUTURE_STATUSES
    return rng.choices(list(table), weights=list(table.values()))[0]


def _instant(rng: random.Random) -> datetime:
    start = datetime(2019, 1, 1, tzinfo=UTC)
    return start + timedelta(seconds=rng.randint(0, int((datetime(2021, 5, 31, tzinfo=UTC) - start).total_seconds())))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL of a fresh, empty database")
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--fan-out",
        type=float,
        default=FAN_OUT,
        help="share of the actions owed by all 7 health boards (a whole plus 7 deliveries each)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.url, actions=args.actions, plans=args.plans, people=args.people, seed=args.seed,
                      fan_out=args.fan_out)  # fmt: skip
    print(f"Generated {args.actions:,} actions in {args.plans} plans for {args.people:,} people "
          f"in {time.perf_counter() - started:.1f} s: {describe(counts)}")  # fmt: skip


def describe(counts: dict[str, int]) -> str:
    return (f"{counts['wholes']:,} owed by every board ({counts['deliveries']:,} deliveries); "
            f"{counts['action_rows']:,} rows in actions")  # fmt: skip


if __name__ == "__main__":
    main()
