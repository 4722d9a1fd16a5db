from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database, the media and private files and the secret key into one timestamped archive "
        "with a manifest (row counts per table, every file's size and SHA-256). docs/operations.md, "
        '"Backup and restore".'
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default="backups", help="Folder for the archive (default: ./backups).")
        parser.add_argument(
            "--without-secret-key",
            action="store_true",
            help="Leave SECRET_KEY out (keep it elsewhere: without it, links signed before the backup stop working).",
        )

    def handle(self, *args, output_dir: str, without_secret_key: bool, **options):
        try:
            archive = create_backup(Path(output_dir), include_secret_key=not without_secret_key)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
