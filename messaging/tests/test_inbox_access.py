"""Who may use the inbox, running-late, recall, reactivation and message-history pages: strangers get
404 everywhere (also with this practice's ids under their own practice), roles that may not get 403,
and nothing changes for either."""

import pytest
from django.urls import reverse

from messaging.models import Conversation, ConversationStatus, Message, Recall, RunningLate
from practices.models import Role
from tests.factories import make_messaging_settings, receive_text

EDITORS = {Role.OWNER, Role.FRONT_DESK}
VIEWERS = EDITORS | {Role.EXPERIENCE_LEAD}
HISTORY = VIEWERS | {Role.CLINICIAN}


@pytest.fixture
def world(practice, make_patient, provider):
    make_messaging_settings(practice)
    patient = make_patient(practice, phone="(512) 555-0199", sms_consent=True)
    inbound = receive_text("Is there parking?")
    return {"patient": patient, "conversation": inbound.conversation, "provider": provider}


VIEWS = [
    ("inbox", None, "get", None, VIEWERS),
    ("inbox_conversation", "conversation", "get", None, VIEWERS),
    ("inbox_reply", "conversation", "post", {"body": "Yes, free parking.", "key": "a" * 32}, EDITORS),
    ("inbox_status", "conversation", "post", {"status": "closed"}, EDITORS),
    ("inbox_link", "conversation", "post", {"patient_number": 1}, EDITORS),
    ("running_late", None, "get", None, VIEWERS),
    ("running_late", None, "post", {"provider": 1, "minutes": 20}, EDITORS),
    ("recall_list", None, "get", None, VIEWERS),
    ("recall_edit", "patient", "get", None, EDITORS),
    ("recall_edit", "patient", "post", {"due_on": "2031-01-01", "interval_months": 12}, EDITORS),
    ("reactivation", None, "get", None, VIEWERS),
    ("reactivation_send", "patient", "post", {}, EDITORS),
    ("patient_history", "patient", "get", None, HISTORY),
]


def _url(name, kind, practice, world) -> str:
    args = [practice.slug] if kind is None else [practice.slug, world[kind].pk]
    return reverse(f"messaging:{name}", args=args)


def _call(client, method, url, data):
    return client.post(url, data or {}) if method == "post" else client.get(url)


def _unchanged(world) -> None:
    conversation = Conversation.objects.get(pk=world["conversation"].pk)
    assert conversation.status == ConversationStatus.OPEN
    assert not Message.objects.exists()
    assert not RunningLate.objects.exists() and not Recall.objects.exists()


@pytest.mark.parametrize(("name", "kind", "method", "data", "allowed"), VIEWS)
def test_it_answers_404_to_staff_of_another_practice(
    client, practice, other_practice, make_staff, world, name, kind, method, data, allowed
):
    client.force_login(make_staff(other_practice, Role.OWNER))
    assert _call(client, method, _url(name, kind, practice, world), data).status_code == 404
    _unchanged(world)


@pytest.mark.parametrize(("name", "kind", "method", "data", "allowed"), [v for v in VIEWS if v[1] is not None])
def test_it_answers_404_for_this_practices_records_under_another_practice(
    client, practice, other_practice, make_staff, world, name, kind, method, data, allowed
):
    client.force_login(make_staff(other_practice, Role.OWNER))
    assert _call(client, method, _url(name, kind, other_practice, world), data).status_code == 404
    _unchanged(world)


@pytest.mark.parametrize(("name", "kind", "method", "data", "allowed"), VIEWS)
def test_it_answers_403_to_roles_that_may_not(client, practice, make_staff, world, name, kind, method, data, allowed):
    refused = set(Role.values) - allowed
    assert refused
    for role in refused:
        client.force_login(make_staff(practice, role))
        assert _call(client, method, _url(name, kind, practice, world), data).status_code == 403, role
    _unchanged(world)


@pytest.mark.parametrize(("name", "kind", "method", "data", "allowed"), [v for v in VIEWS if v[2] == "get"])
def test_it_lets_the_roles_that_may_in(client, practice, make_staff, world, name, kind, method, data, allowed):
    for role in allowed:
        client.force_login(make_staff(practice, role))
        assert _call(client, method, _url(name, kind, practice, world), data).status_code == 200, role


def test_it_sends_anonymous_visitors_to_sign_in(client, practice, world):
    response = client.get(reverse("messaging:inbox", args=[practice.slug]))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


@pytest.mark.parametrize("name", ["inbox_reply", "inbox_status", "inbox_link", "reactivation_send"])
def test_it_refuses_get_on_post_only_views(client, practice, owner, world, name):
    kind = "patient" if name == "reactivation_send" else "conversation"
    client.force_login(owner)
    assert client.get(_url(name, kind, practice, world)).status_code == 405
