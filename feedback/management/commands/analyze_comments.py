"""manage.py analyze_comments: patient comments on standard input, one JSON analysis per line on standard output.

    printf 'The front desk was rude but Dr. Lee was wonderful\n' | .venv/bin/python manage.py analyze_comments

Each input line is one comment; each output line is one JSON object:
``{"sentiment": "positive"|"negative"|"neutral", "score": -1..1, "mixed": bool,
"touchpoints": [{"name": ..., "sentiment": ..., "score": ...}, ...]}``. A blank (or whitespace-only) line gives
``{}`` so that output line N always answers input line N. Input must be UTF-8 (a byte-order mark is ignored); a
line that is not stops the command with an error on standard error naming the line, and exit status 1. The model
is loaded once, before the first line.

``--language en|es|auto`` (default ``auto``): read every line as English, as Spanish, or guess each line's language
(``feedback.comments.spanish.detect_language``; English when unsure).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from feedback.comments import analyze


class Command(BaseCommand):
    help = "Analyse patient comments, one per line on standard input, writing one JSON object per line."
    stealth_options = ("stdin",)  # call_command(..., stdin=stream) reads that stream (bytes or str lines) instead

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            choices=("en", "es", "auto"),
            default="auto",
            help="The comments' language; auto (the default) guesses it for each line.",
        )

    def handle(self, *args, **options):
        stream = options.get("stdin") or sys.stdin.buffer
        language = None if options["language"] == "auto" else options["language"]
        for number, raw in enumerate(stream, start=1):
            if isinstance(raw, bytes):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as error:
                    raise CommandError(
                        f"line {number} is not valid UTF-8 (byte {error.start + 1}); nothing after it was read"
                    ) from None
            else:
                line = raw.lstrip("\ufeff") if number == 1 else raw
            text = line.strip()
            result = analyze(text, language).as_dict() if text else {}
            self.stdout.write(json.dumps(result, ensure_ascii=False))
