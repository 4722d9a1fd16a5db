"""The demo banner prints the addresses a newcomer needs, the check-in kiosk's among them."""

from io import StringIO

from django.core.management import call_command

from demo.practices import DEMO_SLUG
from frontdesk.services.setup import flow_settings


def test_it_prints_the_kiosk_address_with_the_practices_own_key(make_practice):
    practice = make_practice(slug=DEMO_SLUG)
    key = flow_settings(practice).arrival_key
    out = StringIO()
    call_command("demo_banner", "--port", "8123", stdout=out)
    assert f"http://127.0.0.1:8123/p/{DEMO_SLUG}/arrive/{key}/?kiosk=1" in out.getvalue()
    assert f"http://127.0.0.1:8123/p/{DEMO_SLUG}/book/" in out.getvalue()


def test_without_the_demo_practice_it_leaves_the_kiosk_out(db):
    out = StringIO()
    call_command("demo_banner", stdout=out)
    assert "Check-in kiosk" not in out.getvalue()
