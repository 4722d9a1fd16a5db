"""manage.py analyze_comments: standard input to JSON lines."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from feedback.comments import TOUCHPOINT_NAMES

BASE_DIR = Path(__file__).resolve().parents[2]


def run(stdin) -> list[dict]:
    out = io.StringIO()
    call_command("analyze_comments", stdin=stdin, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_writes_one_json_object_per_line():
    lines = run(io.BytesIO(b"The front desk was rude but Dr. Lee was wonderful\n\nGreat care, thank you!\n"))
    assert len(lines) == 3
    first, blank, last = lines
    assert set(first) == {"sentiment", "score", "mixed", "touchpoints"}
    assert {t["name"]: t["sentiment"] for t in first["touchpoints"]} == {
        "front desk and staff": "negative",
        "provider communication": "positive",
    }
    assert first["mixed"] is True
    assert blank == {}  # a blank line keeps output line N aligned with input line N
    assert last["sentiment"] == "positive" and 0 < last["score"] <= 1
    for line in (first, last):
        assert line["sentiment"] in {"positive", "negative", "neutral"}
        assert -1 <= line["score"] <= 1
        for touchpoint in line["touchpoints"]:
            assert touchpoint["name"] in TOUCHPOINT_NAMES
            assert touchpoint["sentiment"] in {"positive", "negative", "neutral"}


def test_it_accepts_text_streams_a_byte_order_mark_and_a_last_line_without_newline():
    lines = run(io.StringIO("\ufeffThe billing office sent me to collections"))
    assert lines[0]["sentiment"] == "negative"
    assert [t["name"] for t in lines[0]["touchpoints"]] == ["billing and cost"]


def test_it_rejects_invalid_utf8_naming_the_line():
    out = io.StringIO()
    with pytest.raises(CommandError, match="line 2 is not valid UTF-8"):
        call_command("analyze_comments", stdin=io.BytesIO(b"Fine\nbad \xff byte\nnever read\n"), stdout=out)
    assert len(out.getvalue().splitlines()) == 1  # the good line before it was answered


def test_it_fails_cleanly_from_the_command_line():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    good = subprocess.run(
        [sys.executable, "manage.py", "analyze_comments"],
        input=b"Rude receptionist\nWonderful doctor\n",
        capture_output=True,
        cwd=BASE_DIR,
        env=env,
        timeout=120,
    )
    assert good.returncode == 0, good.stderr
    assert [json.loads(line)["sentiment"] for line in good.stdout.decode().splitlines()] == ["negative", "positive"]
    bad = subprocess.run(
        [sys.executable, "manage.py", "analyze_comments"],
        input=b"\xc3\x28 broken\n",
        capture_output=True,
        cwd=BASE_DIR,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1
    assert b"line 1 is not valid UTF-8" in bad.stderr
    assert b"Traceback" not in bad.stderr
    assert bad.stdout == b""


def test_it_guesses_each_lines_language_by_default():
    lines = run(
        io.BytesIO(
            "La recepcionista fue muy grosera pero la doctora fue excelente. ¡Qué pena!\nRude receptionist\n".encode()
        )
    )
    spanish, english = lines
    assert {t["name"]: t["sentiment"] for t in spanish["touchpoints"]} == {
        "front desk and staff": "negative",
        "provider communication": "positive",
    }
    assert spanish["mixed"] is True
    assert english["sentiment"] == "negative"
    assert [t["name"] for t in english["touchpoints"]] == ["front desk and staff"]


def test_it_reads_every_line_in_the_language_given():
    text = "La recepcionista fue muy grosera conmigo en la recepción\n".encode()
    out = io.StringIO()
    call_command("analyze_comments", "--language", "es", stdin=io.BytesIO(text), stdout=out)
    as_spanish = json.loads(out.getvalue())
    assert as_spanish["sentiment"] == "negative"
    assert [t["name"] for t in as_spanish["touchpoints"]] == ["front desk and staff"]
    out = io.StringIO()
    call_command("analyze_comments", "--language", "en", stdin=io.BytesIO(text), stdout=out)
    assert json.loads(out.getvalue())["touchpoints"] == []  # the English reading knows no Spanish
    out = io.StringIO()
    call_command("analyze_comments", "--language", "auto", stdin=io.BytesIO(text), stdout=out)
    assert json.loads(out.getvalue()) == as_spanish


def test_it_refuses_an_unknown_language_before_reading():
    out = io.StringIO()
    with pytest.raises(CommandError, match="invalid choice: 'fr'"):
        call_command("analyze_comments", "--language", "fr", stdin=io.BytesIO(b"Bonjour\n"), stdout=out)
    assert out.getvalue() == ""
