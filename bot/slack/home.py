"""The App Home tab: the person's home (commands/home.py) rendered as a Slack view, each part within its own
share of Slack's block limit. Rebuilt from the database each time the tab is opened."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import MAX_VIEW_BLOCKS, Block, reply_blocks
from commands.access import stranger
from commands.context import CommandContext
from commands.home import home_parts

# Enough room for each part (actions, services, team) to show a useful page without the whole view passing
# Slack's 100 blocks.
PART_BLOCKS = (50, 20, 20)


def home_blocks(ctx: CommandContext) -> list[Block]:
    if ctx.actor is None:
        return reply_blocks(stranger())
    blocks: list[Block] = []
    for reply, budget in zip(home_parts(ctx, ctx.actor), PART_BLOCKS, strict=False):
        blocks.extend(reply_blocks(reply, max_blocks=budget))
        blocks.append({"type": "divider"})
    return blocks[:MAX_VIEW_BLOCKS]


def home_view(ctx: CommandContext) -> dict[str, Any]:
    return {"type": "home", "blocks": home_blocks(ctx)}
