"""`/metrics` in Prometheus's text format. Each app has a registry of its own (never the process-wide one),
so several apps in one process (tests, benchmarks) count apart. Two kinds of figure: what this process
measures as it works (commands answered by name and outcome, with their latency; whether it holds the
scheduler's leader lock), and what the database holds at the moment of the scrape (bot/server/figures.py).
When the database does not answer, `milestones_database_up` is 0 and its figures are left out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.clock import Clock
from bot.server.figures import Figures, read_figures
from bot.storage.database import Database

log = logging.getLogger(__name__)


class AppMetrics:
    """The app's registry; also the commands' observer (commands/context.py)."""

    def __init__(self, database: Database, clock: Clock, leader_held: Callable[[], bool]) -> None:
        self.registry = CollectorRegistry()
        self.command_seconds = Histogram(
            "milestones_command_seconds",
            "Commands answered, by command and outcome (answered, refused, failed, stranger), and how long they took.",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.registry.register(DatabaseFigures(database, clock))
        self.registry.register(LeaderFigure(leader_held))

    def command_answered(self, command: str, outcome: str, seconds: float) -> None:
        self.command_seconds.labels(command, outcome).observe(seconds)

    async def endpoint(self, _: Request) -> Response:
        body = await run_in_threadpool(generate_latest, self.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)


class LeaderFigure:
    def __init__(self, leader_held: Callable[[], bool]) -> None:
        self.leader_held = leader_held

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "milestones_scheduler_leader",
            "1 while this process holds the scheduler's leader lock (it decides what is sent); 0 otherwise.",
            value=int(self.leader_held()),
        )


class DatabaseFigures:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        try:
            with self.database.unit_of_work() as session:
                figures = read_figures(session, self.clock)
        except SQLAlchemyError as problem:
            log.warning("metrics: database unavailable (%s)", type(problem).__name__)
            yield GaugeMetricFamily("milestones_database_up", "1 when the database answered this scrape.", value=0)
            return
        yield GaugeMetricFamily("milestones_database_up", "1 when the database answered this scrape.", value=1)
        yield from figure_metrics(figures)


def figure_metrics(figures: Figures) -> Iterator[Metric]:
    messages = GaugeMetricFamily("milestones_outbox_messages", "Outbox messages (prompts, check-ins, chasers, "
                                 "digests, alerts) by kind, platform and status (pending, sending, sent, failed).",
                                 labels=["kind", "platform", "status"])  # fmt: skip
    for kind, platform, status, count in figures.outbox.messages:
        messages.add_metric([kind, platform, status], count)
    yield messages
    yield GaugeMetricFamily("milestones_outbox_depth", "Outbox messages waiting to be delivered (pending or "
                            "sending).", value=figures.outbox.depth)  # fmt: skip
    yield GaugeMetricFamily("milestones_outbox_oldest_age_seconds", "Age of the oldest message still waiting; "
                            "0 when none waits.", value=figures.outbox.oldest_waiting_seconds)  # fmt: skip
    reports = GaugeMetricFamily("milestones_reports_today", "Organisations whose escalation report for today "
                                "(Europe/London) stands, by service.", labels=["service"])  # fmt: skip
    for service, count in figures.reports_today:
        reports.add_metric([service], count)
    yield reports
    refusals = CounterMetricFamily("milestones_identifier_refusals", "Texts refused because they held a patient "
                                   "identifier, by kind and source.", labels=["kind", "source"])  # fmt: skip
    for kind, source, count in figures.refusals:
        refusals.add_metric([kind, source], count)
    yield refusals
