"""Words for the pack's states, in the reader's language."""

from __future__ import annotations

from bot.i18n import N_, _
from bot.plans.delivery_progress import BUCKET_LABELS

OCCURRENCE_LABELS = {"received": N_("Received"), "missing": N_("Missing"), "due_later": N_("Not due yet")}
DROPPED = N_("Dropped")


def state_label(state: str) -> str:
    """A status, delivery bucket or occurrence state (never `_("")`, which is the catalog's header)."""
    if not state:
        return ""
    if state == "dropped":
        return _(DROPPED)
    return _(BUCKET_LABELS.get(state) or OCCURRENCE_LABELS.get(state) or state)
