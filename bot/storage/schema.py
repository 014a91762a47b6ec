"""Imports every table module so `Base.metadata` is complete (for Alembic and for tests). Every table lives
in the domain packages or in storage itself, so gathering them reaches nothing above this layer."""

from bot.directory import models as directory_models
from bot.escalation import models as escalation_models
from bot.governance import models as governance_models
from bot.plans import models as plan_models
from bot.plans import overdue_tables
from bot.storage import delivery, outbox, versions
from bot.storage.base import Base

metadata = Base.metadata
TABLE_MODULES = (
    directory_models,
    plan_models,
    overdue_tables,
    escalation_models,
    delivery,
    versions,
    outbox,
    governance_models,
)
