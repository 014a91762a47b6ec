"""Imports every table module so `Base.metadata` is complete (for Alembic and for tests)."""

from bot.directory import models as directory_models
from bot.escalation import models as escalation_models
from bot.governance import models as governance_models
from bot.plans import models as plan_models
from bot.storage import delivery, versions
from bot.storage.base import Base
from scheduler import models as scheduler_models

metadata = Base.metadata
TABLE_MODULES = (directory_models, plan_models, escalation_models, delivery, versions, scheduler_models,
                 governance_models)  # fmt: skip
