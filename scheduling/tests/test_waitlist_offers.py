"""Offering freed time: matching entries, batches, retries, first acceptance wins, expiry."""

from datetime import date, timedelta

import pytest

from audit.models import AuditEntry
from journey.models import JourneyEvent
from practices.models import Location
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from scheduling.services import waitlist as waitlist_services
from scheduling.services.booking import cancel_appointment
from scheduling.services.waitlist import Outcome, WaitlistError
from scheduling.tasks import offer_freed_time
from tests.factories import NOW, TUESDAY_10, book_appointment, make_waitlist_entry


@pytest.fixture
def waiting(practice, visit_type, make_patient):
    """``waiting(n)``: n patients on the waitlist, oldest first."""

    def make(n: int, **wishes) -> list[WaitlistEntry]:
        entries = []
        for i in range(n):
            entries.append(
                make_waitlist_entry(
                    practice, make_patient(practice), visit_type, now=NOW + timedelta(seconds=i), **wishes
                )
            )
        return entries

    return make


@pytest.fixture
def offer(practice, provider, location, django_capture_on_commit_callbacks):
    """``offer(start)``: offer a free time now (as the task would), emails included."""

    def run(start=TUESDAY_10, now=NOW, location_id=None, end=None):
        with django_capture_on_commit_callbacks(execute=True):
            return waitlist_services.send_offers_for_time(
                practice_id=practice.pk,
                provider_id=provider.pk,
                location_id=location.pk if location_id is None else location_id,
                start=start,
                end=end,
                now=now,
            )

    return run


def offered_patients(offers) -> list[int]:
    return [o.entry.patient_id for o in offers]


# --- who is offered ------------------------------------------------------------------------------


def test_it_offers_the_time_to_the_oldest_entries_one_batch_at_a_time(waiting, offer, mailoutbox):
    entries = waiting(5)
    offers = offer()
    assert offered_patients(offers) == [e.patient_id for e in entries[:3]]  # default batch of 3
    assert {o.status for o in offers} == {OfferStatus.SENT}
    assert all(o.expires_at == NOW + timedelta(minutes=60) and o.batch == 1 for o in offers)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(e.patient.email for e in entries[:3])


def test_it_respects_the_practices_batch_size(practice, waiting, offer, mailoutbox):
    BookingPolicy.objects.create(practice=practice, waitlist_batch_size=2, waitlist_offer_minutes=15)
    waiting(4)
    offers = offer()
    assert len(offers) == 2 and len(mailoutbox) == 2
    assert offers[0].expires_at == NOW + timedelta(minutes=15)


def test_it_stores_only_a_hash_and_emails_no_visit_reason(
    practice, visit_type, provider, waiting, offer, mailoutbox, offer_tokens
):
    waiting(1)
    [made] = offer()
    [message] = mailoutbox
    token = offer_tokens()[message.to[0]]
    assert token not in made.token_hash and len(made.token_hash) == 64
    assert visit_type.name not in message.body and visit_type.name not in message.subject
    assert practice.name in message.subject
    assert "Hannah Cole" in message.body and "410 Elm Street" in message.body
    assert "10:00" in message.body or "10:00 AM" in message.body


@pytest.mark.parametrize(
    "wishes",
    [
        {"weekdays": [0, 2, 3, 4]},  # not Tuesdays
        {"day_parts": ["afternoon", "evening"]},
        {"earliest_day": date(2030, 1, 9)},
        {"latest_day": date(2030, 1, 7)},
    ],
)
def test_it_leaves_out_entries_the_time_does_not_suit(waiting, offer, mailoutbox, wishes):
    waiting(1, **wishes)
    assert offer() == [] and mailoutbox == []


def test_it_keeps_to_the_entrys_location(practice, provider, visit_type, waiting, offer):
    elsewhere = Location.objects.create(
        practice=practice,
        name="North",
        address_line1="1 North St",
        city="Austin",
        region="TX",
        postal_code="78758",
        phone="(512) 555-0141",
        timezone="America/Chicago",
    )
    waiting(1, location=elsewhere)
    assert offer() == []


def test_it_keeps_to_the_entrys_provider(make_provider, waiting, offer):
    waiting(1, provider=make_provider())
    assert offer() == []


def test_it_leaves_out_short_notice_times_for_visit_types_that_ask(visit_type, waiting, offer):
    visit_type.excludes_short_notice_offers = True
    visit_type.save()
    waiting(1)
    assert offer() == []  # Tuesday 10:00 is 25 hours after NOW, within the 48-hour default
    assert len(offer(start=TUESDAY_10 + timedelta(days=2))) == 1


def test_it_offers_only_times_earlier_than_the_visit_to_move(
    practice, patient, provider, location, visit_type, waiting, offer
):
    appointment = book_appointment(
        patient, provider, location, visit_type, start=TUESDAY_10 + timedelta(hours=1), now=NOW
    )
    make_waitlist_entry(practice, patient, visit_type, now=NOW, appointment=appointment)
    assert offer(start=TUESDAY_10 + timedelta(days=1)) == []
    assert offered_patients(offer(start=TUESDAY_10)) == [patient.pk]


def test_it_leaves_out_patients_without_email_and_times_that_are_not_free(
    practice, provider, location, visit_type, make_patient, waiting, offer
):
    make_waitlist_entry(practice, make_patient(practice, email=""), visit_type, now=NOW)
    assert offer() == []
    waiting(1)
    book_appointment(make_patient(practice), provider, location, visit_type, start=TUESDAY_10, now=NOW)
    assert offer() == []  # booked meanwhile: the slot engine says no
    assert offer(start=TUESDAY_10.replace(second=30)) == []  # not a slot start


def test_it_offers_each_patient_once_across_a_freed_range(waiting, offer):
    entries = waiting(2, day_parts=["morning"])
    offers = offer(start=TUESDAY_10, end=TUESDAY_10 + timedelta(hours=3))
    assert offered_patients(offers) == [e.patient_id for e in entries]
    assert {o.start for o in offers} == {TUESDAY_10}  # each gets the earliest start that suits


def test_it_never_offers_twice_when_run_again(waiting, offer, mailoutbox):
    waiting(4)
    assert len(offer()) == 3
    assert offer() == []
    assert len(mailoutbox) == 3 and WaitlistOffer.objects.count() == 3


def test_it_refuses_a_waitlist_in_another_practice(practice, other_practice, make_patient, visit_type):
    stranger = make_patient(other_practice)
    with pytest.raises(WaitlistError):
        make_waitlist_entry(practice, stranger, visit_type, now=NOW)
    with pytest.raises(WaitlistError):
        make_waitlist_entry(practice, make_patient(practice), visit_type, now=NOW, latest_day=date(2029, 1, 1))
    with pytest.raises(WaitlistError):
        make_waitlist_entry(practice, make_patient(practice), visit_type, now=NOW, weekdays=[9])
    assert not WaitlistEntry.objects.exists()


# --- the task and the signal (the real clock) --------------------------------------------------


def test_it_sends_one_email_per_patient_when_the_task_is_retried(
    practice, provider, location, visit_type, make_patient, live, django_capture_on_commit_callbacks, mailoutbox
):
    from django.utils import timezone

    for _ in range(4):
        make_waitlist_entry(practice, make_patient(practice), visit_type, now=timezone.now())
    args = (practice.pk, provider.pk, location.pk, live.start.isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        offer_freed_time.enqueue(*args)
    with django_capture_on_commit_callbacks(execute=True):
        offer_freed_time.enqueue(*args)
    recipients = [m.to[0] for m in mailoutbox]
    assert len(recipients) == 3 and len(set(recipients)) == 3
    assert WaitlistOffer.objects.count() == 3


def test_it_offers_a_cancelled_time_to_the_waitlist(
    practice,
    provider,
    location,
    visit_type,
    patient,
    make_patient,
    live,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    from django.utils import timezone

    appointment = book_appointment(patient, provider, location, visit_type, start=live.start)
    waiting_patient = make_patient(practice)
    make_waitlist_entry(practice, waiting_patient, visit_type, now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        cancel_appointment(appointment=appointment, reason="patient_request")
    assert [m.to for m in mailoutbox] == [[waiting_patient.email]]
    assert WaitlistOffer.objects.get().start == live.start


def test_it_offers_new_hours_added_by_the_schedule_editor(
    practice, provider, location, visit_type, make_patient, live, django_capture_on_commit_callbacks, mailoutbox
):
    from django.utils import timezone

    make_waitlist_entry(practice, make_patient(practice), visit_type, now=timezone.now(), day_parts=["afternoon"])
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_services.offer_time(
            practice=practice,
            provider=provider,
            location=location,
            start=live.start,
            end=live.start + timedelta(hours=6),
        )
    [made] = WaitlistOffer.objects.all()
    assert made.start == live.start + timedelta(hours=2)  # 12:00, the first afternoon start
    assert len(mailoutbox) == 1


# --- accepting -----------------------------------------------------------------------------------


def test_it_books_for_the_first_to_accept_and_tells_the_others_once(
    practice, waiting, offer, mailoutbox, django_capture_on_commit_callbacks
):
    entries = waiting(3)
    first, second, third = offer()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = waitlist_services.accept_offer(offer=first, now=NOW + timedelta(minutes=5))
    assert result.outcome == Outcome.BOOKED
    appointment = Appointment.objects.get()
    assert (appointment.patient_id, appointment.start, appointment.status) == (
        entries[0].patient_id,
        TUESDAY_10,
        AppointmentStatus.BOOKED,
    )
    assert appointment.booked_via == "online"
    first.refresh_from_db()
    assert first.status == OfferStatus.ACCEPTED and first.appointment == appointment
    assert WaitlistEntry.objects.get(pk=entries[0].pk).status == WaitlistStatus.BOOKED
    confirmation = [m for m in mailoutbox if m.to == [entries[0].patient.email]]
    told = [m for m in mailoutbox if m not in confirmation]
    assert len(confirmation) == 1 and confirmation[0].attachments, "the winner gets the booking confirmation"
    assert sorted(m.to[0] for m in told) == sorted([entries[1].patient.email, entries[2].patient.email])
    assert all("still on the waitlist" in m.body for m in told)

    # The second patient, a moment later: a kind refusal, no second email, still waiting.
    with django_capture_on_commit_callbacks(execute=True):
        late = waitlist_services.accept_offer(offer=second, now=NOW + timedelta(minutes=6))
    assert late.outcome == Outcome.TAKEN
    assert late.offer.status == OfferStatus.TAKEN
    assert WaitlistEntry.objects.get(pk=entries[1].pk).status == WaitlistStatus.ACTIVE
    assert Appointment.objects.count() == 1
    assert len(mailoutbox) == 3

    # Audit and journey for the acceptance, with no clinical detail.
    assert AuditEntry.objects.filter(object_type="scheduling.waitlistoffer", object_id=str(first.pk)).exists()
    event = JourneyEvent.objects.get(kind="waitlist.offer_accepted")
    assert event.touchpoint == "waitlist" and event.patient_id == entries[0].patient_id


def test_it_refuses_kindly_when_the_time_was_booked_another_way(
    practice,
    provider,
    location,
    visit_type,
    make_patient,
    waiting,
    offer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    entries = waiting(2)
    first, second = offer()
    book_appointment(make_patient(practice), provider, location, visit_type, start=TUESDAY_10, now=NOW)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = waitlist_services.accept_offer(offer=first, now=NOW + timedelta(minutes=1))
    assert result.outcome == Outcome.TAKEN
    assert [m.to[0] for m in mailoutbox] == [entries[1].patient.email]  # the one who did not try is told
    second.refresh_from_db()
    assert second.status == OfferStatus.TAKEN and second.outcome_notified_at is not None
    assert {e.status for e in WaitlistEntry.objects.all()} == {WaitlistStatus.ACTIVE}
    assert Appointment.objects.count() == 1


def test_it_moves_the_booked_visit_when_the_entry_came_from_it(
    practice, patient, provider, location, visit_type, offer, django_capture_on_commit_callbacks
):
    appointment = book_appointment(
        patient, provider, location, visit_type, start=TUESDAY_10 + timedelta(days=3), now=NOW
    )
    make_waitlist_entry(practice, patient, visit_type, now=NOW, appointment=appointment)
    [made] = offer()
    with django_capture_on_commit_callbacks(execute=True):
        result = waitlist_services.accept_offer(offer=made, now=NOW + timedelta(minutes=1))
    assert result.outcome == Outcome.BOOKED
    appointment.refresh_from_db()
    assert appointment.start == TUESDAY_10 and appointment.sequence == 1
    assert Appointment.objects.count() == 1


def test_it_books_nothing_once_the_offer_has_expired(waiting, offer):
    waiting(1)
    [made] = offer()
    result = waitlist_services.accept_offer(offer=made, now=NOW + timedelta(minutes=61))
    assert result.outcome == Outcome.EXPIRED
    assert not Appointment.objects.exists()
    assert WaitlistEntry.objects.get().status == WaitlistStatus.ACTIVE


def test_it_lets_a_patient_decline_and_offers_the_time_on(waiting, offer, django_capture_on_commit_callbacks):
    entries = waiting(4)
    first, *_ = offer()
    with django_capture_on_commit_callbacks(execute=True):
        result = waitlist_services.decline_offer(offer=first, now=NOW + timedelta(minutes=1))
    assert result.outcome == Outcome.DECLINED
    assert WaitlistEntry.objects.get(pk=entries[0].pk).status == WaitlistStatus.ACTIVE
    # The re-offer runs on the real clock, where 2030 is beyond booking range: call it as the sweep would.
    [next_one] = offer(now=NOW + timedelta(minutes=2))
    assert next_one.entry_id == entries[3].pk


def test_it_takes_back_offers_when_the_patient_leaves_the_waitlist(waiting, offer):
    [entry] = waiting(1)
    [made] = offer()
    assert waitlist_services.withdraw_entry(entry=entry, actor_patient=entry.patient)
    made.refresh_from_db()
    assert made.status == OfferStatus.DECLINED
    assert not waitlist_services.withdraw_entry(entry=entry, actor_patient=entry.patient)


# --- expiry and the next batch -------------------------------------------------------------------


def test_it_sends_the_next_batch_when_the_first_expires(waiting, offer, mailoutbox, django_capture_on_commit_callbacks):
    entries = waiting(5)
    offer()
    mailoutbox.clear()
    later = NOW + timedelta(minutes=61)
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist_services.expire_offers_and_send_next_batches(now=later) == 2
    assert WaitlistOffer.objects.filter(status=OfferStatus.EXPIRED).count() == 3
    fresh = WaitlistOffer.objects.filter(status=OfferStatus.SENT)
    assert sorted(o.entry_id for o in fresh) == [entries[3].pk, entries[4].pk]
    assert {o.batch for o in fresh} == {2}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([entries[3].patient.email, entries[4].patient.email])
    # Running the sweep again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist_services.expire_offers_and_send_next_batches(now=later) == 0
    assert len(mailoutbox) == 2


def test_it_sends_no_next_batch_once_the_time_is_gone(
    practice, provider, location, visit_type, make_patient, waiting, offer, django_capture_on_commit_callbacks
):
    waiting(4)
    offer()
    book_appointment(make_patient(practice), provider, location, visit_type, start=TUESDAY_10, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist_services.expire_offers_and_send_next_batches(now=NOW + timedelta(minutes=61)) == 0


def test_it_sends_no_next_batch_after_an_acceptance(waiting, offer, django_capture_on_commit_callbacks):
    waiting(4)
    first, *_ = offer()
    waitlist_services.accept_offer(offer=first, now=NOW + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist_services.expire_offers_and_send_next_batches(now=NOW + timedelta(minutes=61)) == 0
    assert WaitlistOffer.objects.filter(status=OfferStatus.SENT).count() == 0


def test_the_minute_job_releases_holds_and_expires_offers(practice, provider, location, visit_type, live, waiting):
    from django.utils import timezone

    from scheduling.models import BookingHold
    from scheduling.services.holds import place_hold
    from scheduling.tasks import every_minute

    place_hold(practice=practice, provider=provider, location=location, visit_type=visit_type, start=live.start)
    BookingHold.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    [entry] = waiting(1)
    made = WaitlistOffer.objects.create(
        practice=practice,
        entry=entry,
        provider=provider,
        location=location,
        start=live.later,
        token_hash="0" * 64,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    every_minute.call_local()
    assert not BookingHold.objects.exists()
    made.refresh_from_db()
    assert made.status == OfferStatus.EXPIRED
    from huey.api import PeriodicTask

    assert issubclass(every_minute.task_class, PeriodicTask)  # huey's consumer runs it every minute
