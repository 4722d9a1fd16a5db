"""Tenant isolation and role checks for every staff URL, and patient portal isolation."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEntry
from patients import services as patient_services
from patients.models import Patient
from practices.models import Location, Membership, OpeningHours, Practice, Provider, Role

User = get_user_model()

# Which object a URL's ``pk`` names. A new staff URL with a pk must be added here, or the
# enumeration below fails with a KeyError: no staff URL escapes these tests.
PK_OBJECT = {
    "practices:location_edit": "location",
    "practices:provider_edit": "provider",
    "practices:staff_edit": "membership",
    "practices:staff_invite": "membership",
    "practices:staff_reset_two_factor": "membership",
    "patients:staff_detail": "patient",
    "patients:staff_edit": "patient",
}

# Actions that only answer POST (their GET is 405 even to members).
POST_ONLY_URLS = {"practices:staff_invite", "practices:staff_reset_two_factor"}

OWNER_ONLY_URLS = [
    "practices:settings",
    "practices:staff",
    "practices:staff_edit",
    "practices:staff_invite",
    "practices:staff_reset_two_factor",
    "practices:location_new",
    "practices:location_edit",
    "practices:provider_new",
    "practices:provider_edit",
    "audit:log",
]


# The staff URL namespaces these tests enumerate. ``config/urls.py`` builds some of them from several
# apps (``practices:dashboard`` is insights' page, ``audit:log`` practices'), so they are read from the
# project's URLconf, not from one module per app.
STAFF_NAMESPACES = ("practices", "patients", "audit")


def namespace_patterns(namespace: str) -> list[URLPattern]:
    patterns: list[URLPattern] = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == namespace:
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                patterns.append(pattern)
    return patterns


def staff_url_names() -> list[str]:
    """Every URL under /staff/<practice_slug>/ in the three staff namespaces."""
    names = []
    for namespace in STAFF_NAMESPACES:
        for pattern in namespace_patterns(namespace):
            if str(pattern.pattern).startswith("staff/<slug:practice_slug>/"):
                names.append(f"{namespace}:{pattern.name}")
    return names


def url_params(name: str) -> set[str]:
    namespace, url_name = name.split(":")
    pattern = next(p for p in namespace_patterns(namespace) if p.name == url_name)
    return set(pattern.pattern.converters)


def staff_url(name: str, slug: str, objects: dict) -> str:
    kwargs = {"practice_slug": slug}
    if "pk" in url_params(name):
        kwargs["pk"] = objects[PK_OBJECT[name]].pk
    return reverse(name, kwargs=kwargs)


def make_objects(practice, owner_membership, make_patient) -> dict:
    location = Location.objects.create(
        practice=practice,
        name=f"Main {practice.slug}",
        address_line1="1 Main St",
        city="Austin",
        region="TX",
        postal_code="78701",
        phone="(512) 555-0111",
        timezone="America/Chicago",
    )
    provider = Provider.objects.create(practice=practice, first_name="Ivy", last_name=f"Lane {practice.slug}")
    provider.locations.add(location)
    return {
        "patient": make_patient(practice),
        "location": location,
        "provider": provider,
        "membership": owner_membership,
    }


def snapshot() -> dict:
    """Enough of the database to notice any write."""
    return {
        "practices": list(Practice.objects.order_by("pk").values()),
        "patients": list(Patient.objects.order_by("pk").values()),
        "locations": list(Location.objects.order_by("pk").values()),
        "hours": OpeningHours.objects.count(),
        "providers": list(Provider.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "users": User.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# Valid-looking bodies so a POST that slipped past the gate would actually write something.
POST_BODIES = {
    "practices:settings": {"name": "Taken over", "timezone": "America/Chicago"},
    "practices:staff": {"full_name": "Intruder", "email": "intruder@example.com", "role": Role.OWNER},
    "practices:staff_edit": {"role": Role.BILLING},
    "practices:location_new": {
        "name": "Rogue",
        "address_line1": "1 Rogue Rd",
        "city": "Austin",
        "region": "TX",
        "postal_code": "78701",
        "phone": "5125550100",
        "timezone": "America/Chicago",
        "hours-TOTAL_FORMS": "0",
        "hours-INITIAL_FORMS": "0",
    },
    "practices:provider_new": {"first_name": "Rogue", "last_name": "Doc"},
    "practices:provider_edit": {"first_name": "Rogue", "last_name": "Doc"},
    "patients:staff_create": {
        "first_name": "Rogue",
        "last_name": "Patient",
        "date_of_birth": "1990-01-01",
        "preferred_language": "en",
    },
    "patients:staff_edit": {
        "first_name": "Rogue",
        "last_name": "Patient",
        "date_of_birth": "1990-01-01",
        "preferred_language": "en",
    },
}
POST_BODIES["practices:location_edit"] = POST_BODIES["practices:location_new"]


@pytest.fixture
def two_practices(practice, other_practice, make_staff, make_patient):
    owner_a = make_staff(practice, Role.OWNER)
    owner_b = make_staff(other_practice, Role.OWNER)
    a = make_objects(practice, Membership.objects.get(user=owner_a), make_patient)
    b = make_objects(other_practice, Membership.objects.get(user=owner_b), make_patient)
    return owner_a, a, b


def test_it_enumerates_every_staff_url(two_practices):
    names = staff_url_names()
    assert len(names) >= 14
    assert set(OWNER_ONLY_URLS) <= set(names)
    for name in names:
        if "pk" in url_params(name):
            assert name in PK_OBJECT, f"{name} takes a pk; say which object in PK_OBJECT"


def test_it_gives_404_for_every_url_of_another_practice(client, two_practices, practice, other_practice):
    owner_a, _, b = two_practices
    client.force_login(owner_a)
    before = snapshot()
    for name in staff_url_names():
        url = staff_url(name, other_practice.slug, b)
        assert client.get(url).status_code == 404, url
        assert client.post(url, POST_BODIES.get(name, {})).status_code == 404, url
    assert snapshot() == before


def test_it_gives_404_for_another_practices_objects_under_own_slug(client, two_practices, practice):
    owner_a, a, b = two_practices
    client.force_login(owner_a)
    pk_names = [name for name in staff_url_names() if "pk" in url_params(name)]
    assert set(pk_names) == set(PK_OBJECT)
    # The same URLs with A's own objects work, so the 404s below are about B's ids.
    for name in pk_names:
        expected = 405 if name in POST_ONLY_URLS else 200
        assert client.get(staff_url(name, practice.slug, a)).status_code == expected, name
    before = snapshot()
    for name in pk_names:
        url = staff_url(name, practice.slug, b)
        # A POST-only action answers GET with 405 whatever the id: that tells nothing either.
        assert client.get(url).status_code == (405 if name in POST_ONLY_URLS else 404), url
        assert client.post(url, POST_BODIES.get(name, {})).status_code == 404, url
    assert snapshot() == before


def test_it_gives_404_to_an_inactive_member(client, practice, make_staff):
    former = make_staff(practice, Role.OWNER)
    Membership.objects.filter(user=former).update(is_active=False)
    client.force_login(former)
    assert client.get(reverse("practices:dashboard", args=[practice.slug])).status_code == 404
    assert client.get(reverse("patients:staff_list", args=[practice.slug])).status_code == 404


def test_it_gives_403_to_front_desk_on_owner_only_pages(client, practice, front_desk, owner, location, provider):
    objects = {"location": location, "provider": provider, "membership": Membership.objects.get(user=owner)}
    client.force_login(front_desk)
    assert client.get(reverse("practices:dashboard", args=[practice.slug])).status_code == 200
    before = snapshot()
    for name in OWNER_ONLY_URLS:
        url = staff_url(name, practice.slug, objects)
        assert client.get(url).status_code == 403, url
        assert client.post(url, POST_BODIES.get(name, {})).status_code == 403, url
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.BILLING])
def test_it_lets_clinicians_and_billing_read_but_not_write_patients(client, practice, make_staff, patient, role):
    user = make_staff(practice, role)
    client.force_login(user)
    assert client.get(reverse("patients:staff_list", args=[practice.slug])).status_code == 200
    assert client.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk])).status_code == 200
    before = snapshot()
    create = reverse("patients:staff_create", args=[practice.slug])
    edit = reverse("patients:staff_edit", args=[practice.slug, patient.pk])
    assert client.get(create).status_code == 403
    assert client.post(create, POST_BODIES["patients:staff_create"]).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, POST_BODIES["patients:staff_edit"]).status_code == 403
    assert snapshot() == before


def test_it_sends_anonymous_visitors_to_login(client, practice, owner, location, provider, patient):
    objects = {
        "location": location,
        "provider": provider,
        "membership": Membership.objects.get(user=owner),
        "patient": patient,
    }
    login = reverse("accounts:login")
    urls = [reverse("practices:home")] + [staff_url(n, practice.slug, objects) for n in staff_url_names()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login + "?next="), url
    response = client.post(reverse("patients:staff_create", args=[practice.slug]), POST_BODIES["patients:staff_create"])
    assert response.status_code == 302
    assert Patient.objects.count() == 1


# --- Patient portal -----------------------------------------------------------------------


def sign_in_patient(client, patient):
    token = patient_services.issue_sign_in_link(patient=patient)
    response = client.post(reverse("patients:sign_in_confirm", args=[patient.practice.slug, token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:portal", args=[patient.practice.slug])


def test_it_shows_a_patient_only_their_own_details(client, practice, make_patient):
    me = make_patient(practice, first_name="Marisol", last_name="Ybarra", email="marisol@example.com")
    other = make_patient(practice, first_name="Quentin", last_name="Zabala", email="quentin@example.com")
    sign_in_patient(client, me)
    for name in ("patients:portal", "patients:portal_edit"):
        html = client.get(reverse(name, args=[practice.slug])).content.decode()
        assert me.full_name in html or me.email in html
        assert other.first_name not in html
        assert other.last_name not in html
        assert other.email not in html


def test_it_gives_a_patient_session_nothing_at_another_practice(client, practice, other_practice, make_patient):
    me = make_patient(practice, first_name="Marisol", last_name="Ybarra")
    stranger = make_patient(other_practice, first_name="Quentin", last_name="Zabala")
    # Same row id space: make sure B has a patient whose id could be confused with ours.
    assert stranger.pk != me.pk
    sign_in_patient(client, me)
    sign_in_b = reverse("patients:sign_in", args=[other_practice.slug])
    before = Patient.objects.get(pk=stranger.pk).email
    for name in ("patients:portal", "patients:portal_edit"):
        response = client.get(reverse(name, args=[other_practice.slug]))
        assert response.status_code == 302
        assert response["Location"] == sign_in_b
    response = client.post(
        reverse("patients:portal_edit", args=[other_practice.slug]), {"email": "hijack@example.com", "phone": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == sign_in_b
    assert Patient.objects.get(pk=stranger.pk).email == before
    assert Patient.objects.get(pk=me.pk).email != "hijack@example.com"
    # The session still works where it belongs.
    assert client.get(reverse("patients:portal", args=[practice.slug])).status_code == 200


def test_it_gives_a_staff_session_no_patient_portal(client, practice, owner, patient):
    client.force_login(owner)
    response = client.get(reverse("patients:portal", args=[practice.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:sign_in", args=[practice.slug])
