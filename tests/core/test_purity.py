"""The core is pure: it imports without pywikibot, and analyzing a page opens no file and no socket."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_core_imports_and_runs_without_pywikibot():
    result = _run(
        """
        import sys
        sys.modules["pywikibot"] = None  # any import of pywikibot now raises ImportError
        import bot.core
        from bot.core import analyze, ZH_WIKIPEDIA
        text = open("seeds/001_7e93bf9fd9f8118a.txt", encoding="utf-8").read()
        assert analyze(text, ZH_WIKIPEDIA).changes
        loaded = [name for name in sys.modules if name.startswith(("pywikibot", "requests"))]
        assert not [n for n in loaded if sys.modules[n] is not None], loaded
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_analyze_touches_no_disk_and_no_network():
    result = _run(
        """
        import sys
        from bot.core import analyze, ZH_WIKIPEDIA
        text = open("seeds/001_7e93bf9fd9f8118a.txt", encoding="utf-8").read()
        analyze("[計算機系統](../Page/计算机.md)", ZH_WIKIPEDIA)  # warm up: lazy imports, OpenCC data
        events = []
        def audit(event, args):
            if event == "open" and str(args[0]).endswith((".py", ".pyc", ".so")):
                return  # a lazy module import is code loading, not data I/O
            if event in ("open", "socket.connect", "socket.getaddrinfo", "subprocess.Popen", "os.listdir"):
                events.append((event, args[:1]))
        sys.addaudithook(audit)
        analyze(text, ZH_WIKIPEDIA)
        analyze("[計算機系統](../Page/计算机.md) [a](https://en.wikipedia.org/wiki/B)", ZH_WIKIPEDIA)
        print(events)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_core_modules_do_not_import_io_layers():
    for path in (ROOT / "bot" / "core").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for forbidden in ("import pywikibot", "import requests", "import socket", "open(", "Path("):
            assert forbidden not in source, f"{path.name} uses {forbidden}"


def test_analysis_leaves_the_garbage_collector_as_it_found_it(zh):
    import gc

    from bot.core import analyze

    assert gc.isenabled()
    analyze('[A](../Page/A.md "wikilink")', zh)
    assert gc.isenabled()
    gc.disable()
    try:
        analyze('[A](../Page/A.md "wikilink")', zh)
        assert not gc.isenabled()
    finally:
        gc.enable()
