from django.core.management.base import BaseCommand
from django.urls import reverse

from demo.practices import DEMO_PASSWORD, DEMO_SLUG, DEMO_STAFF
from frontdesk.models import FlowSettings


class Command(BaseCommand):
    help = "Print the demo's addresses and sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port: int, **options):
        base = f"http://127.0.0.1:{port}"
        lines = [
            "",
            "Touchpoints is starting (web server and background worker). Stop it with Ctrl-C.",
            f"  Practice public page   {base}{reverse('practices:public', args=[DEMO_SLUG])}",
            f"  Book online            {base}{reverse('scheduling:book', args=[DEMO_SLUG])}",
            f"  Patient sign-in        {base}{reverse('patients:sign_in', args=[DEMO_SLUG])}"
            "  (the link is printed below as an email)",
            *self._kiosk(base),
            f"  Staff sign-in          {base}{reverse('accounts:login')}",
            f"Demo staff sign-ins, password '{DEMO_PASSWORD}':",
            *(f"  {role.label:<18} {email}" for email, _name, role in DEMO_STAFF),
            "",
        ]
        self.stdout.write("\n".join(lines))

    def _kiosk(self, base: str) -> list[str]:
        """The self check-in kiosk's address (its key is the demo practice's own)."""
        flow = FlowSettings.objects.filter(practice__slug=DEMO_SLUG).first()
        if flow is None:
            return []
        path = reverse("frontdesk:arrive", args=[DEMO_SLUG, flow.arrival_key])
        return [f"  Check-in kiosk         {base}{path}?kiosk=1"]
