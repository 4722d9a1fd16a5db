from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database, the media and private files and the secret key into one timestamped archive "
        "with a manifest (row counts per table, every file's size and SHA-256). docs/operations.md, "
        '"Backup and restore".'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", default=None, help="Folder for the archive (default: backups/ in the var folder)."
        )
        parser.add_argument(
            "--without-secret-key",
            action="store_true",
            help="Leave SECRET_KEY out (keep it elsewhere: without it, links signed before the backup stop working).",
        )

    def handle(self, *args, output_dir: str | None, without_secret_key: bool, **options):
        folder = Path(output_dir) if output_dir else Path(settings.VAR_DIR) / "backups"
        try:
            archive = create_backup(folder, include_secret_key=not without_secret_key)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
