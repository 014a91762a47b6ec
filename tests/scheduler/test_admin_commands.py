"""`/milestones admin failed` and `/milestones admin unreachable`, over real failed outbox rows."""

from __future__ import annotations

from datetime import date

from bot.delivery.port import DeliveryFailed
from scheduler.jobs import daily_jobs
from scheduler.sender import Sender
from tests.helpers import ADMIN, person, say, text_of
from tests.scheduler.simulation import Simulation
from tests.scheduler.test_sender import FlakyPort

DAY = date(2021, 5, 4)


def _deliver_checkins(sim: Simulation, port: FlakyPort) -> None:
    sim.at(DAY, sim.settings.checkin_time)
    checkin = next(job for job in daily_jobs(sim.settings) if job.name == "checkin")
    sim.decide(checkin.decide)
    Sender(sim.database, [port], sim.clock, sim.settings, worker="admin-test").drain()


def test_admins_see_unreachable_people_and_others_are_refused(sim: Simulation) -> None:
    _deliver_checkins(sim, FlakyPort(reachable=False))
    with sim.database.unit_of_work() as session:
        reply = text_of(say(session, sim.clock, "/milestones admin unreachable", person(session, ADMIN)))
        # 28 check-ins, 24 reporters: twenty a page
        assert reply.splitlines()[0] == "24 people no chat platform can reach, page 1 of 2"
        assert "… 4 more: `/milestones admin unreachable page:2`" in reply
        rest = text_of(say(session, sim.clock, "/milestones admin unreachable page:2", person(session, ADMIN)))
        assert rest.splitlines()[0] == "24 people no chat platform can reach, page 2 of 2"
        assert "Nerys Awbery · 3 messages undelivered, last for 4 May 2021" in reply + rest
        assert len(set(reply.splitlines()[1:21] + rest.splitlines()[1:5])) == 24
        assert text_of(say(session, sim.clock, "admin failed", person(session, ADMIN))) == "No messages have failed."
        someone = person(session, "nerys.awbery@example.nhs.wales")
        assert say(session, sim.clock, "admin unreachable", someone).title == (
            "Only administrators can see delivery problems and unowned actions."
        )


def test_admins_see_messages_that_failed_after_retries(sim: Simulation) -> None:
    _deliver_checkins(sim, FlakyPort(failures=[DeliveryFailed("slack: channel_not_found", permanent=True)]))
    with sim.database.unit_of_work() as session:
        reply = say(session, sim.clock, "admin failed", person(session, ADMIN))
    assert reply.title == "1 message failed after retries"
    assert "for 4 May 2021 · 1 attempt · slack: channel_not_found" in text_of(reply)
    assert text_of(reply).count("checkin to ") == 1


def test_admin_needs_a_topic(sim: Simulation) -> None:
    with sim.database.unit_of_work() as session:
        reply = say(session, sim.clock, "admin everything", person(session, ADMIN))
    assert reply.title == (
        "Say which: `admin failed`, `admin unreachable`, `admin unowned`, `admin undated` or `admin identifiers`."
    )
