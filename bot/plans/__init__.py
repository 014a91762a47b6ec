"""Plans, their actions and the listings of them. Importing the package registers the overdue snapshot's
upkeep with every session (bot/plans/overdue_upkeep.py), so no process can write actions without it."""

from bot.plans import overdue_upkeep as _overdue_upkeep  # noqa: F401
