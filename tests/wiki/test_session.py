"""pywikibot's own files (logs/, throttle.ctrl) never land in the folder linkbot was started from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
from pathlib import Path
from bot.wiki.session import load_pywikibot
pywikibot = load_pywikibot(files_dir=Path("{files}"))
from pywikibot import config
print(config.base_dir)
print(config.datafilepath("throttle.ctrl"))
"""


def test_without_a_pywikibot_folder_its_files_go_to_the_state_folder(tmp_path):
    started_in, files = tmp_path / "cwd", tmp_path / "state" / "linkbot" / "pywikibot"
    started_in.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYWIKIBOT_DIR"}
    env.update(HOME=str(tmp_path / "home"), PYWIKIBOT_NO_USER_CONFIG="1", PYTHONPATH=str(ROOT))
    probe = subprocess.run([sys.executable, "-c", PROBE.format(files=files)], cwd=started_in, env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    base_dir, throttle = probe.stdout.splitlines()[-2:]
    assert base_dir == str(files) and throttle == str(files / "throttle.ctrl")
    assert list(started_in.iterdir()) == []  # logs/ follows base_dir when pywikibot writes it


def test_a_configured_pywikibot_folder_is_kept(tmp_path):
    folder = tmp_path / "pywikibot"
    folder.mkdir()
    (folder / "user-config.py").write_text("family = 'wikipedia'\nmylang = 'zh'\n", encoding="utf-8")
    env = dict(os.environ, PYWIKIBOT_DIR=str(folder), PYTHONPATH=str(ROOT))
    env.pop("PYWIKIBOT_NO_USER_CONFIG", None)
    probe = subprocess.run([sys.executable, "-c", PROBE.format(files=tmp_path / "elsewhere")], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.splitlines()[-2] == str(folder) and not (tmp_path / "elsewhere").exists()
