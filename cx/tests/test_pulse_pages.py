"""The team pulse pages: answering once, bad input changes nothing, rounds opened and closed by the
owner and the experience lead only, results only when the rules allow, two quarters compared."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cx import anonymity
from cx.models import PulseAnswer, PulseParticipation, PulseRound
from cx.selectors import pulse as pulse_selectors
from cx.services import pulse as pulse_services
from practices.models import Role
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

GOOD = {
    "group": anonymity.FRONT_OFFICE,
    "recommend_work": "9",
    "can_serve_patients": "4",
    "systems_help": "5",
    "recognised": "3",
}


def url(name, practice, **kwargs):
    return reverse(f"cx:{name}", kwargs={"practice_slug": practice.slug, **kwargs})


def today(practice):
    return practice.local_date(timezone.now())


def open_round(practice, **fields):
    day = today(practice)
    fields.setdefault("quarter_start", pulse_selectors.quarter_start(day))
    fields.setdefault("closes_on", day + timedelta(days=5))
    return PulseRound.objects.create(practice=practice, **fields)


def state(pulse_round):
    return (
        PulseParticipation.objects.filter(round=pulse_round).count(),
        sorted(
            PulseAnswer.objects.filter(round=pulse_round).values_list(
                "group", "recommend_work", "can_serve_patients", "systems_help", "recognised"
            )
        ),
    )


def fill(pulse_round, practice, scores: list[tuple[str, int, int]]):
    """(group, recommend, serve) answers from new team members."""
    for group, recommend, serve in scores:
        pulse_services.answer_round(
            practice=practice,
            user=make_staff(practice, Role.FRONT_DESK),
            pulse_round=pulse_round,
            scores=pulse_services.Scores(group, recommend, serve, 4, 4),
            today=today(practice),
        )


@pytest.mark.parametrize("role", Role.values)
def test_every_team_member_answers_once(client, practice, role):
    pulse_round = open_round(practice)
    member = make_staff(practice, role)
    client.force_login(member)
    page = client.get(url("pulse_answer", practice, pk=pulse_round.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "What is stored" in text and "no name, no time" in text
    response = client.post(url("pulse_answer", practice, pk=pulse_round.pk), GOOD)
    assert response.status_code == 302
    assert state(pulse_round) == (1, [(anonymity.FRONT_OFFICE, 9, 4, 5, 3)])
    # A second answer is refused and changes nothing.
    again = client.post(url("pulse_answer", practice, pk=pulse_round.pk), {**GOOD, "recommend_work": "0"})
    assert again.status_code == 200
    assert "already answered" in again.content.decode()
    assert state(pulse_round) == (1, [(anonymity.FRONT_OFFICE, 9, 4, 5, 3)])
    with pytest.raises(pulse_services.PulseRefused):
        pulse_services.answer_round(
            practice=practice,
            user=member,
            pulse_round=pulse_round,
            scores=pulse_services.Scores("", 1, 1, 1, 1),
            today=today(practice),
        )
    assert state(pulse_round)[0] == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"recommend_work": "11"},
        {"recommend_work": "-1"},
        {"recommend_work": "x"},
        {"recommend_work": ""},
        {"can_serve_patients": "6"},
        {"systems_help": "0"},
        {"recognised": "99999999999999999999"},
        {"group": "nurses_named_sam"},
        {"group": "\x00"},
    ],
)
def test_a_score_outside_its_range_changes_nothing(client, practice, bad):
    pulse_round = open_round(practice)
    client.force_login(make_staff(practice, Role.CLINICIAN))
    response = client.post(url("pulse_answer", practice, pk=pulse_round.pk), {**GOOD, **bad})
    assert response.status_code == 200
    assert "errors" in response.content.decode()
    assert state(pulse_round) == (0, [])


def test_the_service_refuses_out_of_range_scores_too(practice):
    pulse_round = open_round(practice)
    member = make_staff(practice, Role.CLINICIAN)
    for scores in (("", 11, 3, 3, 3), ("", 5, 0, 3, 3), ("", 5, 3, 6, 3), ("bogus", 5, 3, 3, 3)):
        with pytest.raises(pulse_services.PulseRefused):
            pulse_services.answer_round(
                practice=practice,
                user=member,
                pulse_round=pulse_round,
                scores=pulse_services.Scores(*scores),
                today=today(practice),
            )
    assert state(pulse_round) == (0, [])


def test_a_closed_round_takes_no_answers(client, practice):
    pulse_round = open_round(practice, closed=True)
    client.force_login(make_staff(practice, Role.BILLING))
    assert "This round is closed" in client.get(url("pulse_answer", practice, pk=pulse_round.pk)).content.decode()
    client.post(url("pulse_answer", practice, pk=pulse_round.pk), GOOD)
    assert state(pulse_round) == (0, [])
    past = open_round(practice, quarter_start=date(2025, 1, 1), closes_on=date(2025, 3, 1))
    client.post(url("pulse_answer", practice, pk=past.pk), GOOD)
    assert state(past) == (0, [])


def test_results_wait_for_the_round_to_close_and_for_five_answers(client, practice):
    pulse_round = open_round(practice)
    fill(pulse_round, practice, [(anonymity.FRONT_OFFICE, 10, 5)] * 4)
    client.force_login(make_staff(practice, Role.FRONT_DESK))
    page = client.get(url("pulse_round", practice, pk=pulse_round.pk)).content.decode()
    assert "Results show after the round closes" in page and "eNPS" not in page
    pulse_round.closed = True
    pulse_round.save()
    page = client.get(url("pulse_round", practice, pk=pulse_round.pk)).content.decode()
    assert "Fewer than 5 people answered" in page and "eNPS" not in page
    pulse_round.closed = False
    pulse_round.save()
    fill(pulse_round, practice, [(anonymity.CLINICAL, 0, 1)] * 2)
    pulse_round.closed = True
    pulse_round.save()
    page = client.get(url("pulse_round", practice, pk=pulse_round.pk)).content.decode()
    assert "eNPS" in page and "The whole team" in page
    # 4 front office + 2 clinical: the clinical pair cannot be shown, nor worked out: no breakdown.
    assert "By group" not in page and "No breakdown by group" in page
    assert "too few to trust" in page


def test_results_by_group_only_for_groups_of_five(client, practice):
    pulse_round = open_round(practice)
    fill(pulse_round, practice, [(anonymity.FRONT_OFFICE, 10, 5)] * 6 + [(anonymity.CLINICAL, 8, 4)] * 5)
    fill(pulse_round, practice, [(anonymity.PROVIDERS, 2, 1)] * 2 + [(anonymity.NOT_SAID, 7, 3)] * 3)
    pulse_round.closed = True
    pulse_round.save()
    client.force_login(make_staff(practice, Role.CLINICIAN))
    page = client.get(url("pulse_round", practice, pk=pulse_round.pk)).content.decode()
    assert "By group" in page
    assert "Front desk and billing" in page and "Nurses and medical assistants" in page
    assert "Other roles or not said" in page
    assert "Doctors and providers</h3>" not in page


def test_a_round_closes_by_itself_on_its_closing_day(practice):
    day = today(practice)
    pulse_round = open_round(practice, closes_on=day)
    assert pulse_selectors.is_open(pulse_round, today=day)
    assert not pulse_selectors.is_open(pulse_round, today=day + timedelta(days=1))
    assert pulse_selectors.results(pulse_round, today=day).state == anonymity.OPEN


@pytest.mark.parametrize("role", [Role.OWNER, Role.EXPERIENCE_LEAD])
def test_editors_open_and_close_a_round(client, practice, role):
    client.force_login(make_staff(practice, role))
    day = today(practice)
    quarter = pulse_selectors.quarter_start(day)
    form = client.get(url("pulse_round_new", practice))
    assert form.status_code == 200
    response = client.post(
        url("pulse_round_new", practice),
        {"quarter": quarter.isoformat(), "closes_on": pulse_selectors.quarter_end(quarter).isoformat()},
    )
    assert response.status_code == 302
    pulse_round = PulseRound.objects.get(practice=practice, quarter_start=quarter)
    # One per quarter.
    again = client.post(
        url("pulse_round_new", practice),
        {"quarter": quarter.isoformat(), "closes_on": pulse_selectors.quarter_end(quarter).isoformat()},
    )
    assert "already has a round" in again.content.decode()
    assert PulseRound.objects.filter(practice=practice).count() == 1
    assert client.post(url("pulse_round_close", practice, pk=pulse_round.pk)).status_code == 302
    pulse_round.refresh_from_db()
    assert pulse_round.closed


@pytest.mark.parametrize(
    ("quarter", "closes_on", "message"),
    [
        ("2020-01-01", "2020-02-01", "Select a valid choice"),
        ("not-a-date", "2026-01-01", "Select a valid choice"),
        (None, "1999-01-01", "inside the round"),
        (None, "", "This field is required"),
    ],
)
def test_bad_round_input_changes_nothing(client, practice, quarter, closes_on, message):
    client.force_login(make_staff(practice, Role.OWNER))
    this = pulse_selectors.quarter_start(today(practice))
    response = client.post(
        url("pulse_round_new", practice), {"quarter": quarter or this.isoformat(), "closes_on": closes_on}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PulseRound.objects.filter(practice=practice).exists()


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN, Role.BILLING])
def test_the_team_cannot_open_or_close_rounds(client, practice, role):
    pulse_round = open_round(practice)
    client.force_login(make_staff(practice, role))
    assert client.get(url("pulse_round_new", practice)).status_code == 403
    assert client.post(url("pulse_round_close", practice, pk=pulse_round.pk)).status_code == 403
    pulse_round.refresh_from_db()
    assert not pulse_round.closed
    assert client.get(url("pulse", practice)).status_code == 200


def test_another_practices_round_is_404_and_takes_no_answer(client, practice, other_practice):
    theirs = open_round(other_practice)
    client.force_login(make_staff(practice, Role.OWNER))
    assert client.get(url("pulse_answer", practice, pk=theirs.pk)).status_code == 404
    assert client.post(url("pulse_answer", practice, pk=theirs.pk), GOOD).status_code == 404
    assert client.post(url("pulse_round_close", practice, pk=theirs.pk)).status_code == 404
    assert state(theirs) == (0, [])
    with pytest.raises(pulse_services.PulseRefused):
        pulse_services.answer_round(
            practice=practice,
            user=make_staff(practice, Role.FRONT_DESK),
            pulse_round=theirs,
            scores=pulse_services.Scores("", 5, 3, 3, 3),
            today=today(practice),
        )
    # A member of the other practice cannot answer through this practice either.
    mine = open_round(practice)
    with pytest.raises(pulse_services.PulseRefused):
        pulse_services.answer_round(
            practice=practice,
            user=make_staff(other_practice, Role.FRONT_DESK),
            pulse_round=mine,
            scores=pulse_services.Scores("", 5, 3, 3, 3),
            today=today(practice),
        )
    assert state(mine) == (0, [])


def test_two_quarters_side_by_side(client, practice):
    earlier = open_round(practice, quarter_start=date(2026, 4, 1), closes_on=date(2026, 6, 1))
    later = open_round(practice, quarter_start=date(2026, 7, 1), closes_on=date(2026, 9, 1))
    for pulse_round, recommend in ((earlier, 3), (later, 10)):
        pulse_round.closes_on = today(practice) + timedelta(days=1)
        pulse_round.save()
        fill(pulse_round, practice, [(anonymity.NOT_SAID, recommend, 5)] * 6)
        pulse_round.closed = True
        pulse_round.save()
    client.force_login(make_staff(practice, Role.FRONT_DESK))
    page = client.get(url("pulse_round", practice, pk=later.pk)).content.decode()
    assert "Compared with" in page
    # Six answers a side: however big the difference, too few to call it a change.
    assert "Too few answers to say" in page and "Changed: better" not in page


def test_the_list_shows_who_may_answer(client, practice):
    pulse_round = open_round(practice)
    member = make_staff(practice, Role.FRONT_DESK)
    client.force_login(member)
    page = client.get(url("pulse", practice)).content.decode()
    assert url("pulse_answer", practice, pk=pulse_round.pk) in page
    client.post(url("pulse_answer", practice, pk=pulse_round.pk), GOOD)
    page = client.get(url("pulse", practice)).content.decode()
    assert "Answered" in page


def test_the_answering_page_in_spanish(client, practice):
    from django.conf import settings

    pulse_round = open_round(practice)
    client.force_login(make_staff(practice, Role.FRONT_DESK))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(url("pulse_answer", practice, pk=pulse_round.pk)).content.decode()
    assert "Qué se guarda" in page
    assert "Prefiero no decirlo" in page
