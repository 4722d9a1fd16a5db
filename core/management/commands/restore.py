from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` archive into this installation's database and file storages, which "
        "must be new and empty, then check row counts and file hashes against the archive's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The touchpoints-backup-*.tar.gz file.")

    def handle(self, *args, archive: str, **options):
        try:
            summary = restore_backup(Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {summary.tables} tables ({summary.rows} rows) and {summary.files} files; "
            f"row counts and file hashes match the manifest. Secret key: {summary.secret_key}."
        )
