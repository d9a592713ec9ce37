"""The field corpus (real third-party pages, tests/data/field) and MediaWiki as the oracle of
what readers see: a local wiki per content language, made on first use and kept for the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.sandbox.mediawiki import require_packages
from tests.field.oracle import Oracle

FIELD = Path(__file__).resolve().parents[1] / "data" / "field"


@pytest.fixture(scope="session")
def oracle(tmp_path_factory):
    """``oracle("zh")``: the local wiki that renders wikitext as zh Wikipedia would (its language,
    namespaces, link trail and the Wikimedia family's interwikis)."""
    try:
        require_packages()
    except Exception as error:  # the test command installs them; a bare pytest run may not have
        pytest.fail(f"{error} (run the tests with: bash scripts/test)")
    wikis: dict[str, Oracle] = {}

    def for_language(language: str) -> Oracle:
        if language not in wikis:
            wikis[language] = Oracle.start(tmp_path_factory.mktemp(f"oracle-{language}"), language)
        return wikis[language]

    yield for_language
    for wiki in wikis.values():
        wiki.stop()
