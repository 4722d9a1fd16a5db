"""manage.py export_comment_corrections [--practice SLUG]: staff corrections of comment readings, as JSONL.

One JSON object per corrected comment on standard output, oldest correction first, for the next training of
the comment analysis (docs/comment-analysis.md, "Corrections")::

    {"text": "...",
     "machine": {"sentiment": "mixed", "score": -0.33, "touchpoints": [{"name": ..., "sentiment": ...}]},
     "corrected": {"sentiment": "negative", "touchpoints": [...]},
     "model_version": "sentiment/1-...", "corrected_at": "..."}

No patient, practice or staff identifiers are written; the comment text itself may still name people, so treat
the file as patient data. Each practice whose corrections are exported gets an "exported" audit entry.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from feedback.selectors import listening as listening_selectors
from feedback.services import listening as listening_services
from practices.models import Practice


class Command(BaseCommand):
    help = "Write staff corrections of comment readings (text, machine reading, corrected reading) as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--practice", metavar="SLUG", help="only this practice's corrections")

    def handle(self, *args, **options):
        practice = None
        if options.get("practice"):
            practice = Practice.objects.filter(slug=options["practice"]).first()
            if practice is None:
                raise CommandError(f"No practice with the web address {options['practice']!r}.")
        counts: dict[int, int] = {}
        for row in listening_selectors.corrections(practice=practice).iterator(chunk_size=500):
            self.stdout.write(json.dumps(correction_record(row), ensure_ascii=False))
            counts[row.practice_id] = counts.get(row.practice_id, 0) + 1
        for practice_id, count in counts.items():
            listening_services.record_corrections_exported(practice_id=practice_id, count=count)


def correction_record(row) -> dict:
    return {
        "text": row.answer.text,
        "machine": {"sentiment": row.sentiment, "score": row.score, "touchpoints": row.touchpoints},
        "corrected": {"sentiment": row.effective_sentiment, "touchpoints": row.effective_touchpoints},
        "model_version": row.model_version,
        "corrected_at": row.corrected_at.isoformat(),
    }
