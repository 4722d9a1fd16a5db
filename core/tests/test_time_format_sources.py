"""No explicit time format in templates or code: every time a person reads is written through the language's
one TIME_FORMAT (config/formats/<language>/formats.py), with ``{{ value|time }}``, ``formats.time_format(value)``
or a named format ("SHORT_DATETIME_FORMAT"). Scanned: every template (.html, .txt) and every Python module
outside tests, migrations and benchmarks, so a new "8 a.m." / "08:15" / "g:i A" cannot creep back.

Machine formats are allowed: an ``<input type="time">`` value (TimeInput's "%H:%M", which HTML requires),
ISO-like stamps with the full date ("%Y-%m-%d %H:%M" in logs and admin labels, "%Y%m%d%H%M" in cache keys),
ISO attributes (``|date:"c"``), and a Python line marked ``# machine-readable``.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "tests", "migrations", "benchmarks", ".git", "var", "static", "formats"}

# Django date-format characters that write a time of day; a backslash escapes one.
TIME_CHARS = set("aAfgGhHiPsuBU")
DATE_FILTER = re.compile(r"""\|date:\s*(["'])(.*?)\1""")
TIME_FILTER_WITH_FORMAT = re.compile(r"""\|time:""")
PY_FORMAT_CALL = re.compile(
    r"""(?:date_format|dateformat\.format|dateformat\.time_format)\([^()]*?,\s*r?(["'])(.*?)\1"""
)
PY_TIME_FORMAT_WITH_ARGUMENT = re.compile(r"""\btime_format\([^()]*,""")
PY_STRFTIME = re.compile(r"""strftime\(|%-?[HIlp]\b|%-?[HIl]:%M|:02d\}:\{""")
PY_DJANGO_TIME_LITERAL = re.compile(r"""(["'])(?:[^"'\n]*?\b[gGhH]:i[^"'\n]*|TIME_FORMAT)\1""")


def sources(*suffixes):
    for path in ROOT.rglob("*"):
        if path.suffix in suffixes and not SKIP_DIRS & set(path.relative_to(ROOT).parts[:-1]):
            yield path


def writes_a_time(fmt: str) -> bool:
    """Whether a Django date format string writes a time of day. Named formats: only the *DATETIME* ones may
    (they are the language's own); "TIME_FORMAT" itself must be the plain ``|time`` filter."""
    if re.fullmatch(r"[A-Z_]+", fmt):
        return fmt == "TIME_FORMAT"
    if fmt == "c":  # ISO 8601, for datetime="" attributes
        return False
    escaped = False
    for char in fmt:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in TIME_CHARS:
            return True
    return False


def machine_format(line: str) -> bool:
    return (
        "# machine-readable" in line
        or "%Y-%m-%d" in line
        or "%Y%m%d" in line  # cache keys
        or ("TimeInput(" in line and 'format="%H:%M"' in line)
        or "strptime(" in line
    )


def test_templates_write_times_only_through_the_language_format():
    found = []
    for path in sources(".html", ".txt"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.relative_to(ROOT)}:{number}"
            if TIME_FILTER_WITH_FORMAT.search(line):
                found.append(f"{where}: |time with a format (write {{{{ value|time }}}})")
            found += [
                f"{where}: |date:{m.group(1)}{m.group(2)}{m.group(1)} writes a time"
                for m in DATE_FILTER.finditer(line)
                if writes_a_time(m.group(2))
            ]
    assert found == [], "\n".join(found)


def test_python_writes_times_only_through_the_language_format():
    found = []
    for path in sources(".py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.relative_to(ROOT)}:{number}"
            code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
            if not code or machine_format(line):
                continue
            if PY_STRFTIME.search(code):
                found.append(f"{where}: strftime-style time ({code.strip()})")
            if PY_TIME_FORMAT_WITH_ARGUMENT.search(code):
                found.append(f"{where}: time_format with an explicit format (write time_format(value))")
            found += [
                f"{where}: date format {m.group(2)!r} writes a time"
                for m in PY_FORMAT_CALL.finditer(code)
                if writes_a_time(m.group(2))
            ]
            if PY_DJANGO_TIME_LITERAL.search(code):
                found.append(f"{where}: a time format literal ({code.strip()})")
    assert found == [], "\n".join(found)


def test_the_checks_catch_the_old_ways():
    assert writes_a_time("g:i A") and writes_a_time("M j, H:i") and writes_a_time("TIME_FORMAT")
    assert not writes_a_time("D N j, Y") and not writes_a_time(r"l j \d\e F") and not writes_a_time("c")
    assert not writes_a_time("SHORT_DATETIME_FORMAT") and not writes_a_time("DATE_FORMAT")
    assert PY_STRFTIME.search('f"{start:%H:%M}"') and PY_STRFTIME.search("when.strftime('%A')")
    assert PY_STRFTIME.search('f"{minute // 60:02d}:{minute % 60:02d}"')
    assert PY_DJANGO_TIME_LITERAL.search('TIME_FORMATS = {"en": "g:i A", "es": "H:i"}')
    assert PY_TIME_FORMAT_WITH_ARGUMENT.search('formats.time_format(local, "TIME_FORMAT")')
