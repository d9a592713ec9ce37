"""pyproject.toml names every package under bot/ (setuptools' discovery is off: seeds/, config/
and tests/ sit beside it), so a non-editable install is whole."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_declared():
    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "bot").rglob("__init__.py")
    }
    assert declared == on_disk


def test_every_template_is_package_data():
    """The HTML templates and the wiki template ship with a non-editable install too."""
    from fnmatch import fnmatch

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["bot.present"]
    templates = ROOT / "bot" / "present" / "templates"
    files = [path.relative_to(templates.parent).as_posix() for path in templates.iterdir()]
    assert files and all(any(fnmatch(name, pattern) for pattern in patterns) for name in files)
