"""The Teams app package's sources (manifest and icons), installed as the package `milestones_teams_app` (see
setup.py) so that `milestones-bot teams package` works from a plain install. Every file beside this one
that is not Python is shipped."""
