"""The Slack surface: slash commands, prompts answered by clicking, App Home, and the Slack chat port."""
