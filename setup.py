"""Everything about the package is in pyproject.toml except what it cannot say: the files people edit stay in
top-level folders (data/, teams/, slack/) and are installed as packages of their own, which needs a
package-dir mapping beside the discovered packages. The code reads them through importlib.resources."""

from setuptools import find_namespace_packages, setup

# Installed package name -> the top-level folder that is its source of truth.
SHIPPED_FOLDERS = {"milestones_data": "data", "milestones_teams_app": "teams", "milestones_slack_app": "slack"}


def shipped_packages() -> list[str]:
    names = []
    for package, folder in SHIPPED_FOLDERS.items():
        names.append(package)
        names.extend(f"{package}.{sub}" for sub in find_namespace_packages(where=folder))
    return names


setup(
    packages=[*find_namespace_packages(include=["bot*", "commands*", "scheduler*"]), *shipped_packages()],
    package_dir=SHIPPED_FOLDERS,
)
