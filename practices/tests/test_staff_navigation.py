"""The staff menu and the sections' menus (practices/navigation.py) show each role exactly the pages
it can open: every link answers 200 for that role, and every entry another role's menu offers that
this role's menu leaves out answers 403. (An entry may lead roles to different pages of its
section: Feedback opens the recovery cases for billing, Messages the reminders sent for the
experience lead.)"""

import html
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from practices import navigation
from practices.models import Role
from practices.templatetags.navigation import can_open

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


# The definition (practices/navigation.py) ------------------------------------------------------

# Staff pages whose address takes only the practice that no menu links to, and why. Every other
# such page must be in a menu (test_every_staff_page_is_in_a_menu_or_listed_here).
NOT_IN_MENU = {
    "practices:location_new": "a form, opened from the Locations page",
    "practices:provider_new": "a form, opened from the Providers page",
    "patients:staff_create": "a form, opened from the Patients page",
    "scheduling:schedule_week": "the calendar's week view, opened from the Calendar",
    "scheduling:schedule_visit_type_new": "a form, opened from the Visit types page",
    "frontdesk:board_rows": "a fragment the board reloads",
    "feedback:survey_sending": "a form posted from the Surveys page",
    "feedback:survey_copy": "a form posted from the Surveys page",
    "feedback:review_site_add": "a form posted from the Review sites page",
    "feedback:review_settings": "a form posted from the Review sites page",
    "insights:measures_csv": "a download, linked from the Measures page",
    "cx:map_new": "a form, opened from the Empathy maps page",
    "cx:project_new": "a form, opened from the Improvement projects page",
    "cx:rca_new": "a form, opened from the Root-cause analyses page and the committee's agenda",
    "cx:action_create": "a form posted from the Actions page",
    "cx:moment_prepare": "a form posted from the Experience moments page",
    "cx:recognition_scan": "a form posted from the Recognition page",
    "cx:goal_new": "a form, opened from the Strategy page",
    "cx:strategy_review_new": "a form, opened from the Strategy page",
    "cx:measure_catalogue": "the measures' definitions, linked from the Strategy page and the goal forms",
    "cx:committee_edit": "a form, opened from the Governance page",
    "cx:committee_member_add": "a form posted from the Governance page",
    "cx:criteria": "a form, opened from the Governance page",
    "cx:proposal_new": "a form, opened from the Proposed changes page",
    "cx:meeting_new": "a form, opened from the Committee meetings page",
    "cx:signal_lessons": "opened from the What changed page",
    "cx:pulse_round_new": "a form, opened from the Team pulse page",
    "cx:systems_edit": "a form, opened from the Using our systems page",
    "cx:candidate_new": "a form, opened from the Hiring page (owner only)",
}


def _slug_only_staff_pages() -> set[str]:
    return {name for name in navigation.staff_pages() if _try_reverse(name) is not None}


def _try_reverse(name: str) -> str | None:
    try:
        return reverse(name, kwargs={"practice_slug": "x"})
    except NoReverseMatch:
        return None


def _menu_names() -> set[str]:
    return {name for menu in navigation.MENUS.values() for e in navigation.entries(menu) for name in e.url_names}


def test_every_staff_page_is_in_a_menu_or_listed_here():
    pages = _slug_only_staff_pages()
    menu = _menu_names()
    missing = pages - menu - set(NOT_IN_MENU)
    assert not missing, (
        f"staff pages in no menu: {sorted(missing)} (add them to practices/navigation.py or NOT_IN_MENU)"
    )
    assert not set(NOT_IN_MENU) - pages, "NOT_IN_MENU names a page that no longer exists"
    assert not set(NOT_IN_MENU) & menu, "NOT_IN_MENU names a page that is in a menu"
    assert menu <= pages, f"menu entries that are not staff pages: {sorted(menu - pages)}"


def _nav(html: str, menu: navigation.Menu) -> str | None:
    attr = f'id="{menu.element_id}"' if menu.element_id else f'class="{menu.css_class}"'
    found = re.search(rf"<nav [^>]*{attr}[^>]*>.*?</nav>", html, re.S)
    return found.group(0) if found else None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", list(navigation.MENUS))
def test_each_menu_offers_a_role_exactly_the_pages_it_can_open(
    client, practice, make_staff, location, provider, role, key
):
    """Opens every page of the menu as the role: the menu shown on the section's page lists an entry
    exactly when one of its pages answers 200, and links to the first of those."""
    menu = navigation.MENUS[key]
    client.force_login(make_staff(practice, role))
    status = {
        name: client.get(reverse(name, args=[practice.slug])).status_code
        for entry in navigation.entries(menu)
        for name in entry.url_names
    }
    assert set(status.values()) <= {200, 403}, status
    expected = {}
    for entry in navigation.entries(menu):
        target = next((name for name in entry.url_names if status[name] == 200), None)
        if target:
            expected[str(entry.label)] = reverse(target, args=[practice.slug])
    if not expected:
        return  # the role opens no page of this section, so never sees its menu
    page = reverse(next(name for name, code in status.items() if code == 200), args=[practice.slug])
    nav = _nav(client.get(page).content.decode(), menu)
    assert nav, f"no {key} menu on {page}"
    shown = re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav, re.S)
    assert {html.unescape(re.sub(r"<[^>]+>", "", label)).strip(): href for href, label in shown} == expected


def test_an_entry_is_current_on_its_own_pages_and_one_entry_at_a_time():
    for key, menu in navigation.MENUS.items():
        for entry in navigation.entries(menu):
            for name in entry.url_names[:1]:
                assert entry.is_current(name), f"{entry.label} is not current on its page {name} ({key})"
        for name in navigation.staff_pages():
            current = [str(item.label) for item in menu.entries if item.is_current(name)]
            assert len(current) <= 1, f"{current} are all current on {name} ({key})"
            for group in (item for item in menu.entries if isinstance(item, navigation.Group)):
                inner = [str(e.label) for e in group.entries if e.is_current(name)]
                assert len(inner) <= 1, f"{inner} are all current on {name} ({key})"


@pytest.mark.django_db
def test_it_marks_the_page_shown_and_its_group(client, practice, owner):
    client.force_login(owner)
    nav = _nav(client.get(reverse("practices:staff", args=[practice.slug])).content.decode(), navigation.MENUS["staff"])
    assert nav
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', nav) == [
        reverse("practices:staff", args=[practice.slug])
    ]
    assert '<summary class="nav-group-current">Practice settings</summary>' in nav
    nav = _nav(
        client.get(reverse("patients:staff_list", args=[practice.slug])).content.decode(), navigation.MENUS["staff"]
    )
    assert nav and "nav-group-current" not in nav
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', nav) == [
        reverse("patients:staff_list", args=[practice.slug])
    ]


def test_the_menu_names_roles_only_through_the_views():
    """Every page the menu links to is behind @staff_view, which gives the roles that see its entry."""
    for name in _menu_names():
        assert navigation.view_roles(name) <= set(Role.values)
    with pytest.raises(ImproperlyConfigured):
        navigation.view_roles("practices:home")  # signed in, but no practice: not a staff page


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), [(Role.OWNER, True), (Role.FRONT_DESK, True), (Role.CLINICIAN, False)])
def test_can_open_tells_a_template_what_the_role_may_open(practice, make_staff, role, may):
    request = RequestFactory().get("/")
    request.membership = make_staff(practice, role).memberships.get()
    assert can_open(request, "patients:staff_create") is may
    assert can_open(RequestFactory().get("/"), "patients:staff_create") is False  # no practice
