"""The reminder scheduler: due steps queued once, plans per visit type, nothing stale, quiet hours, DST."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Channel, Message, MessageKind, MessageStatus, MessagingSettings, ReminderPlan, ReminderStep
from messaging.services import reminders
from practices.models import Provider
from scheduling.models import CancellationReason
from scheduling.services import booking as booking_services
from scheduling.services import schedule as schedule_services
from tests.factories import make_visit_type

# Tuesday 15 January 2030, 16:00 in Chicago.
VISIT = datetime(2030, 1, 15, 22, 0, tzinfo=UTC)
WEEK_BEFORE = VISIT - timedelta(days=7)
TWO_DAYS_BEFORE = VISIT - timedelta(hours=48)
MINUTE = timedelta(minutes=1)


def reminders_of(appointment):
    return list(Message.objects.filter(kind=MessageKind.REMINDER, appointment=appointment).order_by("created_at", "pk"))


def only_steps(plan: ReminderPlan, *steps: tuple[int, str]) -> None:
    plan.steps.all().delete()
    for minutes, channel in steps:
        ReminderStep.objects.create(plan=plan, minutes_before=minutes, channel=channel)


def test_it_queues_the_week_before_email_once_with_date_time_and_answer_link(reminder_world):
    appointment = reminder_world(VISIT)
    assert reminders.queue_due_reminders(now=WEEK_BEFORE - MINUTE) == 0
    assert reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE) == 1
    [message] = reminders_of(appointment)
    plan = ReminderPlan.objects.get(practice=appointment.practice, visit_type__isnull=True)
    step = plan.steps.get(channel=Channel.EMAIL)
    assert step.minutes_before == 7 * 24 * 60
    assert message.dedupe_key == f"reminder:{appointment.pk}:0:{step.pk}:email"
    assert message.channel == Channel.EMAIL and message.to == appointment.patient.email
    assert message.status == MessageStatus.QUEUED and message.send_after == WEEK_BEFORE + MINUTE
    assert "Tuesday, January 15" in message.body and "4:00 PM" in message.body
    assert f"/p/{appointment.practice.slug}/r/" in message.body
    assert message.subject == "Reminder: your appointment on Tuesday, January 15"
    assert reminder_world.visit_type.name not in message.body + message.subject


def test_it_queues_nothing_twice_when_it_runs_again(reminder_world):
    appointment = reminder_world(VISIT)
    assert reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE) == 1
    assert reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE) == 0
    assert reminders.queue_due_reminders(now=WEEK_BEFORE + 5 * MINUTE) == 0
    assert len(reminders_of(appointment)) == 1


def test_two_schedulers_at_once_still_write_one_row(reminder_world, monkeypatch):
    """The second scheduler did not see the first one's row (read before it was written): the outbox key holds."""
    appointment = reminder_world(VISIT)
    reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE)
    monkeypatch.setattr(reminders, "_existing_keys", lambda ids: set())
    reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE)
    assert len(reminders_of(appointment)) == 1


def test_it_sends_each_step_in_turn_by_its_channel(reminder_world):
    appointment = reminder_world(VISIT)
    for moment in (WEEK_BEFORE + MINUTE, TWO_DAYS_BEFORE + MINUTE, VISIT - timedelta(hours=2) + MINUTE):
        reminders.queue_due_reminders(now=moment)
    sent = reminders_of(appointment)
    assert [m.channel for m in sent] == [Channel.EMAIL, Channel.SMS, Channel.SMS]
    assert sent[1].to == appointment.patient.phone
    assert all(m.subject == "" for m in sent[1:])
    assert "Reply C to confirm" in sent[1].body
    for message in sent:
        assert reminder_world.visit_type.name not in message.body + message.subject


def test_a_visit_types_own_plan_overrides_the_default(reminder_world, practice, provider, location):
    other_type = make_visit_type(
        practice, name="Cosmetic consultation", slug="cosmetic", offered_by=[provider], offered_at=[location]
    )
    plan = reminders.create_visit_type_plan(practice=practice, visit_type=other_type)
    only_steps(plan, (3 * 24 * 60, Channel.EMAIL))
    own = reminder_world(VISIT, kind=other_type)
    default = reminder_world(VISIT + timedelta(hours=1))
    reminders.queue_due_reminders(now=WEEK_BEFORE + timedelta(hours=1) + MINUTE)
    assert reminders_of(own) == [] and len(reminders_of(default)) == 1
    reminders.queue_due_reminders(now=VISIT - timedelta(days=3) + MINUTE)
    [message] = reminders_of(own)
    assert message.dedupe_key.endswith(f":{plan.steps.get().pk}:email")


def test_a_plan_turned_off_sends_nothing(reminder_world, practice):
    appointment = reminder_world(VISIT)
    reminders.set_plan_active(plan=reminders.default_plan_for(practice=practice), is_active=False)
    reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE)
    assert reminders_of(appointment) == []


def test_steps_whose_time_passed_before_the_booking_are_skipped(reminder_world):
    appointment = reminder_world(VISIT, booked=VISIT - timedelta(days=3))
    reminders.queue_due_reminders(now=VISIT - timedelta(days=3) + MINUTE)
    assert reminders_of(appointment) == []
    reminders.queue_due_reminders(now=TWO_DAYS_BEFORE + MINUTE)
    assert [m.channel for m in reminders_of(appointment)] == [Channel.SMS]


def test_a_late_scheduler_sends_nothing_stale_and_only_the_closest_step(reminder_world, practice):
    only_steps(reminders.default_plan_for(practice=practice), (3 * 60, Channel.EMAIL), (2 * 60, Channel.SMS))
    appointment = reminder_world(VISIT)
    # The scheduler was down: at 2 hours before, both steps are due; only the closer one goes.
    reminders.queue_due_reminders(now=VISIT - timedelta(hours=2) + MINUTE)
    assert [m.channel for m in reminders_of(appointment)] == [Channel.SMS]

    other = reminder_world(VISIT + timedelta(days=1))
    # Thirteen hours late: dropped, not sent in a bunch.
    reminders.queue_due_reminders(now=other.start - timedelta(hours=3) + timedelta(hours=13))
    assert reminders_of(other) == []


def test_a_cancelled_appointment_gets_no_reminder_and_its_queued_one_is_withdrawn(reminder_world, owner):
    appointment = reminder_world(VISIT)
    reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE)
    booking_services.cancel_appointment(
        appointment=appointment, reason=CancellationReason.PATIENT_REQUEST, actor_user=owner
    )
    reminders.queue_due_reminders(now=TWO_DAYS_BEFORE + MINUTE)
    [message] = reminders_of(appointment)
    assert message.channel == Channel.EMAIL
    assert message.status == MessageStatus.SKIPPED and message.skip_reason == "visit_changed"


def test_a_rescheduled_appointment_is_reminded_for_its_new_time(reminder_world, owner, monkeypatch):
    appointment = reminder_world(VISIT)
    reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE)
    moved_at = WEEK_BEFORE + timedelta(hours=5)
    new_start = VISIT + timedelta(days=2)  # Thursday 17 January, 16:00
    monkeypatch.setattr("django.utils.timezone.now", lambda: moved_at)
    booking_services.reschedule_appointment(
        appointment=appointment, start=new_start, actor_user=owner, override_reason="test", now=moved_at
    )
    monkeypatch.undo()
    appointment.refresh_from_db()
    assert appointment.sequence == 1

    reminders.queue_due_reminders(now=new_start - timedelta(days=7) + MINUTE)
    old, new = reminders_of(appointment)
    assert old.status == MessageStatus.SKIPPED and old.skip_reason == "visit_changed"
    assert new.dedupe_key.startswith(f"reminder:{appointment.pk}:1:")
    assert "Thursday, January 17" in new.body
    assert reminders.queue_due_reminders(now=new_start - timedelta(days=7) + 2 * MINUTE) == 0


def test_without_consent_the_row_says_why_nothing_went_out(reminder_world, patient):
    patient.sms_consent = False
    patient.save()
    appointment = reminder_world(VISIT)
    reminders.queue_due_reminders(now=TWO_DAYS_BEFORE + MINUTE)
    [message] = reminders_of(appointment)
    assert message.status == MessageStatus.SKIPPED and message.skip_reason == "no_consent"


def test_it_writes_in_the_patients_language(reminder_world, patient):
    patient.preferred_language = "es"
    patient.save()
    appointment = reminder_world(VISIT)
    reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE)
    [message] = reminders_of(appointment)
    assert "martes 15 de enero" in message.body and "16:00" in message.body
    assert message.subject.startswith("Recordatorio")


def test_a_practices_own_template_is_used(reminder_world, practice):
    reminders.save_template(
        practice=practice,
        kind="reminder",
        channel="email",
        language="en",
        subject="See you {{ date }}",
        body="Hello from {{ practice }}: {{ date }} at {{ time }}. {{ link }}",
    )
    appointment = reminder_world(VISIT)
    reminders.queue_due_reminders(now=WEEK_BEFORE + MINUTE)
    [message] = reminders_of(appointment)
    assert message.subject == "See you Tuesday, January 15"
    assert message.body.startswith(f"Hello from {practice.name}: Tuesday, January 15 at 4:00 PM.")


# --- quiet hours ------------------------------------------------------------------------------


def test_a_reminder_planned_in_quiet_hours_waits_for_the_morning(reminder_world, practice):
    only_steps(reminders.default_plan_for(practice=practice), (18 * 60, Channel.SMS))
    appointment = reminder_world(VISIT)  # 18 hours before: Monday 22:00 in Chicago
    reminders.queue_due_reminders(now=VISIT - timedelta(hours=18) + MINUTE)
    [message] = reminders_of(appointment)
    assert message.send_after == datetime(2030, 1, 15, 14, 0, tzinfo=UTC)  # Tuesday 08:00 Chicago


def test_quiet_hours_are_the_patients_own(reminder_world, practice, make_patient):
    """At 08:01 in Chicago it is 06:01 in Los Angeles: the Chicago patient is reminded, the other is not woken."""
    only_steps(reminders.default_plan_for(practice=practice), (2 * 60, Channel.SMS))
    visit = datetime(2030, 1, 15, 16, 0, tzinfo=UTC)  # 10:00 Chicago, 08:00 Los Angeles
    chicago = reminder_world(visit)
    traveller = make_patient(practice, sms_consent=True, time_zone="America/Los_Angeles")
    far = reminder_world(visit + timedelta(minutes=30), who=traveller)
    reminders.queue_due_reminders(now=visit - timedelta(hours=2) + MINUTE)
    assert [m.send_after for m in reminders_of(chicago)] == [visit - timedelta(hours=2) + MINUTE]
    assert reminders_of(far) == []


def test_a_reminder_brought_forward_is_queued_the_evening_before(reminder_world, practice, patient):
    """Two hours before an 08:00 visit is 06:00, and 08:00 is too late: it goes at 20:59 the evening before."""
    only_steps(reminders.default_plan_for(practice=practice), (2 * 60, Channel.SMS))
    patient.time_zone = "America/Los_Angeles"
    patient.save()
    visit = datetime(2030, 1, 15, 16, 0, tzinfo=UTC)  # 08:00 in Los Angeles
    appointment = reminder_world(visit)
    evening = datetime(2030, 1, 15, 4, 59, tzinfo=UTC)  # Monday 20:59 in Los Angeles
    reminders.queue_due_reminders(now=evening - MINUTE)
    assert reminders_of(appointment) == []
    reminders.queue_due_reminders(now=evening)
    [message] = reminders_of(appointment)
    assert message.send_after == evening


def test_a_reminder_that_missed_its_moment_waits_out_the_night(reminder_world, practice):
    only_steps(reminders.default_plan_for(practice=practice), (16 * 60, Channel.SMS))
    visit = datetime(2030, 1, 16, 18, 0, tzinfo=UTC)  # Wednesday 12:00; planned Tuesday 20:00 Chicago
    appointment = reminder_world(visit)
    reminders.queue_due_reminders(now=datetime(2030, 1, 16, 4, 0, tzinfo=UTC))  # 22:00: two hours late
    [message] = reminders_of(appointment)
    assert message.send_after == datetime(2030, 1, 16, 14, 0, tzinfo=UTC)  # Wednesday 08:00


def test_quiet_hours_follow_the_practices_settings(reminder_world, practice):
    MessagingSettings.objects.create(practice=practice, quiet_start="23:00", quiet_end="07:00")
    only_steps(reminders.default_plan_for(practice=practice), (18 * 60, Channel.SMS))
    appointment = reminder_world(VISIT)  # planned 22:00: not quiet under these settings
    reminders.queue_due_reminders(now=VISIT - timedelta(hours=18) + MINUTE)
    assert reminders_of(appointment)[0].send_after == VISIT - timedelta(hours=18) + MINUTE


@pytest.mark.parametrize(
    ("visit", "morning"),
    [
        # Spring forward: Sunday 10 March 2030, 16:00 CDT; planned Saturday 22:00 CST; 08:00 CDT is 13:00 UTC.
        (datetime(2030, 3, 10, 21, 0, tzinfo=UTC), datetime(2030, 3, 10, 13, 0, tzinfo=UTC)),
        # Fall back: Sunday 3 November 2030, 16:00 CST; planned Sunday 00:00 CDT; 08:00 CST is 14:00 UTC.
        (datetime(2030, 11, 3, 22, 0, tzinfo=UTC), datetime(2030, 11, 3, 14, 0, tzinfo=UTC)),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_quiet_hours_hold_across_daylight_saving_nights(reminder_world, practice, visit, morning):
    only_steps(reminders.default_plan_for(practice=practice), (17 * 60, Channel.SMS))
    appointment = reminder_world(visit)
    planned = visit - timedelta(hours=17)
    reminders.queue_due_reminders(now=planned + MINUTE)
    [message] = reminders_of(appointment)
    assert message.send_after == morning
    assert "Sunday" in message.body and "4:00 PM" in message.body


# --- cost -------------------------------------------------------------------------------------


def _queries_of_a_run(now) -> int:
    with CaptureQueriesContext(connection) as captured:
        reminders.queue_due_reminders(now=now)
    return len(captured)


def test_a_run_costs_the_same_few_queries_whatever_the_number_of_appointments(
    reminder_world, make_patient, practice, location
):
    reminders.default_plan_for(practice=practice)

    def another_provider():
        provider = Provider.objects.create(practice=practice, first_name="Lee", last_name="Park")
        provider.locations.add(location)
        schedule_services.offer_visit_type(visit_type=reminder_world.visit_type, providers=[provider])
        return provider

    for i in range(3):
        reminder_world(VISIT + timedelta(minutes=i), by=another_provider())
    reminders.queue_due_reminders(now=WEEK_BEFORE + 10 * MINUTE)
    few = _queries_of_a_run(WEEK_BEFORE + 11 * MINUTE)
    for i in range(3, 30):
        reminder_world(
            VISIT + timedelta(minutes=i), who=make_patient(practice, email_consent=True), by=another_provider()
        )
    first = _queries_of_a_run(WEEK_BEFORE + 40 * MINUTE)
    many = _queries_of_a_run(WEEK_BEFORE + 41 * MINUTE)
    assert many == few <= 8, (few, many)
    # Per new message: a savepoint, the outbox row, its journey event, the release; nothing per appointment.
    assert first <= few + 27 * 4, "a few statements per new message, no per-appointment reads"
