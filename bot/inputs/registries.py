"""Member-list registries on disk: ``config/lists/*.toml`` (read with tomllib, written with tomli-w)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from bot.core.registry import (
    MemberList,
    member_list_from_dict,
    member_list_to_dict,
)
from bot.errors import ConfigError

DEFAULT_FOLDER = Path("config") / "lists"


def registry_folder(config_path: str) -> Path:
    """``lists/`` beside the config file in use, else ``config/lists`` in the current folder."""
    return Path(config_path).parent / "lists" if config_path else DEFAULT_FOLDER


def load_registry(path: Path) -> MemberList:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such member-list registry") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the registry: {error}") from None
    return member_list_from_dict(data, str(path))  # a RegistryError is a ConfigError: exit 3


def load_named(name: str, folder: Path) -> MemberList:
    path = Path(name) if name.endswith(".toml") else folder / f"{name}.toml"
    return load_registry(path)


def load_all(folder: Path) -> list[MemberList]:
    return [load_registry(path) for path in sorted(folder.glob("*.toml"))] if folder.is_dir() else []


def for_page(registries: list[MemberList], title: str) -> MemberList | None:
    normalized = title.replace("_", " ").strip()
    return next((r for r in registries if normalized in {p.replace("_", " ").strip() for p in r.pages}), None)


def dump_registry(member_list: MemberList) -> str:
    header = (
        f"# Member-list registry {member_list.name!r}: the authoritative members of each section.\n"
        "# Edit it to add or remove members; linkbot proposes the page updates (see README, Member lists).\n"
    )
    return header + tomli_w.dumps(member_list_to_dict(member_list))
