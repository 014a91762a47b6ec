"""What may reach the log, and in what shape. Every record is one line (newlines and carriage returns in
a message or a traceback are escaped), so text someone typed cannot forge a log line; Bolt never logs a
request body (it logs unverified bodies at INFO, whatever their size); the access log shows signed dashboard
addresses without their signature, which would otherwise let anyone who reads the log open the link."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

SIGNATURE_IN_QUERY = re.compile(r"([?&]sig=)[^&\s\"]*")
BOLT_LOGGER = "milestones.slack.bolt"


class SingleLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return escape_lines(super().format(record))


class JsonFormatter(logging.Formatter):
    """LOG_FORMAT=json: one JSON object a line, for log collectors. JSON escapes newlines itself, so a record
    is one line here too."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            # The record's own creation time, which the logging module stamps (not a domain clock's "now").
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def escape_lines(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def without_signature(text: str) -> str:
    return SIGNATURE_IN_QUERY.sub(r"\1[withheld]", text)


class AccessLogSignatures(logging.Filter):
    """uvicorn's access record carries the path and query in its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(without_signature(a) if isinstance(a, str) else a for a in record.args)
        return True


class NoRequestBodies(logging.Filter):
    """Keeps what Bolt says about a request and drops the body it appends ("…, body: {…})")."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cut = re.search(r"body", message, re.IGNORECASE)
        if cut is not None:
            record.msg, record.args = message[: cut.start()] + "body withheld", None
        return True


def bolt_logger() -> logging.Logger:
    """The logger handed to Bolt: warnings and errors only, and never a body. Bolt copies its level and
    filters onto every logger it makes for itself."""
    logger = logging.getLogger(BOLT_LOGGER)
    logger.setLevel(max(logging.WARNING, logging.getLogger().getEffectiveLevel()))
    if not any(isinstance(f, NoRequestBodies) for f in logger.filters):
        logger.addFilter(NoRequestBodies())
    return logger
