"""Running the scheduler inside a process: APScheduler cron triggers in Europe/London while this process
is the leader, plus an outbox sender in every process."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import LONDON, Clock, london_today
from bot.config import Settings
from bot.delivery.pacing import Pacer
from bot.delivery.port import ChatPort
from bot.storage.database import Database
from scheduler.jobs import DailyJob, Decide, alert_scan, catch_up, daily_jobs, keep_overdue_snapshot, run_decision
from scheduler.leader import LeaderLock
from scheduler.presence import SenderPresence
from scheduler.sender import Sender

log = logging.getLogger(__name__)


def build_scheduler(*, database: Database, clock: Clock, settings: Settings) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=LONDON)

    def run(decide: Decide) -> None:
        with database.unit_of_work() as session:
            run_decision(session=session, decide=decide, clock=clock, settings=settings)

    def run_if_due(job: DailyJob) -> None:
        if job.runs_on(london_today(clock)):  # a weekly job may move off a bank holiday
            run(job.decide)

    for job in daily_jobs(settings):
        trigger = CronTrigger(hour=job.at.hour, minute=job.at.minute, timezone=LONDON)
        # A job late by under an hour (a busy or paused process) still runs; longer gaps are the catch-up's.
        scheduler.add_job(run_if_due, trigger, args=[job], id=job.name, coalesce=True, misfire_grace_time=3600)
    every = {"level_alerts": (alert_scan, settings.alert_scan_seconds),
             "overdue_snapshot_check": (keep_overdue_snapshot, settings.overdue_snapshot_check_seconds)}  # fmt: skip
    for name, (decide, seconds) in every.items():
        trigger = IntervalTrigger(seconds=seconds, timezone=LONDON)
        scheduler.add_job(run, trigger, args=[decide], id=name, coalesce=True, max_instances=1)
    return scheduler


@dataclass
class SchedulerService:
    """Started and stopped with the server. Every process sends; only the leader decides."""

    database: Database
    clock: Clock
    settings: Settings
    ports: Sequence[ChatPort]
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lock = LeaderLock(self.database)
        self.presence = SenderPresence(self.database)
        pacer = Pacer(senders=self.presence.senders)
        self.sender = Sender(self.database, self.ports, self.clock, self.settings, worker=self.worker, pacer=pacer)
        self.scheduler: BackgroundScheduler | None = None

    def start(self) -> None:
        self.presence.join()
        for target, name in ((self._lead, "scheduler-leader"), (self.sender.run_forever, "outbox-sender")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self.sender.stop()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        self.presence.leave()

    @property
    def is_leader(self) -> bool:
        return self.scheduler is not None

    def _lead(self) -> None:
        while not self._stop.is_set():
            try:
                self._step()
            except Exception:  # the database went away: try again on the next round
                log.exception("scheduler leader round failed")
            self._stop.wait(self.settings.leader_retry_seconds)
        self._resign()

    def _step(self) -> None:
        if self.scheduler is not None:
            if not self.lock.still_held():
                self._resign()
            return
        if self.lock.try_acquire():
            log.info(
                "%s is the scheduler leader; caught up: %s",
                self.worker,
                catch_up(database=self.database, clock=self.clock, settings=self.settings),
            )
            self.scheduler = build_scheduler(database=self.database, clock=self.clock, settings=self.settings)
            self.scheduler.start()

    def _resign(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        self.lock.release()
