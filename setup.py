"""Everything about the package is in pyproject.toml except one thing it cannot say: the shipped data stays
at the top level in data/ (where people edit it) and is installed as the package `milestones_data`, which
needs a package-dir mapping beside the discovered packages. Read it through bot.config.shipped_data_dir."""

from setuptools import find_namespace_packages, setup

SHIPPED_DATA = "milestones_data"

setup(
    packages=[
        *find_namespace_packages(include=["bot*", "commands*", "scheduler*"]),
        SHIPPED_DATA,
        *(f"{SHIPPED_DATA}.{folder}" for folder in find_namespace_packages(where="data")),
    ],
    package_dir={SHIPPED_DATA: "data"},
)
