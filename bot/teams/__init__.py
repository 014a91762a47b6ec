"""The Microsoft Teams surface (Teams SDK for Python, `microsoft-teams-apps`)."""

import warnings

# Importing the SDK announces a preview feature we do not use (HTML widgets); without this every
# `milestones-bot` command, `say` included, would print it.
warnings.filterwarnings("ignore", message=r"HtmlWidgetSecurityPolicy is in preview")
