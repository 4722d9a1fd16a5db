import time

from django.core.management.base import BaseCommand, CommandError

from demo.practices import DEMO_PASSWORD, DEMO_STAFF, SIZES, build_demo


class Command(BaseCommand):
    help = "Build the deterministic demo dermatology practice (and print its sign-ins)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing (and succeed) if the demo practice exists."
        )

    def handle(self, *args, size: str, seed: int, if_missing: bool, **options):
        started = time.perf_counter()
        try:
            build_demo(size=size, seed=seed)
        except FileExistsError:
            if if_missing:
                if options["verbosity"]:
                    self.stdout.write("The demo practice is already loaded.")
                return
            raise CommandError(
                "The demo practice already exists in this database. Use a fresh database "
                "(delete var/touchpoints.sqlite3) or pass --if-missing."
            ) from None
        seconds = time.perf_counter() - started
        if not options["verbosity"]:
            return
        self.stdout.write(self.style.SUCCESS(f"Built the {size} demo practice (seed {seed}) in {seconds:.1f} s."))
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, _name, role in DEMO_STAFF:
            self.stdout.write(f"  {role.label:<18} {email}")
