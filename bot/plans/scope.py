"""Which actions an organisation's view covers: those of its subtree. The top organisation (Wales) covers
every action, including actions no organisation holds yet (imported without one, nobody owning them), so
that the all-Wales export and dashboard list every row of the table."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from bot.directory.models import Organisation
from bot.plans.models import Action


def covered_by(root: Organisation) -> ColumnElement[bool]:
    """A condition on actions outer-joined to Organisation on Action.organisation_id."""
    in_subtree = Organisation.path.startswith(root.path)
    return or_(in_subtree, Action.organisation_id.is_(None)) if root.parent_id is None else in_subtree
