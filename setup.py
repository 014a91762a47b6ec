"""Everything about the package is in pyproject.toml except what it cannot say: the files people edit stay in
top-level folders (data/, teams/, slack/) and are installed as packages of their own, which needs a
package-dir mapping beside the discovered packages. The code reads them through importlib.resources."""

import sys
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

# Installed package name -> the top-level folder that is its source of truth.
SHIPPED_FOLDERS = {"milestones_data": "data", "milestones_teams_app": "teams", "milestones_slack_app": "slack"}


def shipped_packages() -> list[str]:
    names = []
    for package, folder in SHIPPED_FOLDERS.items():
        names.append(package)
        names.extend(f"{package}.{sub}" for sub in find_namespace_packages(where=folder))
    return names


class BuildWithCatalogs(build_py):
    """Compiles the Welsh catalogs (every area's .po file) into milestones.mo inside the build, so an installed
    bot reads the compiled catalog and never parses .po files when it starts."""

    def run(self) -> None:
        super().run()
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bot.i18n.catalogs import DOMAIN, compiled_bytes

        target = Path(self.build_lib) / "bot" / "i18n" / "locale" / "cy" / "LC_MESSAGES" / f"{DOMAIN}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compiled_bytes("cy"))


setup(
    cmdclass={"build_py": BuildWithCatalogs},
    packages=[*find_namespace_packages(include=["bot*", "commands*", "scheduler*"]), *shipped_packages()],
    package_dir=SHIPPED_FOLDERS,
)
