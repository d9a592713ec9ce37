"""Commands that need no wiki never import pywikibot (it reads its configuration when imported)."""

from __future__ import annotations

import subprocess
import sys


def test_file_commands_and_usage_errors_do_not_import_pywikibot(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text('[A](../Page/A.md "wikilink")', encoding="utf-8")
    script = (
        "import io, sys\n"
        "from bot.cli import main\n"
        "for argv in (['fix', sys.argv[1]], ['scan', sys.argv[1]], ['scan', '--format', 'titles', '-page:X']):\n"
        "    main(argv, stdout=io.StringIO(), stderr=io.StringIO(), environ={})\n"
        "print('pywikibot' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(page)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", result.stderr
