"""Complete lists: every row of `overdue`, `due`, `mine` and `admin unowned` is reachable by following the
"more" line's command, page after page; unknown plans are refused; nobody-owned actions are listed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.plans.importer import import_plan
from bot.plans.listing import ActionFilter, overdue_actions
from bot.plans.reading import read_plan_file
from bot.plans.service import actions_owned_by
from bot.storage.database import Database
from commands.replies import Reply, Text
from tests.helpers import ADMIN, person, say, text_of

NOW = datetime(2021, 1, 15, 9, 0, tzinfo=UTC)
NEXT = re.compile(r"`(/milestones [^`]+)`")


def labels(reply: Reply) -> list[str]:
    """The action references a reply lists (each list line starts with one, in code style)."""
    return [
        piece.text
        for section in reply.sections
        for ln in section.lines
        if isinstance(piece := ln[0], Text) and piece.style == "code"
    ]


def follow(session: Session, clock: FixedClock, text: str, actor: object = None) -> list[str]:
    """Every label shown by `text` and by each next page its "more" line names, in order."""
    seen: list[str] = []
    pages = 0
    while text:
        reply = say(session, clock, text, actor)  # type: ignore[arg-type]
        assert reply.tone != "refusal", text_of(reply)
        seen += labels(reply)
        more = [s.more for s in reply.sections if s.more]
        text = NEXT.search(more[-1]).group(1) if more else ""  # type: ignore[union-attr]
        pages += 1
        assert pages < 50, "the pages never end"
    return seen


def import_csv(session: Session, tmp_path: Path, key: str, rows: list[tuple[str, str, str]]) -> None:
    path = tmp_path / f"{key}.csv"
    path.write_text("Ref,Action,Lead,Timeline\n" + "".join(f"{r},{a},{lead},{t}\n" for r, a, lead, t in
                                                            [(i + 1, *row) for i, row in enumerate(rows)]))  # fmt: skip
    import_plan(session=session, plan_file=read_plan_file(path, key=key, name=f"Plan {key}", overrides={}), now=NOW)


def test_one_plans_overdue_pages_name_the_next_command_and_reach_every_row(
    seeded_db: Database, clock: FixedClock
) -> None:
    with seeded_db.unit_of_work() as session:
        first = say(session, clock, "overdue plan:esr", None)
        assert first.title == "Overdue actions for plan esr, page 1 of 2"
        assert first.sections[0].more == "… 2 more: `/milestones overdue plan:esr page:2`"
        every = follow(session, clock, "overdue plan:esr")
        assert len(every) == len(set(every)) == 7
        assert every[0] == "esr/1.a" and every[-2:] == ["esr/1.d", "esr/10.e"]  # oldest first, across pages
        beyond = say(session, clock, "overdue plan:esr page:3", None)
        assert beyond.title == "There is no page 3: 7 overdue actions fill 2 pages."
        assert "`/milestones overdue plan:esr`" in text_of(beyond)


def test_the_grouped_list_points_into_each_plan_and_every_row_is_reached(
    seeded_db: Database, clock: FixedClock
) -> None:
    with seeded_db.unit_of_work() as session:
        grouped = say(session, clock, "overdue", None)
        esr = next(s for s in grouped.sections if "(esr)" in (s.heading or ""))
        assert esr.more == "… and 2 more in this plan: `/milestones overdue plan:esr page:2`"
        reached = set(labels(grouped))
        for section in grouped.sections:
            if section.more:
                reached |= set(follow(session, clock, NEXT.search(section.more).group(1)))  # type: ignore[union-attr]
        # Every line the footer counts is reached (a line stands for all of one action's overdue parts).
        assert grouped.footer is not None
        assert grouped.footer.startswith(f"{len(reached)} overdue actions (") and len(reached) > 30


def test_plans_beyond_the_first_page_are_on_the_next(seeded_db: Database, clock: FixedClock, tmp_path: Path) -> None:
    with seeded_db.unit_of_work() as session:
        seed_plans = overdue_actions(session=session, today=clock.now().date(), flt=ActionFilter()).plans_total
        for n in range(9 - seed_plans):  # 9 plans with overdue actions in all, one more than a page holds
            import_csv(session, tmp_path, f"extra{n}", [("Open the hub", "Nobody in particular", f"June 201{n}")])
        first = say(session, clock, "overdue", None)
        assert first.title == "Overdue actions, page 1 of 2" and len([s for s in first.sections if s.heading]) == 8
        assert first.footer is not None and "(1 more plan: `/milestones overdue page:2`)" in first.footer
        second = say(session, clock, "overdue page:2", None)
        # Plans come in order of their oldest overdue deadline: the seed plan with the latest one is last.
        headings = [s.heading or "" for s in second.sections if s.heading]
        assert len(headings) == 1 and "(pcmw-2020-21) — " in headings[0]
        assert "page 2 of 2" in second.title and "more plan" not in (second.footer or "")
        assert say(session, clock, "overdue page:3", None).tone == "refusal"


def test_a_mistyped_plan_is_refused_with_close_matches(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        typo = say(session, clock, "overdue plan:esrr org:cvuhb", None)
        assert typo.tone == "refusal" and typo.title == "There is no plan `esrr`."
        assert "Did you mean `/milestones overdue plan:esr org:cvuhb`?" in text_of(typo)
        nothing_close = say(session, clock, "overdue plan:zzzzzz", None)
        assert "Nothing is overdue" not in text_of(nothing_close)
        plans = "`cluster-planning`, `escalation-framework`, `esr`, `pacesetter`, `pcmw-2020-21`"
        assert f"Plans are: {plans}." in text_of(nothing_close)
        assert say(session, clock, "overdue plan:ESR", None).title.startswith("Overdue actions for plan ESR")


def test_due_and_mine_page_too(seeded_db: Database, clock: FixedClock, tmp_path: Path) -> None:
    with seeded_db.unit_of_work() as session:
        import_csv(session, tmp_path, "busy", [(f"Step {n}", "Nobody", "February 2021") for n in range(35)])
        due = say(session, clock, "due 60d", None)
        assert due.sections[0].more is not None and due.sections[0].more.endswith("`/milestones due 60d page:2`")
        assert len(set(follow(session, clock, "due 60d"))) == len(follow(session, clock, "due 60d")) > 30
        owner = person(session, "cai.ynyr@example.nhs.wales")  # Cardiff and Vale's deliveries: two pages
        mine = follow(session, clock, "mine", owner)
        assert len(mine) == len(set(mine)) == len(actions_owned_by(session=session, person=owner)) > 20
        assert "page 1 of 2" in say(session, clock, "mine", owner).title


def test_admins_see_actions_nobody_owns_page_by_page(seeded_db: Database, clock: FixedClock, tmp_path: Path) -> None:
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        # The seed has some: leads its documents do not state (pacesetter) and parts nobody holds yet.
        seeded = len(follow(session, clock, "admin unowned", admin))
        import_csv(session, tmp_path, "orphans", [(f"Task {n}", "A committee to be formed", "TBC") for n in range(25)])
        total = seeded + 25
        first = say(session, clock, "admin unowned", admin)
        pages = -(-total // 20)
        assert first.title == f"{total} actions with no owner yet, page 1 of {pages}"
        assert first.sections[0].more == f"… {total - 20} more: `/milestones admin unowned page:2`"
        shown = follow(session, clock, "admin unowned", admin)
        assert len(set(shown)) == total and sum(label.startswith("orphans/") for label in shown) == 25
        pages_text = [text_of(say(session, clock, f"admin unowned page:{n}", admin)) for n in range(1, pages + 1)]
        assert any("A committee to be formed" in text for text in pages_text)  # each line shows the lead
        refused = say(session, clock, "admin unowned", person(session, "berian.lougher@example.nhs.wales"))
        assert refused.tone == "refusal" and "Only administrators" in refused.title
