"""What patients said at a touch point, for a group (cx/selectors/patients_said.py), from planted responses."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from cx import stats
from cx.models import PatientGroup
from cx.selectors import patients_said as said_selectors
from cx.selectors.patients_said import Criteria, age_on, members, patients_said
from feedback.models import CommentAnalysis, Question
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_response, make_survey

FIRST, LAST = date(2029, 1, 8), date(2030, 1, 7)
NOON = datetime(2029, 6, 1, 17, 0, tzinfo=UTC)  # noon in Chicago


@pytest.fixture
def version(practice):
    version = make_survey(practice)
    # The ease question asks about online booking; the rest stay on the survey touch point.
    Question.objects.filter(version=version, code="ease_booking").update(touchpoint="self-scheduling")
    return version


def respond(
    version, patient, *, at=NOON, ease=None, comment=None, touchpoint="self-scheduling", language="en", **reading
):
    answers = {}
    if ease is not None:
        answers["ease_booking"] = ease
    if comment is not None:
        answers["comment"] = comment
    response = make_response(version, patient, answers, completed_at=at, touchpoint=touchpoint, language=language)
    if comment is not None:
        answer = response.answers.get(question__code="comment")
        CommentAnalysis.objects.create(
            practice=response.practice,
            answer=answer,
            sentiment=reading.get("sentiment", "positive"),
            score=reading.get("score", 0.5),
            touchpoints=reading.get("topics", []),
            corrected_sentiment=reading.get("corrected", ""),
            corrected_touchpoints=reading.get("corrected_topics"),
        )
    return response


def said(practice, group=None, touchpoint="self-scheduling"):
    return patients_said(practice=practice, touchpoint=touchpoint, group=group, first_day=FIRST, last_day=LAST)


def group_of(practice, **criteria):
    return PatientGroup.objects.create(practice=practice, name=f"group {PatientGroup.objects.count()}", **criteria)


# --- survey items ---------------------------------------------------------------------------------


def test_items_give_top_box_with_n_and_a_wilson_interval(practice, version, patient):
    for i in range(40):
        respond(version, patient, at=NOON + timedelta(hours=i), ease=5 if i < 30 else 4)
    # A rating of the provider: another touch point, not on this map.
    make_response(version, patient, {"provider_rating": 10}, completed_at=NOON, touchpoint="self-scheduling")
    result = said(practice)
    assert [item.code for item in result.items] == ["ease_booking"]
    share = result.items[0].top_box
    expected = stats.wilson(30, 40)
    assert (share.count, share.n, share.percent) == (30, 40, 75.0)
    assert share.low == pytest.approx(expected.low * 100) and share.high == pytest.approx(expected.high * 100)
    assert not share.too_few
    assert result.responses == 40
    assert result.survey_top_box == 75.0
    assert result.survey_feeling == "positive"
    assert result.items[0].label.text_en == "How easy was it to book?"


def test_an_item_under_30_answers_is_too_few_and_says_nothing(practice, version, patient):
    for i in range(29):
        respond(version, patient, at=NOON + timedelta(hours=i), ease=1)
    result = said(practice)
    assert result.items[0].top_box.too_few and result.items[0].top_box.n == 29
    assert result.survey_top_box is None and result.survey_feeling is None and result.feeling is None
    assert result.too_few_responses


def test_the_range_and_the_practice_bound_what_is_read(practice, other_practice, version, patient, make_patient):
    respond(version, patient, at=NOON, ease=5)
    respond(version, patient, at=datetime(2028, 12, 1, 17, tzinfo=UTC), ease=5)  # before the range
    stranger = make_patient(other_practice)
    respond(make_survey(other_practice), stranger, at=NOON, comment="Lovely booking", topics=[])
    result = said(practice)
    assert result.items[0].top_box.n == 1
    assert result.comments == 0


# --- who is in a group ----------------------------------------------------------------------------


def test_language_is_the_survey_language_or_the_preferred_one(practice, version, make_patient):
    answered_in_spanish = make_patient(practice, preferred_language="en")
    prefers_spanish = make_patient(practice, preferred_language="es")
    english = make_patient(practice, preferred_language="en")
    respond(version, answered_in_spanish, ease=5, language="es")
    respond(version, prefers_spanish, ease=5, language="en")
    respond(version, english, ease=4, language="en")
    spanish = group_of(practice, language="es")
    english_group = group_of(practice, language="en")
    assert said(practice, spanish).items[0].top_box.n == 2
    assert said(practice, spanish).items[0].top_box.count == 2
    # Answered in English or prefer it: all three (a patient can be in both language groups).
    assert said(practice, english_group).items[0].top_box.n == 3
    assert said(practice).items[0].top_box.n == 3


def test_age_is_counted_on_the_local_day_of_the_response(practice, version, make_patient):
    turning = make_patient(practice, date_of_birth=date(1964, 6, 15))  # 65 on 15 June 2029
    old = make_patient(practice, date_of_birth=date(1940, 1, 1))
    young = make_patient(practice, date_of_birth=date(1990, 1, 1))
    before = respond(version, turning, at=datetime(2029, 6, 14, 17, tzinfo=UTC), ease=5)
    # 03:00 UTC on the 15th is still the 14th in Chicago: 64 that day.
    late_evening = respond(version, turning, at=datetime(2029, 6, 15, 3, 5, tzinfo=UTC), ease=5)
    after = respond(version, turning, at=datetime(2029, 6, 15, 17, tzinfo=UTC), ease=5)
    elder = respond(version, old, ease=5)
    youth = respond(version, young, ease=5)

    def ids(**criteria):
        rows = members(practice=practice, criteria=Criteria(**criteria), first_day=FIRST, last_day=LAST)
        return set(rows.values_list("pk", flat=True))

    assert ids(min_age=65) == {after.pk, elder.pk}
    assert ids(max_age=64) == {before.pk, late_evening.pk, youth.pk}
    assert ids(min_age=40, max_age=64) == {before.pk, late_evening.pk}  # the young one is 39
    assert said(practice, group_of(practice, min_age=65)).items[0].top_box.n == 2


def test_age_on_counts_whole_years():
    assert age_on(date(1964, 6, 15), date(2029, 6, 14)) == 64
    assert age_on(date(1964, 6, 15), date(2029, 6, 15)) == 65
    assert age_on(date(2000, 2, 29), date(2018, 2, 28)) == 17
    assert age_on(date(2000, 2, 29), date(2018, 3, 1)) == 18


def test_new_means_no_earlier_visit_than_the_surveyed_one(
    practice, version, make_patient, provider, location, visit_type
):
    def visit(patient, when, status=AppointmentStatus.FULFILLED):
        return make_appointment(patient, provider, location, visit_type, start=when, status=status)

    def after_visit(patient, appointment):
        response = respond(version, patient, at=appointment.start + timedelta(hours=3), ease=5)
        response.invitation.appointment = appointment
        response.invitation.save(update_fields=["appointment"])
        return response

    march = datetime(2029, 3, 1, 16, tzinfo=UTC)
    first_timer = make_patient(practice)
    new_1 = after_visit(first_timer, visit(first_timer, march))
    regular = make_patient(practice)
    visit(regular, datetime(2028, 5, 1, 16, tzinfo=UTC))
    returning_1 = after_visit(regular, visit(regular, march))
    cancelled_before = make_patient(practice)
    visit(cancelled_before, datetime(2028, 5, 1, 16, tzinfo=UTC), status=AppointmentStatus.CANCELLED)
    visit(cancelled_before, datetime(2028, 6, 1, 16, tzinfo=UTC), status=AppointmentStatus.NOSHOW)
    new_2 = after_visit(cancelled_before, visit(cancelled_before, march))
    # No appointment on the invitation: "before" is before the response started.
    booked_online = make_patient(practice)
    visit(booked_online, datetime(2029, 2, 1, 16, tzinfo=UTC))
    returning_2 = respond(version, booked_online, at=march + timedelta(days=1), ease=5)
    never_seen = make_patient(practice)
    new_3 = respond(version, never_seen, at=march + timedelta(days=1), ease=5)

    def ids(visits):
        rows = members(practice=practice, criteria=Criteria(visits=visits), first_day=FIRST, last_day=LAST)
        return set(rows.values_list("pk", flat=True))

    assert ids("new") == {new_1.pk, new_2.pk, new_3.pk}
    assert ids("returning") == {returning_1.pk, returning_2.pk}
    assert said(practice, group_of(practice, visits="new")).items[0].top_box.n == 3


def test_new_and_returning_on_planted_visits_around_each_response(
    practice, version, make_patient, provider, location, visit_type
):
    """Only kept visits that began before the response's appointment (or the response) count."""
    march = datetime(2029, 3, 1, 16, tzinfo=UTC)

    def visit(patient, when, status=AppointmentStatus.FULFILLED):
        return make_appointment(patient, provider, location, visit_type, start=when, status=status)

    def after_visit(patient, appointment, hours=3):
        response = respond(version, patient, at=appointment.start + timedelta(hours=hours), ease=5)
        response.invitation.appointment = appointment
        response.invitation.save(update_fields=["appointment"])
        return response

    expected_new, expected_returning = set(), set()
    for status in (AppointmentStatus.CANCELLED, AppointmentStatus.NOSHOW, AppointmentStatus.ENTERED_IN_ERROR):
        not_a_visit = make_patient(practice)  # an earlier appointment that never happened: still new
        visit(not_a_visit, march - timedelta(days=30), status=status)
        expected_new.add(after_visit(not_a_visit, visit(not_a_visit, march)).pk)
    kept = make_patient(practice)  # an earlier kept visit: returning
    visit(kept, march - timedelta(days=30), status=AppointmentStatus.BOOKED)
    expected_returning.add(after_visit(kept, visit(kept, march)).pk)
    # Two surveys of one patient: new after the first visit, returning after the second.
    twice = make_patient(practice)
    expected_new.add(after_visit(twice, visit(twice, march)).pk)
    expected_returning.add(after_visit(twice, visit(twice, march + timedelta(days=60))).pk)
    # The survey is about an earlier visit than one already kept when it was answered: still new.
    late_answer = make_patient(practice)
    first = visit(late_answer, march)
    visit(late_answer, march + timedelta(days=10))
    expected_new.add(after_visit(late_answer, first, hours=24 * 20).pk)
    # No appointment on the invitation: visits before the response started count, later ones not.
    online = make_patient(practice)
    visit(online, march - timedelta(minutes=6))  # the response was started 5 minutes before it ended
    visit(online, march - timedelta(days=3), status=AppointmentStatus.CANCELLED)
    expected_returning.add(respond(version, online, at=march, ease=5).pk)
    future_only = make_patient(practice)
    visit(future_only, march + timedelta(days=1))
    expected_new.add(respond(version, future_only, at=march, ease=5).pk)
    cancelled_only = make_patient(practice)
    visit(cancelled_only, march - timedelta(days=1), status=AppointmentStatus.CANCELLED)
    expected_new.add(respond(version, cancelled_only, at=march, ease=5).pk)
    expected_new.add(respond(version, make_patient(practice), at=march, ease=5).pk)
    # A visit starting at the very moment the response started is not "before" it.
    same_time = make_patient(practice)
    visit(same_time, march - timedelta(minutes=5))
    expected_new.add(respond(version, same_time, at=march, ease=5).pk)
    # Out of the range: in neither group.
    visit(kept, datetime(2028, 1, 2, 16, tzinfo=UTC))
    respond(version, kept, at=datetime(2028, 1, 3, 16, tzinfo=UTC), ease=5)

    def both(visits, **criteria):
        chosen = Criteria(visits=visits, **criteria)
        rows = members(practice=practice, criteria=chosen, first_day=FIRST, last_day=LAST)
        return set(rows.values_list("pk", flat=True))

    assert both("new") == expected_new
    assert both("returning") == expected_returning
    assert both("") == expected_new | expected_returning
    assert both("new", language="es") == set()
    assert said(practice, group_of(practice, visits="new")).items[0].top_box.n == len(expected_new)
    assert said(practice, group_of(practice, visits="returning")).items[0].top_box.n == len(expected_returning)


def test_new_or_returning_reads_only_the_covering_index(practice):
    rows = members(practice=practice, criteria=Criteria(visits="new"), first_day=FIRST, last_day=LAST)
    sql, params = rows.values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING COVERING INDEX appointment_patient_kept_idx" in plan, plan
        else:
            # PostgreSQL picks its plan from the table's statistics, so a test database's plan says
            # nothing about a live one's. What must hold there is the index itself: practice and
            # patient first, then the start and the status the EXISTS reads.
            constraints = connection.introspection.get_constraints(cursor, "scheduling_appointment")
            index = constraints["appointment_patient_kept_idx"]
            assert index["index"] and index["columns"] == ["practice_id", "patient_id", "start", "status"]


def test_criteria_combine(practice, version, make_patient):
    spanish_elder = make_patient(practice, preferred_language="es", date_of_birth=date(1950, 1, 1))
    english_elder = make_patient(practice, preferred_language="en", date_of_birth=date(1950, 1, 1))
    spanish_young = make_patient(practice, preferred_language="es", date_of_birth=date(1995, 1, 1))
    for patient in (spanish_elder, english_elder, spanish_young):
        respond(version, patient, ease=5, comment="Fine", topics=[])
    result = said(practice, group_of(practice, language="es", min_age=65))
    assert result.items[0].top_box.n == 1
    assert result.comments == 1


# --- comments and quotes --------------------------------------------------------------------------


def test_comment_shares_use_corrections_and_the_topics_that_cover_the_touch_point(practice, version, patient):
    booking = [{"name": "booking and access", "sentiment": "negative"}]
    # About online booking, read negative, corrected to positive: counts positive.
    respond(version, patient, comment="Booking was fine", sentiment="negative", corrected="positive")
    # A visit survey whose comment speaks of booking: that topic's feeling (negative), not the overall one.
    respond(
        version, patient, touchpoint="survey", comment="Great doctor, awful booking", sentiment="mixed", topics=booking
    )
    # Speaks only of waiting: not about booking.
    respond(
        version,
        patient,
        touchpoint="survey",
        comment="Long wait",
        topics=[{"name": "waiting", "sentiment": "negative"}],
    )
    # The machine said booking; the staff's correction took it away.
    respond(version, patient, touchpoint="survey", comment="Parking", topics=booking, corrected_topics=[])
    result = said(practice)
    shares = {s.sentiment: s.share for s in result.sentiments}
    assert result.comments == 2
    assert (shares["positive"].count, shares["negative"].count, shares["mixed"].count) == (1, 1, 0)
    assert shares["positive"].percent == 50.0 and shares["positive"].n == 2
    assert result.comment_feeling is None  # too few to say


def test_comment_feeling_and_the_overall_rule(practice, version, patient):
    for i in range(40):
        respond(
            version,
            patient,
            at=NOON + timedelta(hours=i),
            ease=5 if i < 16 else 3,  # 40 % top box: negative
            comment=f"Could not find a Saturday time ({i})",
            sentiment="negative" if i < 25 else "neutral",  # 62.5 % negative
        )
    result = said(practice)
    assert result.comment_feeling == "negative"
    assert result.survey_feeling == "negative"
    assert result.feeling == "negative"


def test_quotes_are_redacted(practice, version, make_patient, provider):
    writer = make_patient(practice, first_name="Valentina", last_name="Quiroga")
    planted = [
        "Call me back on (512) 555-0142 please, the online booking kept failing.",
        "Email maria.gomez@example.com if the Saturday slots open, booking was confusing.",
        "I booked for my neighbour Jennifer Walsh too and her time vanished.",
        "My date of birth is 03/14/1980 and the booking form rejected it twice.",
        "This is Valentina Quiroga: Dr. Cole was lovely but booking online was slow.",
    ]
    for i, text in enumerate(planted):
        respond(version, writer, at=NOON + timedelta(days=i), comment=text, sentiment="negative", score=-0.5)
    quotes = said(practice).quotes
    assert len(quotes) == 5
    shown = " ".join(q.text for q in quotes)
    for secret in ("555-0142", "maria.gomez@example.com", "Jennifer", "Walsh", "03/14/1980", "Valentina", "Quiroga"):
        assert secret not in shown, secret
    for mark in ("[phone]", "[email]", "[name]", "[date]"):
        assert mark in shown, mark
    assert "Cole" in shown  # staff are who patients thank: kept


def test_quotes_come_from_the_newest_comments(practice, version, patient, monkeypatch):
    monkeypatch.setattr(said_selectors, "QUOTE_POOL", 3)
    for i in range(6):
        respond(version, patient, at=NOON + timedelta(days=i), comment=f"Comment number {i} about booking")
    texts = {q.text for q in said(practice).quotes}
    assert texts == {f"Comment number {i} about booking" for i in (3, 4, 5)}


# --- cost and freshness ---------------------------------------------------------------------------


def _plant(version, patients, count):
    for i in range(count):
        respond(
            version,
            patients[i % len(patients)],
            at=NOON + timedelta(hours=i),
            ease=5,
            comment=f"Booking comment {i}",
            touchpoint="self-scheduling" if i % 2 else "survey",
            topics=[{"name": "booking and access", "sentiment": "positive"}],
        )


@pytest.mark.parametrize("criteria", [{}, {"visits": "new", "language": "en", "min_age": 18, "max_age": 90}])
def test_the_number_of_queries_does_not_grow_with_the_data(
    practice, version, make_patient, django_assert_max_num_queries, criteria
):
    patients = [make_patient(practice) for _ in range(3)]
    group = group_of(practice, **criteria) if criteria else None
    _plant(version, patients, 4)
    with django_assert_max_num_queries(24) as small:
        said(practice, group)
    _plant(version, patients, 40)
    said_selectors.cache.clear()
    with django_assert_max_num_queries(24) as large:
        said(practice, group)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_answer_is_cached_until_a_new_response_or_correction(
    practice, version, patient, django_assert_max_num_queries
):
    respond(version, patient, ease=5, comment="Easy", sentiment="positive")
    first = said(practice)
    with django_assert_max_num_queries(3):  # the cache key's two reads and the cache itself
        assert said(practice) == first
    respond(version, patient, ease=1)
    assert said(practice).items[0].top_box.n == 2
    analysis = CommentAnalysis.objects.get()
    analysis.corrected_sentiment = "negative"
    analysis.corrected_at = datetime(2030, 1, 7, tzinfo=UTC)
    analysis.save()
    shares = {s.sentiment: s.share.count for s in said(practice).sentiments}
    assert shares["negative"] == 1 and shares["positive"] == 0
