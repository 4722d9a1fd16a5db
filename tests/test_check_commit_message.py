"""scripts/check_commit_message.py, the commit-msg hook: subjects under 72 characters, a blank line
before the body."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_commit_message.py"
_spec = importlib.util.spec_from_file_location("check_commit_message", SCRIPT)
assert _spec and _spec.loader
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


@pytest.mark.parametrize(
    "message",
    [
        "Define the staff menu once",
        "x" * 71,
        "A subject\n\nThe detail, as long as it needs to be: " + "word " * 40 + "\n",
        "\n\nA subject after blank lines\n",
        "A subject\n# Please enter the commit message for your changes.\n# " + "x" * 100 + "\n",
        "A subject\n\n# ------------------------ >8 ------------------------\n" + "diff " * 40 + "\n",
        "",
    ],
)
def test_it_accepts_a_short_subject(message):
    assert check.problems(message) == []


def test_it_refuses_a_subject_of_72_characters_or_more():
    assert check.problems("x" * 72) != []
    assert "72 characters" in check.problems("y" * 72 + "\n\nbody")[0]


def test_it_wants_a_blank_line_before_the_body():
    assert check.problems("A subject\nthe body straight after") == [
        "Leave a blank line between the subject and the body."
    ]


def test_it_exits_1_with_the_reason_as_the_commit_msg_hook(tmp_path):
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("z" * 80 + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, SCRIPT, message], capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "The subject is 80 characters" in run.stderr
    message.write_text("Short and clear\n\nWhy, in the body.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, SCRIPT, message], capture_output=True, text=True, check=False)
    assert run.returncode == 0 and run.stderr == ""
