"""Reader for the ``.cases`` files: mwparserfromhell's ``.mwtest`` format, extended.

Each case is a block of ``key: value`` lines ending with ``---``; values are Python
literals (strings with escapes, booleans). Keys: name, label, input, output, and
name and label are plain text; optionally site (a Wikipedia host), skip (a skip reason the page must report),
review (whether the changes need review), rule (the rule of every change and skip),
rules (the rules to run, as ``--rules`` takes them; default: the default rules), mirror_forms
(where Markdown forms are repaired, as ``[rules] mirror_forms`` takes it; default ``always``: a case
is a fragment of a mirror page, and the mirror's marks are tested in page-kind.cases; other tools'
cases are ordinary wikitext pages and say ``auto``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

CASES = Path(__file__).parent / "cases"


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    input: str
    output: str
    label: str = ""
    site: str = "zh.wikipedia.org"
    skip: str | None = None
    review: bool | None = None
    rule: str | None = None
    rules: str = "default"  # the rules to run, as --rules takes them
    mirror_forms: str = "always"  # where Markdown forms are repaired (bot.core.pagekind)

    @property
    def id(self) -> str:
        return f"{self.file}:{self.name}"


def load_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CASES.glob("*.cases")):
        cases.extend(_parse(path))
    return cases


def _parse(path: Path) -> list[Case]:
    cases: list[Case] = []
    fields: dict[str, object] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.strip() == "---":
            cases.append(Case(file=path.stem, **fields))  # type: ignore[arg-type]
            fields = {}
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"{path}:{number}: expected 'key: value'")
        if key.strip() in ("name", "label"):
            fields[key.strip()] = value.strip()
            continue
        try:
            fields[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError) as error:
            raise ValueError(f"{path}:{number}: bad value: {error}") from None
    if fields:
        raise ValueError(f"{path}: last case is not closed with ---")
    return cases
