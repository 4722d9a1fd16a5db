"""The staff menu shows each role exactly the pages it can open: every link answers 200 for that
role, and every entry another role's menu offers that this role's menu leaves out answers 403.
(An entry may lead roles to different pages of its section: Feedback opens the recovery cases for
billing, Messages the reminders sent for the experience lead.)"""

import re

import pytest
from django.urls import reverse

from practices.models import Role

ROLES = [Role.OWNER, Role.EXPERIENCE_LEAD, Role.FRONT_DESK, Role.CLINICIAN, Role.BILLING]


def nav_links(html: str) -> dict[str, str]:
    """{label: href} of the staff menu's links."""
    nav = re.search(r'<nav id="staff-nav".*?</nav>', html, re.S)
    assert nav, "no staff menu on the page"
    links = re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav.group(0), re.S)
    labels = [re.sub(r"<[^>]+>", "", label).strip() for _href, label in links]
    assert len(labels) == len(set(labels)), f"an entry appears twice: {labels}"
    return {label: href for label, (href, _) in zip(labels, links, strict=True)}



@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_it_shows_each_role_only_the_pages_it_can_open(client, practice, make_staff, location, provider, role):
    staff = {r: make_staff(practice, r) for r in ROLES}
    menus = {}
    for r, user in staff.items():
        client.force_login(user)
        menus[r] = nav_links(client.get(reverse("practices:dashboard", args=[practice.slug])).content.decode())
    mine = menus[role]

    client.force_login(staff[role])
    for label, link in mine.items():
        assert client.get(link).status_code == 200, f"{role} is offered {label} ({link}) but cannot open it"
    others = {label: link for r, links in menus.items() if r != role for label, link in links.items()}
    for label, link in others.items():
        if label not in mine:
            assert client.get(link).status_code == 403, f"{role} can open {label} ({link}) but is not offered it"
