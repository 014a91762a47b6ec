"""The shipped plans, directory and escalation framework, installed as the package `milestones_data` (see
setup.py), so that a plain `pip install` carries them. Only the YAML files beside this one are data."""
