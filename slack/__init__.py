"""The Slack app manifest, installed as the package `milestones_slack_app` (see setup.py) so that
`milestones-bot slack manifest` works from a plain install."""
