"""The command line, run in process through ``main(argv, stdout, stderr, environ)``, and as a real process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import EXIT_CHANGES, EXIT_CONFIG, EXIT_INPUT, EXIT_OK, EXIT_USAGE, main
from bot.queue.store import Database

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
NEW_SEED = SEEDS / "001_7e93bf9fd9f8118a.txt"
GOLDEN = ROOT / "tests" / "data" / "golden"


def run(*argv: str, environ: dict | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, environ=environ or {})
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def bad_inputs(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"abc\x00def")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 [a](../Page/A.md)".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "good.txt").write_text('[A](../Page/A.md "wikilink")\n', encoding="utf-8")
    return tmp_path


def test_fix_prints_the_repaired_page():
    code, out, err = run("fix", str(NEW_SEED))
    assert code == EXIT_OK
    assert out == (GOLDEN / "001_7e93bf9fd9f8118a.expected.txt").read_text(encoding="utf-8")
    assert "changed 311 change(s), 0 left alone" in err


def test_fix_check_exit_codes_and_silence(tmp_path):
    assert run("fix", "--check", str(NEW_SEED)) == (EXIT_CHANGES, "", "")  # silent, as documented
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(run("fix", str(NEW_SEED))[1], encoding="utf-8")
    assert run("fix", "--check", str(fixed)) == (EXIT_OK, "", "")


# The options that mean something to each command; every one has help text.
SHARED_OPTIONS = {
    "fix": {"--config", "--site", "--rules", "--color", "--max-page-kb", "--max-analysis-seconds"},
    "scan": {"--config", "--site", "--rules", "--color", "--max-page-kb", "--max-analysis-seconds", "--queue", "--log-format"},
    "list": {"--config", "--queue"},
    "show": {"--config", "--queue", "--color"},
    "approve": {"--config", "--queue"},
    "reject": {"--config", "--queue"},
    "report": {"--config", "--queue"},
    "review": {"--config", "--queue", "--color"},
    "serve": {"--config", "--queue"},
    "apply": {"--config", "--rules", "--max-page-kb", "--max-analysis-seconds", "--queue", "--log-format", "--color"},
    "run": {"--config", "--rules", "--max-page-kb", "--max-analysis-seconds", "--queue", "--log-format"},
    "template": {"--config", "--queue", "--log-format"},
    "members": {"--config", "--site"},
    "runs": {"--config", "--queue"},
    "undo": {"--config", "--queue", "--log-format"},
    "stats": {"--config", "--queue"},
    "sandbox": {"--config"},
}
SHARED = {"--config", "--site", "--rules", "--color", "--max-page-kb", "--max-analysis-seconds", "--queue", "--log-format"}


@pytest.mark.parametrize("command", sorted(SHARED_OPTIONS))
def test_each_command_offers_its_own_options_each_with_help(command):
    import argparse

    from bot.commands.parser import build_parser

    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser = subparsers.choices[command]
    options = {flag for action in parser._actions for flag in action.option_strings if flag.startswith("--")}
    assert options & SHARED == SHARED_OPTIONS[command]
    for action in parser._actions:
        if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            assert action.help, f"{command} {action.option_strings or action.dest} has no help"


def test_fix_diff():
    code, out, _ = run("fix", "--diff", str(NEW_SEED))
    assert code == EXIT_OK
    assert out.startswith(f"--- a/{NEW_SEED}\n+++ b/{NEW_SEED}\n@@ ")
    assert "\x1b[" not in out  # not a terminal: no color


def test_fix_reads_stdin_as_a_process():
    process = subprocess.run(
        [sys.executable, "-m", "bot", "fix", "-", "--quiet"],
        input='见[A](../Page/A.md "wikilink")。'.encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout.decode() == "见[[A]]。"
    assert process.stderr == b""


def test_console_script_is_installed():
    linkbot = Path(sys.executable).with_name("linkbot")
    process = subprocess.run([str(linkbot), "--version"], capture_output=True, text=True, timeout=60)
    assert process.returncode == 0 and process.stdout.startswith("linkbot ")


def test_scan_text_report():
    code, out, _ = run("scan", str(SEEDS))
    assert code == EXIT_OK
    assert out.count("+++ b/") == 2
    assert "2 page(s): 2 changed, 2 with mixed link forms, 0 not processed" in out
    assert "md-mirror" in out and "md-url" in out and "total" in out


def test_scan_check():
    assert run("scan", "--check", str(SEEDS))[0] == EXIT_CHANGES


def test_scan_json_schema(bad_inputs):
    code, out, err = run("scan", "--format", "json", str(NEW_SEED), str(bad_inputs / "binary.txt"))
    assert code == EXIT_INPUT
    records = [json.loads(line) for line in out.splitlines()]
    page, failed = records
    assert set(page) == {"schema", "page", "status", "forms", "mixed_forms", "changes", "skipped", "warnings", "new_text", "diff"}
    assert page["schema"] == 1 and page["status"] == "changed" and page["mixed_forms"] is True
    change = page["changes"][0]
    assert set(change) == {"id", "rule", "start", "end", "old", "new", "needs_review", "display", "note", "proof", "preview"}
    text = NEW_SEED.read_text(encoding="utf-8")
    assert text[change["start"] : change["end"]] == change["old"]
    assert failed == {"schema": 1, "page": str(bad_inputs / "binary.txt"), "status": "error", "error": failed["error"]}
    assert "NUL byte" in failed["error"]


def test_bad_inputs_are_one_line_each_and_the_rest_goes_on(bad_inputs):
    missing = bad_inputs / "missing.txt"
    code, out, err = run("scan", str(bad_inputs), str(missing))
    assert code == EXIT_INPUT
    lines = err.strip().splitlines()
    assert len(lines) == 4, err
    assert any("binary.txt: binary data (NUL byte at offset 3)" in line for line in lines)
    assert any("latin1.txt: not valid UTF-8 (byte 0xe9 at offset 3, line 1)" in line for line in lines)
    assert any("empty.txt: empty page" in line for line in lines)
    assert any("missing.txt: no such file" in line for line in lines)
    assert "Traceback" not in err
    assert "+[[A]]" in out  # good.txt was still processed
    assert "5 page(s): 1 changed, 0 with mixed link forms, 4 not processed" in out


def test_fix_bad_input(bad_inputs):
    code, out, err = run("fix", str(bad_inputs / "binary.txt"))
    assert (code, out) == (EXIT_INPUT, "")
    assert err.count("\n") == 1 and "binary data" in err


def test_folder_as_fix_input(tmp_path):
    code, _, err = run("fix", str(tmp_path))
    assert code == EXIT_INPUT and "is a folder" in err


def test_unknown_site_is_a_configuration_error():
    code, out, err = run("scan", "--site", "wiki.example.org", str(NEW_SEED))
    assert (code, out) == (EXIT_CONFIG, "")
    assert err.startswith("linkbot: configuration error: no built-in profile for 'wiki.example.org'")
    assert err.count("\n") == 1


def test_other_wikipedia_offline(tmp_path):
    page = tmp_path / "ja.txt"
    page.write_text("[東京都庁](../Page/東京.md \"wikilink\")", encoding="utf-8")
    code, out, _ = run("fix", "--site", "ja.wikipedia.org", str(page))
    assert (code, out) == (EXIT_OK, "[[東京]]都庁")


def test_rules_option_limits_the_rules():
    code, out, _ = run("scan", "--format", "json", "--rules", "md-url", str(NEW_SEED))
    page = json.loads(out)
    assert {change["rule"] for change in page["changes"]} == {"md-url"}
    assert {skip["reason"] for skip in page["skipped"]} == {"rule-disabled"}


def test_unknown_rule():
    code, _, err = run("scan", "--rules", "nope", str(NEW_SEED))
    assert code == EXIT_CONFIG and "unknown rule 'nope'" in err


def test_color_always():
    _, out, _ = run("scan", "--color", "always", str(NEW_SEED))
    assert "\x1b[31m-" in out and "\x1b[32m+" in out


def test_usage_error():
    code, _, err = run("scan")
    assert code == EXIT_USAGE and "scan needs files, folders or wiki page arguments" in err
    code, _, err = run("fix", "--bogus")
    assert code == EXIT_USAGE and "usage:" in err
    code, _, err = run("scan", "-page:X", str(NEW_SEED))
    assert code == EXIT_USAGE and "wiki pages and files do not mix" in err


def test_bad_config_file(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[linkbot\nsite=", encoding="utf-8")
    code, _, err = run("scan", "--config", str(config), str(NEW_SEED))
    assert code == EXIT_CONFIG and "invalid TOML" in err and err.count("\n") == 1


def test_queue_commands_on_a_corrupt_file(tmp_path):
    bad = tmp_path / "queue.sqlite3"
    bad.write_bytes(b"not a database at all")
    for argv in (["list", "--queue", str(bad)], ["show", "1", "--queue", str(bad)], ["approve", "1", "--queue", str(bad)]):
        code, out, err = run(*argv)
        assert (code, out) == (EXIT_CONFIG, "")
        assert err.count("\n") == 1 and "not an SQLite database" in err and "Traceback" not in err
    assert bad.read_bytes() == b"not a database at all"


def test_queue_commands_errors_are_one_line(tmp_path):
    queue = str(tmp_path / "queue.sqlite3")
    Database(tmp_path / "queue.sqlite3", create=True).close()
    code, out, _ = run("list", "--queue", queue)
    assert (code, out) == (EXIT_OK, "no proposals\n")
    code, _, err = run("show", "7", "--queue", queue)
    assert code == EXIT_INPUT and err == "linkbot: proposal 7: no such proposal in the queue\n"


def test_titles_format_is_for_files_and_dumps():
    out, err = io.StringIO(), io.StringIO()
    assert main(["scan", "--format", "titles", "-page:X"], stdout=out, stderr=err, environ={}) == EXIT_USAGE
    assert err.getvalue() == "linkbot: --format titles is for files and dumps; a wiki scan records its proposals\n"


def test_pywikibot_arguments_with_spaces_are_not_file_names():
    from bot.cli import split_wiki_args

    argv = ["scan", "-page:Main Page", "--mode", "live", "-cat:Living people", "-v", "-page:聖菲 (新墨西哥州)",
            "--max-edits", "2", "-prefixindex:UNESCO Creative", "-file:to do.txt", "-ns:0", "-family:wikipedia"]  # fmt: skip
    own, wiki = split_wiki_args(argv)
    assert own == ["scan", "--mode", "live", "-v", "--max-edits", "2"]
    assert wiki == ["-page:Main Page", "-cat:Living people", "-page:聖菲 (新墨西哥州)", "-prefixindex:UNESCO Creative",
                    "-file:to do.txt", "-ns:0", "-family:wikipedia"]  # fmt: skip
    assert split_wiki_args(["fix", "--", "-page:x"]) == (["fix", "--", "-page:x"], [])


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_control_characters_of_a_page_are_shown_not_performed_on_a_terminal(tmp_path):
    page = tmp_path / "\x1b]0;owned\x07.txt"  # a file name can carry them too
    page.write_text('[\x1b[2Jlabel\x07](../Page/A.md "wikilink") x\ry\r\n', encoding="utf-8")
    terminal = _Terminal()
    assert main(["scan", "--color", "always", "--no-summary", str(page)], stdout=terminal, stderr=io.StringIO(), environ={}) == EXIT_OK
    shown = terminal.getvalue()
    assert "\x07" not in shown and "␛[2J" in shown and "␇" in shown and "x␍" in shown
    assert "\r\n" in shown  # a line ending is not a control to show
    # Every ESC left is one of linkbot's own colors.
    assert {chunk.split("m", 1)[0] for chunk in shown.split("\x1b")[1:]} == {"[32", "[31", "[36", "[1", "[0"}
    # Into a file or a pipe the diff stays byte for byte what it says (it must still apply).
    piped = io.StringIO()
    main(["scan", "--no-summary", str(page)], stdout=piped, stderr=io.StringIO(), environ={})
    assert "\x1b[2Jlabel\x07" in piped.getvalue()
    # The fix command's page on a terminal, and a file name in an error line on one.
    terminal = _Terminal()
    main(["fix", str(page)], stdout=terminal, stderr=io.StringIO(), environ={})
    assert terminal.getvalue() == "[␛[[A|2Jlabel␇]] x␍y\r\n"
    errors = _Terminal()
    main(["scan", str(tmp_path / "missing\x1b[31m.txt")], stdout=io.StringIO(), stderr=errors, environ={})
    assert errors.getvalue() == f"linkbot: {tmp_path}/missing␛[31m.txt: no such file\n"
    # Bidirectional controls would show a title backwards, or a change's old text after its new one.
    reordered = tmp_path / "bidi.txt"
    reordered.write_text('[甲\u202e乙](../Page/甲乙.md "wikilink") \u2067x\u2069\n', encoding="utf-8")
    terminal = _Terminal()
    main(["fix", str(reordered)], stdout=terminal, stderr=io.StringIO(), environ={})
    assert "\u202e" not in terminal.getvalue() and "甲<U+202E>乙" in terminal.getvalue() and "<U+2067>x<U+2069>" in terminal.getvalue()


@pytest.mark.parametrize("command", [["list"], ["show", "1"], ["approve", "1"], ["reject", "1"], ["report", "--html", "r.html"],
                                     ["runs"], ["stats"], ["review"], ["serve", "--port", "0"], ["apply"], ["undo", "R"]])
def test_a_mistyped_queue_is_an_error_and_nothing_is_created(tmp_path, command):
    """Only the commands that record proposals create a queue: the others refuse a path where there is none."""
    mistyped = tmp_path / "typo" / "queue.sqlite3"
    code, out, err = run(*command, "--queue", str(mistyped))
    assert (code, out) == (EXIT_CONFIG, "")
    assert err == f"linkbot: configuration error: {mistyped}: no queue there (linkbot scan or run creates one; check --queue, $LINKBOT_QUEUE and [queue] path)\n"
    assert not (tmp_path / "typo").exists()


def test_an_empty_file_is_no_queue(tmp_path):
    """A read-only command never turns an empty file into a queue (and then says nothing waits)."""
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    code, out, err = run("list", "--queue", str(empty))
    assert (code, out) == (EXIT_CONFIG, "") and "no queue there" in err
    assert empty.stat().st_size == 0


def test_classes_and_class_decisions_on_the_command_line(tmp_path):
    """linkbot classes lists a queue's classes with samples; approve --class decides one; the usage errors are one line."""
    from bot.core import ZH_WIKIPEDIA, analyze
    from bot.queue.proposals import Queue

    path = tmp_path / "q.sqlite3"
    database = Database(path, create=True)
    Queue(database).record("zh", 1, analyze('[北京](../Page/北京.md "wikilink")、[广州](../Page/广州市.md "wikilink")', ZH_WIKIPEDIA,
                                            title="P"), "run")  # fmt: skip
    database.close()
    queue = ("--queue", str(path))
    code, out, _ = run("classes", *queue)
    assert code == EXIT_OK and out.splitlines()[0].startswith("md-mirror/label/unasked") and "e.g. 1.2 P:" in out
    code, _, err = run("approve", "--class", "md-mirror/title/unasked", *queue)
    assert code == EXIT_INPUT and "--include-unproven" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run("approve", "--class", "md-mirror/title/unasked", "--include-unproven", "--reviewer", "ann", *queue)
    assert code == EXIT_OK and out.startswith("approved 1 change(s) of class md-mirror/title/unasked on 1 proposal(s)")
    assert "partly decided 1/2" in out
    code, _, err = run("approve", *queue)
    assert code == EXIT_INPUT and "needs a proposal's number" in err
    code, _, err = run("approve", "1", "--change", "1", "--class", "md-mirror/title/unasked", *queue)
    assert code == EXIT_USAGE
    code, out, _ = run("classes", "1", "--format", "json", *queue)
    assert [json.loads(line)["class"] for line in out.splitlines()] == ["md-mirror/label/unasked", "md-mirror/title/unasked"]
