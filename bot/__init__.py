"""milestones-bot: plans, actions and escalation reporting for primary care, over Slack, Teams and a console."""
