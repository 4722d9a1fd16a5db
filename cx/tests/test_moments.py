"""The experience moment's reads and writes: the meeting date and week in the practice's zone, the
story candidates (ranked, redacted, the patient shown as chosen), the failed experience, the week's
movement (only beyond the control limits), and the lead's changes (audited; bad input changes nothing)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from audit.models import AuditEntry
from cx import charts
from cx.models import (
    CxSettings,
    ExperienceMoment,
    MomentAttendee,
    MomentStatus,
    PatientShown,
    Recognition,
    RecognitionStatus,
    SourceKind,
)
from cx.selectors import moments as selectors
from cx.services import moments as services
from feedback.models import Sentiment
from practices.models import Role, Weekday
from tests.factories import make_survey

from .moment_data import MEETING, bulk_answers, case, comment, in_week, local, visits

pytestmark = pytest.mark.django_db

# A comment with another patient's name, a phone number, an email address and a date of birth planted in it.
PLANTED = (
    "Dr. Cole was wonderful. My neighbour Maria Gonzalez told me to call (512) 555-0123 or write to "
    "maria.gonzalez@example.com, and Zebediah Quintrell says hi. I was born 04/12/1985."
)
NEVER_SHOWN = ("Gonzalez", "555-0123", "maria.gonzalez@example.com", "04/12/1985", "1985", "Quintrell", "Zuleika")


@pytest.fixture
def version(practice):
    return make_survey(practice)


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")


def moment_of(practice, lead, meeting=MEETING):
    return services.prepare_moment(practice=practice, actor_user=lead, meeting_date=meeting)


# --- dates in the practice's zone --------------------------------------------------------------------


def test_the_week_is_the_seven_local_days_before_the_meeting_starts(practice):
    start, end = selectors.moment_period(practice, MEETING)
    assert end == datetime(2030, 1, 8, 14, 0, tzinfo=UTC)  # 08:00 in Chicago (CST, UTC-6)
    assert start == datetime(2030, 1, 1, 14, 0, tzinfo=UTC)


def test_the_week_of_a_clock_change_keeps_the_meeting_time_on_the_wall_clock(practice):
    # Clocks go forward on Sunday 10 March 2030 in Chicago: that week has 167 hours.
    start, end = selectors.moment_period(practice, date(2030, 3, 12))
    assert start == datetime(2030, 3, 5, 14, 0, tzinfo=UTC)  # 08:00 CST
    assert end == datetime(2030, 3, 12, 13, 0, tzinfo=UTC)  # 08:00 CDT
    assert end - start == timedelta(hours=167)
    # ...and back on Sunday 3 November 2030: 169 hours.
    start, end = selectors.moment_period(practice, date(2030, 11, 5))
    assert end - start == timedelta(hours=169)
    assert end.astimezone(selectors.ZoneInfo(practice.timezone)).time() == time(8, 0)


def test_the_meeting_time_comes_from_the_practice_settings(practice):
    CxSettings.objects.create(practice=practice, meeting_weekday=Weekday.THURSDAY, meeting_time=time(12, 30))
    assert selectors.next_meeting_date(practice, date(2030, 1, 8)) == date(2030, 1, 10)
    assert selectors.moment_period(practice, date(2030, 1, 10))[1] == datetime(2030, 1, 10, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2030, 1, 7), MEETING), (MEETING, MEETING), (date(2030, 1, 9), date(2030, 1, 15))],
)
def test_the_next_meeting_is_on_the_meeting_weekday_today_included(practice, today, expected):
    assert selectors.next_meeting_date(practice, today) == expected


def test_the_next_meeting_is_found_from_the_practice_local_date(practice, lead):
    # 04:30 UTC on Wednesday is still Tuesday 22:30 in Chicago: the meeting of that Tuesday.
    moment = services.prepare_next_moment(
        practice=practice, actor_user=lead, now=datetime(2030, 1, 9, 4, 30, tzinfo=UTC)
    )
    assert moment.meeting_date == MEETING


# --- preparing ---------------------------------------------------------------------------------------


def test_preparing_twice_keeps_one_moment_and_one_creation_entry(practice, lead):
    first = moment_of(practice, lead)
    second = moment_of(practice, lead)
    assert first.pk == second.pk
    assert ExperienceMoment.objects.filter(practice=practice).count() == 1
    assert AuditEntry.objects.filter(object_type="cx.experiencemoment", action="create").count() == 1
    assert (second.period_start, second.period_end) == selectors.moment_period(practice, MEETING)


def test_preparing_again_follows_a_new_meeting_time_but_a_presented_moment_stays(practice, lead):
    moment = moment_of(practice, lead)
    CxSettings.objects.create(practice=practice, meeting_time=time(9, 0))
    moment = moment_of(practice, lead)
    assert moment.period_end == datetime(2030, 1, 8, 15, 0, tzinfo=UTC)
    services.mark_presented(practice=practice, actor_user=lead, moment=moment)
    CxSettings.objects.filter(practice=practice).update(meeting_time=time(10, 0))
    moment = moment_of(practice, lead)
    assert moment.period_end == datetime(2030, 1, 8, 15, 0, tzinfo=UTC)
    assert moment.status == MomentStatus.PRESENTED


def test_preparing_fills_the_story_and_lesson_with_the_best_candidates(practice, lead, version, make_patient):
    good = comment(version, make_patient(practice), "They fit me in the same day. Thank you!", at=in_week(practice))
    comment(
        version,
        make_patient(practice),
        "Nobody called me back about my bill.",
        at=in_week(practice),
        sentiment=Sentiment.NEGATIVE,
        score=-0.8,
    )
    moment = moment_of(practice, lead)
    assert moment.story_source == SourceKind.COMMENT
    assert moment.story_answer.response_id == good.pk
    assert "same day" in moment.story_quote
    assert moment.lesson_source == SourceKind.COMMENT
    assert "called me back" in moment.lesson_quote


# --- story candidates --------------------------------------------------------------------------------


def test_a_patient_outcome_ranks_above_a_practice_achievement(practice, lead, version, make_patient):
    comment(
        version,
        make_patient(practice),
        "The practice got new chairs in the waiting room and a new coffee machine. Very nice!",
        at=in_week(practice),
        score=0.95,
    )
    comment(
        version,
        make_patient(practice),
        "They fit me in the same day and my rash was gone in a week. I can finally sleep again.",
        at=in_week(practice),
        score=0.6,
    )
    options = selectors.story_options(practice, moment_of(practice, lead))
    assert len(options) == 2
    assert "fit me in" in options[0].quote
    assert "chairs" in options[1].quote
    assert all(option.reasons for option in options)


def test_candidates_are_positive_comments_and_resolved_recovery_cases_of_the_week_only(
    practice, lead, version, make_patient
):
    patient = make_patient(practice)
    comment(version, patient, "Lovely visit, thank you.", at=in_week(practice))
    comment(version, patient, "Last month was lovely too.", at=in_week(practice, days_before=9))  # the week before
    comment(version, patient, "Awful wait.", at=in_week(practice), sentiment=Sentiment.NEGATIVE, score=-0.9)
    # A comment read as negative that staff corrected to positive counts as positive.
    comment(
        version,
        patient,
        "Not bad at all, they sorted it.",
        at=in_week(practice),
        sentiment=Sentiment.NEGATIVE,
        score=-0.2,
        corrected=Sentiment.POSITIVE,
    )
    complaint = comment(
        version, patient, "My results took ages.", at=in_week(practice, days_before=12), sentiment=Sentiment.NEGATIVE
    )
    case(
        complaint,
        opened_at=in_week(practice, days_before=12),
        closed_at=in_week(practice, days_before=3),
        notes="Called her back the same afternoon and booked a follow-up.",
    )
    unresolved = comment(version, patient, "Rude on the phone.", at=in_week(practice), sentiment=Sentiment.NEGATIVE)
    case(unresolved, opened_at=in_week(practice), closed_at=in_week(practice, days_before=1), outcome="not_resolved")
    moment = ExperienceMoment.objects.create(
        practice=practice,
        meeting_date=MEETING,
        period_start=selectors.moment_period(practice, MEETING)[0],
        period_end=selectors.moment_period(practice, MEETING)[1],
    )
    options = selectors.story_options(practice, moment)
    quotes = {option.quote for option in options}
    assert len(options) == 3
    assert "Lovely visit, thank you." in quotes
    assert "Not bad at all, they sorted it." in quotes
    recovery = next(o for o in options if o.source == SourceKind.RECOVERY)
    assert "Called her back" in recovery.done
    assert not any("Awful" in q or "Last month" in q or "Rude" in q for q in quotes)


def test_candidates_are_redacted_but_keep_the_staff_names(practice, lead, version, make_patient, provider):
    patient = make_patient(practice, first_name="Zuleika", last_name="Ambrose")
    other = make_patient(practice, first_name="Zebediah", last_name="Quintrell")
    comment(version, other, "Fine.", at=in_week(practice))  # Zebediah answered this week too
    comment(version, patient, PLANTED + " Zuleika Ambrose", at=in_week(practice))
    options = selectors.story_options(practice, moment_of(practice, lead))
    quote = next(o.quote for o in options if "wonderful" in o.quote)
    assert "Dr. Cole" in quote
    for planted in (*NEVER_SHOWN, "Ambrose"):
        assert planted not in quote
    assert "[phone]" in quote and "[email]" in quote and "[name]" in quote


@pytest.mark.parametrize(("mode", "shown"), [(PatientShown.FIRST_NAME, "Zuleika"), (PatientShown.ANONYMOUS, "")])
def test_the_patient_is_shown_by_first_name_or_anonymously_as_the_practice_chooses(
    practice, lead, version, make_patient, mode, shown
):
    CxSettings.objects.create(practice=practice, patient_shown=mode)
    comment(
        version, make_patient(practice, first_name="Zuleika", last_name="Ambrose"), "Great care.", at=in_week(practice)
    )
    moment = moment_of(practice, lead)
    (option,) = selectors.story_options(practice, moment)
    assert option.patient == shown
    assert moment.story_patient == shown
    assert "Ambrose" not in option.patient


# --- the failed experience ---------------------------------------------------------------------------


def test_the_failed_experience_prefers_a_recovery_case_and_says_what_was_done(practice, lead, version, make_patient):
    patient = make_patient(practice, first_name="Zuleika", last_name="Ambrose")
    comment(version, patient, "Too slow.", at=in_week(practice), sentiment=Sentiment.NEGATIVE, score=-0.9)
    response = comment(
        version,
        patient,
        "Zuleika here: nobody answered the phone for two days.",
        at=in_week(practice),
        sentiment=Sentiment.NEGATIVE,
        score=-0.6,
    )
    case(response, opened_at=in_week(practice), notes="Lena called Zuleika Ambrose back and apologised.")
    moment = moment_of(practice, lead)
    lessons = selectors.lesson_options(practice, moment)
    assert lessons[0].source == SourceKind.RECOVERY
    assert "Lena called" in lessons[0].done and "Zuleika" not in lessons[0].done
    assert "nobody answered" in lessons[0].quote and "Zuleika" not in lessons[0].quote
    assert lessons[1].source == SourceKind.COMMENT
    assert moment.lesson_source == SourceKind.RECOVERY


def test_a_bottom_box_answer_is_a_failed_experience_when_nothing_else_is(practice, lead, version, make_patient):
    from tests.factories import make_response

    make_response(version, make_patient(practice), {"cg_access": 1}, completed_at=in_week(practice))
    (lesson,) = selectors.lesson_options(practice, moment_of(practice, lead))
    assert lesson.source == SourceKind.ANSWER
    assert "Never" in lesson.quote


# --- the week's movement -----------------------------------------------------------------------------


def _top_box_history(practice, version, patient, latest_top: int):
    for back in range(1, 13):
        bulk_answers(
            version,
            patient,
            "provider_rating",
            [10] * 15 + [5] * 15,
            at=in_week(practice, MEETING - timedelta(days=7 * back)),
        )
    bulk_answers(version, patient, "provider_rating", [10] * latest_top + [5] * (30 - latest_top), at=in_week(practice))


def test_a_top_box_beyond_the_control_limits_is_a_move_with_its_n_and_limits(practice, lead, version, patient):
    _top_box_history(practice, version, patient, latest_top=29)
    result = selectors.movement(
        practice=practice, moment=moment_of(practice, lead), settings=selectors.cx_settings(practice)
    )
    (move,) = result.moves
    assert (move.kind, move.touchpoint, move.direction, move.n) == ("top_box", "survey", charts.UP, 30)
    assert move.better is True
    assert move.value == pytest.approx(100 * 29 / 30)
    assert move.center == pytest.approx(50.0)
    assert move.lower == pytest.approx(50 - 300 * (0.25 / 30) ** 0.5)
    assert move.upper == pytest.approx(50 + 300 * (0.25 / 30) ** 0.5)
    assert result.weeks == 12


def test_ordinary_variation_is_not_called_a_change(practice, lead, version, patient):
    _top_box_history(practice, version, patient, latest_top=19)
    result = selectors.movement(
        practice=practice, moment=moment_of(practice, lead), settings=selectors.cx_settings(practice)
    )
    assert result.moves == []
    assert [m.kind for m in result.steady] == ["top_box"]


def test_under_thirty_answers_is_too_few_to_tell(practice, lead, version, patient):
    for back in range(1, 13):
        bulk_answers(
            version,
            patient,
            "provider_rating",
            [10] * 15 + [5] * 15,
            at=in_week(practice, MEETING - timedelta(days=7 * back)),
        )
    bulk_answers(version, patient, "provider_rating", [10] * 10, at=in_week(practice))
    result = selectors.movement(
        practice=practice, moment=moment_of(practice, lead), settings=selectors.cx_settings(practice)
    )
    assert result.moves == [] and result.steady == []
    assert [m.kind for m in result.too_few] == ["top_box"]


def test_minutes_waiting_going_up_beyond_the_limits_is_worse(practice, lead, patient, provider, location, visit_type):
    for back, wait in zip(range(1, 7), (10, 12, 11, 13, 10, 12), strict=True):
        visits(patient, provider, location, visit_type, week_end=MEETING - timedelta(days=7 * back), waits=[wait] * 30)
    visits(patient, provider, location, visit_type, week_end=MEETING, waits=[40] * 30)
    moment = moment_of(practice, lead)
    result = selectors.movement(
        practice=practice, moment=moment, settings=selectors.cx_settings(practice), now=local(practice, MEETING, 9)
    )
    waiting = next(m for m in result.moves if m.kind == "waiting")
    assert waiting.direction == charts.UP and waiting.better is False
    assert waiting.value == pytest.approx(40) and waiting.n == 30
    # Everyone came: the no-show rate did not move.
    assert [m.kind for m in result.steady] == ["no_show"]


def test_the_draft_is_built_in_a_fixed_number_of_queries(
    practice, lead, version, make_patient, django_assert_max_num_queries
):
    for i in range(12):
        comment(version, make_patient(practice), f"Thank you for the care, visit {i}.", at=in_week(practice))
    moment = moment_of(practice, lead)
    with django_assert_max_num_queries(20):
        draft = selectors.moment_draft(practice, moment)
    assert len(draft.stories) == 3


# --- the lead's changes ------------------------------------------------------------------------------


def test_choosing_a_story_that_is_not_a_candidate_changes_nothing(
    practice, lead, version, make_patient, other_practice
):
    foreign_version = make_survey(other_practice)
    foreign = comment(foreign_version, make_patient(other_practice), "Great!", at=in_week(other_practice))
    moment = moment_of(practice, lead)
    before = AuditEntry.objects.count()
    with pytest.raises(services.MomentError):
        services.choose_story(
            practice=practice,
            actor_user=lead,
            moment=moment,
            key=f"comment:{foreign.answers.get(question__code='comment').pk}",
        )
    moment.refresh_from_db()
    assert moment.story_source == "" and AuditEntry.objects.count() == before


def test_the_lead_s_own_words_are_stored_redacted(practice, lead, provider, version, make_patient):
    # Zebediah Quintrell (no name a dictionary knows) answered a survey this week.
    comment(version, make_patient(practice, first_name="Zebediah", last_name="Quintrell"), "Ok.", at=in_week(practice))
    moment = moment_of(practice, lead)
    assert moment.story_source == SourceKind.COMMENT  # prepared with the week's only candidate
    moment = services.clear_story(practice=practice, actor_user=lead, moment=moment)
    services.save_story(
        practice=practice,
        actor_user=lead,
        moment=moment,
        touchpoint="visit-summary",
        quote=PLANTED,
        note="Dr. Cole phoned her at (512) 555-0123.",
    )
    moment.refresh_from_db()
    assert moment.story_source == SourceKind.MANUAL
    assert "Dr. Cole" in moment.story_quote and "Dr. Cole" in moment.story_note
    for planted in NEVER_SHOWN:
        assert planted not in moment.story_quote + moment.story_note
    assert AuditEntry.objects.filter(summary="Experience moment's story edited").exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"touchpoint": "not-a-touchpoint", "quote": "Nice", "note": ""},
        {"touchpoint": "", "quote": "", "note": "   "},
        {"touchpoint": "", "quote": "x" * 2001, "note": ""},
        {"touchpoint": "", "quote": "Nice\x00", "note": ""},
        {"touchpoint": "", "quote": "Nice", "note": "", "patient": "Ana Rivera"},
    ],
)
def test_bad_story_input_is_refused_and_changes_nothing(practice, lead, fields):
    moment = moment_of(practice, lead)
    with pytest.raises(services.MomentError):
        services.save_story(practice=practice, actor_user=lead, moment=moment, **fields)
    moment.refresh_from_db()
    assert moment.story_source == "" and moment.story_quote == ""


def test_recording_the_meeting_sets_attendees_recognitions_and_decisions(
    practice, lead, owner, front_desk, make_staff, other_practice
):
    moment = moment_of(practice, lead)
    given = Recognition.objects.create(
        practice=practice,
        user=front_desk,
        mention="Sam",
        evidence="Sam was kind.",
        said_at=in_week(practice),
        status=RecognitionStatus.CONFIRMED,
    )
    services.record_meeting(
        practice=practice,
        actor_user=lead,
        moment=moment,
        meeting_date=MEETING,
        attendees=[lead, owner],
        recognised=[given],
        decisions="Call (512) 555-0123 back.",
    )
    assert set(MomentAttendee.objects.filter(moment=moment).values_list("user_id", flat=True)) == {lead.pk, owner.pk}
    given.refresh_from_db()
    assert given.moment_id == moment.pk
    moment.refresh_from_db()
    assert "555-0123" not in moment.decisions
    # Someone of another practice cannot attend; nothing changes.
    stranger = make_staff(other_practice, Role.OWNER)
    with pytest.raises(services.MomentError):
        services.record_meeting(
            practice=practice,
            actor_user=lead,
            moment=moment,
            meeting_date=MEETING,
            attendees=[stranger],
            recognised=[],
            decisions="",
        )
    assert MomentAttendee.objects.filter(moment=moment).count() == 2


def test_a_meeting_date_taken_by_another_moment_is_refused(practice, lead):
    moment = moment_of(practice, lead)
    moment_of(practice, lead, MEETING + timedelta(days=7))
    with pytest.raises(services.MomentError):
        services.record_meeting(
            practice=practice,
            actor_user=lead,
            moment=moment,
            meeting_date=MEETING + timedelta(days=7),
            attendees=[],
            recognised=[],
            decisions="",
        )
    moment.refresh_from_db()
    assert moment.meeting_date == MEETING


def test_marking_presented_twice_changes_once(practice, lead):
    moment = moment_of(practice, lead)
    assert services.mark_presented(practice=practice, actor_user=lead, moment=moment)[1] is True
    assert services.mark_presented(practice=practice, actor_user=lead, moment=moment)[1] is False
    assert AuditEntry.objects.filter(summary="Experience moment presented").count() == 1


def test_the_history_searches_the_story_and_decisions_newest_first(practice, lead):
    old = moment_of(practice, lead, MEETING - timedelta(days=7))
    new = moment_of(practice, lead)
    services.save_story(practice=practice, actor_user=lead, moment=old, touchpoint="", quote="Saturday clinic", note="")
    services.record_meeting(
        practice=practice,
        actor_user=lead,
        moment=new,
        meeting_date=MEETING,
        attendees=[],
        recognised=[],
        decisions="Open on Saturday mornings",
    )
    assert list(selectors.moments(practice=practice)) == [new, old]
    assert list(selectors.moments(practice=practice, query="saturday")) == [new, old]
    assert list(selectors.moments(practice=practice, query="clinic")) == [old]
    assert list(selectors.moments(practice=practice, query="nothing-like-this")) == []


# --- the database's counts agree with feedback's and insights' own definitions ------------------------


def test_weekly_top_box_counts_agree_with_scored_answers(practice, version, make_patient):
    from collections import defaultdict

    from feedback import scores
    from feedback.selectors import scores as score_selectors
    from tests.factories import make_response

    bounds = selectors.week_bounds(practice, MEETING, settings=selectors.cx_settings(practice), weeks=2)
    values = [
        {"cg_access": 4, "provider_rating": 9, "ease_booking": 5, "after_hours": 1, "recommend": 10},
        {"cg_access": 3, "provider_rating": 6, "ease_booking": 2, "after_hours": 0, "recommend": 7},
        {"cg_access": 1, "provider_rating": 10, "recommend": 0, "comment": "Fine"},
    ]
    for back in range(4):  # the week before the history too: left out
        for answers in values[: back + 1]:
            make_response(
                version,
                make_patient(practice),
                answers,
                completed_at=in_week(practice, MEETING - timedelta(days=7 * back)),
            )
    expected: dict[str, list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in range(3)])
    zone = selectors.ZoneInfo(practice.timezone)
    for answer in score_selectors.scored_answers(
        practice,
        score_selectors.Filters(
            first_day=bounds[0].astimezone(zone).date(), last_day=bounds[-1].astimezone(zone).date()
        ),
    ):
        week = selectors._week_index(bounds, answer.at)
        if week is not None and scores.is_scored(answer.kind, answer.value):
            expected[answer.touchpoint][week][0] += scores.is_top_box(answer.kind, answer.value)
            expected[answer.touchpoint][week][1] += 1
    counted = selectors.weekly_top_box(practice, bounds)
    assert counted == {tp: [tuple(cell) for cell in cells] for tp, cells in expected.items()}
    assert counted["survey"][2][1] == 5  # the moment's week: one response, five scored answers


def test_weekly_visits_agree_with_the_measures_page(practice, patient, provider, location, visit_type):
    from frontdesk.models import Visit
    from insights import measures
    from insights import selectors as insight_selectors
    from scheduling.models import AppointmentStatus
    from tests.factories import make_appointment

    bounds = selectors.week_bounds(practice, MEETING, settings=selectors.cx_settings(practice), weeks=1)
    now = local(practice, MEETING, 7)
    hour = iter(range(100))

    def appointment(days_before, appointment_status, visit_status=None, **times):
        start = local(practice, MEETING - timedelta(days=days_before), 8 + next(hour) % 9)
        made = make_appointment(patient, provider, location, visit_type, start=start, status=appointment_status)
        if visit_status:
            Visit.objects.create(
                practice=practice,
                appointment=made,
                status=visit_status,
                **{name: start + offset for name, offset in times.items()},
            )
        return made

    m = timedelta(minutes=1)
    for week in (0, 7):
        appointment(
            week + 1,
            AppointmentStatus.FULFILLED,
            arrived_at=0 * m,
            roomed_at=5 * m,
            with_provider_at=17 * m,
            visit_status="done",
        )
        appointment(
            week + 2,
            AppointmentStatus.FULFILLED,
            arrived_at=0 * m,
            roomed_at=2 * m,
            with_provider_at=4 * m,
            visit_status="done",
        )
        appointment(week + 2, AppointmentStatus.NOSHOW)
        appointment(week + 3, AppointmentStatus.BOOKED, visit_status="no_show")
        appointment(week + 3, AppointmentStatus.ARRIVED, arrived_at=0 * m, visit_status="arrived")
        appointment(week + 4, AppointmentStatus.CANCELLED)
        appointment(week + 4, AppointmentStatus.BOOKED)  # nobody marked it either way
        appointment(week + 5, AppointmentStatus.ENTERED_IN_ERROR)
    appointment(0, AppointmentStatus.BOOKED, visit_status="no_show")  # after ``now``: not started yet
    zone = selectors.ZoneInfo(practice.timezone)
    records = insight_selectors.appointment_records(
        practice=practice, first_day=bounds[0].astimezone(zone).date(), last_day=bounds[-1].astimezone(zone).date()
    )
    weekly = selectors.weekly_visits(practice, bounds, now=now)
    for week, counted in enumerate(weekly):
        rows = [r for r in records if selectors._week_index(bounds, r.start) == week]
        summary = measures.summarize(rows, zone=zone, now=now, cutoff_hours=24)
        assert counted.waiting_n == summary.waiting.n == 2
        assert counted.waiting_mean == pytest.approx(summary.waiting.mean)
        assert (counted.no_shows, counted.no_shows + counted.came) == (
            summary.no_show.numerator,
            summary.no_show.denominator,
        )
        assert counted.no_shows == 2


def test_name_particles_of_the_week_s_patients_do_not_blank_ordinary_words(practice, lead, version, make_patient):
    comment(
        version, make_patient(practice, first_name="Rosa", last_name="de la Cruz"), "Muy bien.", at=in_week(practice)
    )
    comment(version, make_patient(practice), "En la recepción me atendieron en español.", at=in_week(practice))
    quotes = [o.quote for o in selectors.story_options(practice, moment_of(practice, lead))]
    assert "En la recepción me atendieron en español." in quotes


def test_a_case_opened_by_a_low_score_says_why_and_its_outcome(practice, lead, version, make_patient):
    from tests.factories import make_response

    response = make_response(version, make_patient(practice), {"recommend": 2}, completed_at=in_week(practice))
    case(
        response,
        opened_at=in_week(practice),
        closed_at=in_week(practice, days_before=1),
        outcome="partly",
        reason="detractor",
    )
    (lesson,) = selectors.lesson_options(practice, moment_of(practice, lead))
    assert lesson.quote == "Would not recommend (0–6)"
    assert lesson.done == "Outcome: Partly resolved."
