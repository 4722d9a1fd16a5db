"""The measures page: who may see it, the numbers in its tables, filters, bad input."""

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from frontdesk import estimate_accuracy
from frontdesk.models import Visit
from frontdesk.selectors import wait as wait_selectors
from insights.models import ThirdNextAvailable
from patients.models import Patient
from practices.models import Location, Practice, Provider, Role
from scheduling.models import Appointment, AvailabilityTemplate, VisitType
from scheduling.services.schedule import offer_visit_type

CHICAGO = ZoneInfo("America/Chicago")
# Wednesday 16 January 2030, 18:00 in Chicago.
NOW = datetime(2030, 1, 16, 18, tzinfo=CHICAGO)
RANGE = {"start": "2030-01-14", "end": "2030-01-16"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def visit_type(practice: Practice, provider: Provider, location: Location) -> VisitType:
    visit_type = VisitType.objects.create(practice=practice, name="Skin check", slug="skin-check", duration_minutes=30)
    offer_visit_type(visit_type=visit_type, providers=[provider], locations=[location])
    for weekday in range(5):
        AvailabilityTemplate.objects.create(
            practice=practice,
            provider=provider,
            location=location,
            weekday=weekday,
            starts_at=time(9),
            ends_at=time(10),
            effective_from=date(2029, 1, 1),
        )
    return visit_type


def appointment(
    practice: Practice,
    patient: Patient,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    start: datetime,
    *,
    created: datetime,
    status: str = "fulfilled",
    **fields: Any,
) -> Appointment:
    end = start + timedelta(minutes=30)
    return Appointment.objects.create(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        booked_via="staff",
        status=status,
        created_at=created,
        **fields,
    )


def visit(appt: Appointment, status: str = "done", **times: datetime) -> Visit:
    return Visit.objects.create(practice=appt.practice, appointment=appt, status=status, **times)


@pytest.fixture
def seeded(practice: Practice, patient: Patient, provider: Provider, location: Location, visit_type: VisitType) -> None:
    """Five appointments, Monday 14 to Wednesday 16 January 2030 (numbers worked out in the tests)."""
    args = (practice, patient, provider, location, visit_type)
    a = appointment(*args, at(14, 9), created=at(7, 12))
    visit(
        a,
        arrived_at=at(14, 8, 55),
        roomed_at=at(14, 9, 5),
        with_provider_at=at(14, 9, 15),
        checkout_at=at(14, 9, 40),
        done_at=at(14, 9, 45),
    )
    b = appointment(*args, at(14, 10), created=at(14, 8))
    visit(b, arrived_at=at(14, 9, 50), roomed_at=at(14, 10, 20), with_provider_at=at(14, 10, 30), done_at=at(14, 11))
    c = appointment(*args, at(15, 9), created=at(10, 9), status="noshow")
    visit(c, status="no_show")
    appointment(
        *args,
        at(15, 11),
        created=at(1, 9),
        status="cancelled",
        cancellation_reason="patient_request",
        cancelled_at=at(15, 8),
    )
    appointment(
        *args,
        at(16, 9),
        created=at(9, 9),
        status="cancelled",
        cancellation_reason="patient_request",
        cancelled_at=at(12, 9),
    )


def url(practice: Practice) -> str:
    return reverse("insights:measures", kwargs={"practice_slug": practice.slug})


def cells(html: str, row_label: str) -> list[list[str]]:
    """The text of each cell in the table row whose header is ``row_label`` (first such row)."""
    match = re.search(r'<tr><th scope="row">' + re.escape(row_label) + r"</th>(.*?)</tr>", html, re.S)
    assert match, f"no row {row_label!r}"
    return [re.sub(r"<[^>]+>|&nbsp;", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def chart_data(html: str, key: str) -> dict:
    match = re.search(rf'<script id="chart-data-{key}" type="application/json">(.*?)</script>', html, re.S)
    assert match, key
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(client, practice):
    response = client.get(url(practice))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_hides_the_page_from_another_practices_staff(staff_client, practice, other_practice, make_staff):
    stranger = make_staff(other_practice, Role.OWNER)
    assert staff_client(stranger).get(url(practice)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OWNER, 200),
        (Role.EXPERIENCE_LEAD, 200),
        (Role.FRONT_DESK, 200),
        (Role.CLINICIAN, 200),
        (Role.BILLING, 403),
    ],
)
def test_it_lets_the_practice_team_in_but_not_billing(staff_client, practice, make_staff, role, status):
    assert staff_client(make_staff(practice, role)).get(url(practice)).status_code == status


@pytest.mark.django_db
def test_it_shows_the_hand_computed_numbers(staff_client, owner, practice, other_practice, make_patient, seeded):
    # Another practice's no-show on the same day counts nowhere here.
    elsewhere = Location.objects.create(
        practice=other_practice,
        name="Elsewhere",
        address_line1="1 Main",
        city="Austin",
        region="TX",
        postal_code="78701",
    )
    their_provider = Provider.objects.create(practice=other_practice, first_name="Al", last_name="Other")
    their_type = VisitType.objects.create(practice=other_practice, name="Other", slug="other", duration_minutes=30)
    appointment(
        other_practice,
        make_patient(other_practice),
        their_provider,
        elsewhere,
        their_type,
        at(15, 9),
        created=at(15, 8),
        status="noshow",
    )

    html = staff_client(owner).get(url(practice), RANGE).content.decode()
    # Cycle: 50 and 70 minutes; waiting room 10 and 30; exam room 10 and 10; waiting 20 and 40;
    # care team 25 (to checkout) and 30 (checkout skipped, to done).
    assert cells(html, "Whole practice")[:14] == [
        ["2"],
        ["60.0"],
        ["60.0"],
        ["70.0"],
        ["20.0"],
        ["20.0"],
        ["10.0"],
        ["10.0"],
        ["2"],
        ["30.0"],
        ["30.0"],
        ["2"],
        ["27.5"],
        ["27.5"],
    ]
    # The access table's row comes second: lead times 7, 0 and 5 days (cancelled ones left out);
    # one booked the same day of three; one no-show of three due; one cancelled 3 hours ahead of five.
    access_rows = re.findall(r'<tr><th scope="row">Whole practice</th>(.*?)</tr>', html, re.S)
    access = [
        re.sub(r"<[^>]+>|&nbsp;", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", access_rows[1], re.S)
    ]
    assert access == [
        ["4.0"],
        ["5.0"],
        ["33.3", "%"],
        ["1", "/", "3"],
        ["33.3", "%"],
        ["1", "/", "3"],
        ["20.0", "%"],
        ["1", "/", "5"],
    ]
    assert "Cancelled less than 24 h ahead / all appointments, cancelled ones included" in html

    cycle = chart_data(html, "cycle")
    assert cycle["series"] == [{"label": "Whole practice", "data": [60.0, None, None]}]
    assert len(cycle["labels"]) == 3
    # The table beside the chart has the same numbers, "No data" for the empty days.
    assert cells(html, cycle["labels"][0])[0] == ["60.0"]
    assert cells(html, cycle["labels"][1])[0] == ["No", "data"]
    # Monday: none of two cancelled; Tuesday: one late of two; Wednesday: one, cancelled days ahead.
    assert chart_data(html, "late_cancel")["series"][0]["data"] == [0.0, 50.0, 0.0]


@pytest.mark.django_db
def test_it_filters_by_provider_and_splits_by_week(
    staff_client, owner, practice, patient, location, visit_type, seeded
):
    other = Provider.objects.create(practice=practice, first_name="Lee", last_name="Park")
    offer_visit_type(visit_type=visit_type, providers=[other])
    appt = appointment(practice, patient, other, location, visit_type, at(14, 9), created=at(13, 9))
    visit(appt, arrived_at=at(14, 9), done_at=at(14, 9, 20))

    client = staff_client(owner)
    html = client.get(url(practice), {**RANGE, "provider": other.pk}).content.decode()
    assert cells(html, "Whole practice")[:2] == [["1"], ["20.0"]]

    html = client.get(url(practice), {**RANGE, "group_by": "provider", "period": "week"}).content.decode()
    assert cells(html, "Hannah Cole, MD, FAAD")[:2] == [["2"], ["60.0"]]
    assert cells(html, "Lee Park")[:2] == [["1"], ["20.0"]]
    cycle = chart_data(html, "cycle")
    assert cycle["labels"] == ["Week of Jan 14"]
    assert cycle["series"] == [
        {"label": "Hannah Cole, MD, FAAD", "data": [60.0]},
        {"label": "Lee Park", "data": [20.0]},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"start": "yesterday"},
        {"start": "2030-01-16", "end": "2030-01-14"},
        {"start": "2020-01-01", "end": "2030-01-14"},
        {"period": "fortnight"},
        {"group_by": "patient"},
        {"provider": "999999999"},
        {"provider": "x' OR 1=1"},
        {"location": "-1"},
    ],
)
def test_it_explains_bad_filters_and_shows_the_last_four_weeks(staff_client, owner, practice, query, seeded):
    response = staff_client(owner).get(url(practice), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used; the page shows the last four weeks instead." in html
    assert 'class="errors"' in html or "form-errors" in html
    # The defaults: 28 days up to today, so the seeded Monday's cycle times are there.
    assert len(chart_data(html, "cycle")["labels"]) == 28
    assert cells(html, "Whole practice")[:2] == [["2"], ["60.0"]]


@pytest.mark.django_db
def test_it_refuses_another_practices_location_as_a_filter(staff_client, owner, practice, other_practice, seeded):
    elsewhere = Location.objects.create(
        practice=other_practice,
        name="Elsewhere",
        address_line1="1 Main",
        city="Austin",
        region="TX",
        postal_code="78701",
    )
    html = staff_client(owner).get(url(practice), {**RANGE, "location": elsewhere.pk}).content.decode()
    assert "Some filters could not be used" in html
    assert "Elsewhere" not in html


@pytest.mark.django_db
def test_it_says_no_data_rather_than_zero(staff_client, owner, practice):
    html = staff_client(owner).get(url(practice), RANGE).content.decode()
    assert "No appointments in this range: there is no data to measure yet." in html
    assert cells(html, "Whole practice")[:3] == [["0"], ["No", "data"], ["No", "data"]]
    assert chart_data(html, "no_show")["series"][0]["data"] == [None, None, None]


@pytest.mark.django_db
def test_it_shows_todays_tna_and_the_stored_history(staff_client, owner, practice, visit_type):
    ThirdNextAvailable.objects.create(practice=practice, day=date(2030, 1, 15), visit_type=visit_type, days=3)
    html = staff_client(owner).get(url(practice), RANGE).content.decode()
    # Wednesday 18:00: today's hours are over; Thursday 09:00 and 09:30, then Friday 09:00.
    assert re.search(r"<td>Skin check</td><td>Any provider</td>\s*<td class=\"num\">2</td>", html)
    history = chart_data(html, "tna_history")
    assert history["series"] == [{"label": "Skin check", "data": [3]}]


def accuracy(**changes: Any) -> estimate_accuracy.EstimateAccuracy:
    """Both wait estimates scored over enough visits to trust; ``changes`` override any figure."""
    figures: dict[str, Any] = {
        "n": 120,
        "mae_minutes": 6.25,
        "naive_mae_minutes": 19.5,
        "lag_mae_minutes": 11.04,
        "coverage": 0.8,
        "seen_n": 110,
        "seen_mae_minutes": 9.75,
        "seen_naive_mae_minutes": 24.0,
        "seen_lag_mae_minutes": 14.46,
        "seen_coverage": 0.7,
        "mae_margin_minutes": 0.84,
        "seen_mae_margin_minutes": None,  # e.g. a single provider-day: no interval
    }
    return estimate_accuracy.EstimateAccuracy(**{**figures, **changes})


@pytest.fixture
def fake_errors(monkeypatch) -> Callable[..., dict[str, Any]]:
    """``fake_errors(**changes)``: estimate_errors answers ``accuracy(**changes)``; returns what it was asked."""

    def install(**changes: Any) -> dict[str, Any]:
        asked: dict[str, Any] = {}

        def errors(*, practice, start, end, provider=None):
            asked.update(practice=practice, start=start, end=end, provider=provider)
            return accuracy(**changes)

        monkeypatch.setattr(wait_selectors, "estimate_errors", errors)
        return asked

    return install


CALLED_IN, WITH_PROVIDER = "Called in (waiting room)", "Provider with them (exam room)"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>|&nbsp;", " ", html).split())


@pytest.mark.django_db
def test_it_shows_how_far_to_trust_the_wait_estimate(staff_client, owner, practice, fake_errors):
    asked = fake_errors()
    html = staff_client(owner).get(url(practice), RANGE).content.decode()
    assert (
        "Patients are told two things while they wait: when they will be called in, and when the provider will be "
        "with them. Over 120 visits, the time they would be called in was off by 6.3 min on average (a patient "
        "guessing from their appointment time: 19.5 min). Over 110 visits, the time the provider would be with them "
        "was off by 9.8 min (guessing from the appointment time: 24.0 min)."
    ) in text(html)
    assert cells(html, CALLED_IN) == [
        ["120"],
        ["6.3", "min", "(±", "0.8,", "95", "%", "interval)"],
        ["19.5", "min"],
        ["11.0", "min"],
        ["80.0", "%", "of", "visits:", "as", "stated"],
    ]
    assert cells(html, WITH_PROVIDER) == [
        ["110"],
        ["9.8", "min"],
        ["24.0", "min"],
        ["14.5", "min"],
        ["70.0", "%", "of", "visits:", "ranges", "too", "narrow"],
    ]
    assert asked == {
        "practice": practice,
        "start": datetime(2030, 1, 14, tzinfo=CHICAGO),
        "end": datetime(2030, 1, 17, tzinfo=CHICAGO),
        "provider": None,
    }


@pytest.mark.django_db
def test_the_wait_estimates_follow_the_provider_filter(staff_client, make_staff, practice, provider, fake_errors):
    asked = fake_errors()
    clinician = make_staff(practice, Role.CLINICIAN)
    response = staff_client(clinician).get(url(practice), {**RANGE, "provider": provider.pk})
    assert response.status_code == 200
    assert asked["provider"] == provider


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("coverage", "shown", "word"),
    [
        (0.75, "75.0", "as stated"),
        (0.8499, "85.0", "as stated"),  # judged on the figure shown, so the word never contradicts it
        (0.7449, "74.5", "ranges too narrow"),
        (0.8551, "85.5", "ranges wider than needed"),
        (1.0, "100.0", "ranges wider than needed"),
    ],
)
def test_it_says_in_a_word_whether_the_ranges_hold_as_stated(
    staff_client, owner, practice, fake_errors, coverage, shown, word
):
    fake_errors(coverage=coverage)
    html = staff_client(owner).get(url(practice), RANGE).content.decode()
    assert " ".join(cells(html, CALLED_IN)[-1]) == f"{shown} % of visits: {word}"


@pytest.mark.django_db
def test_it_says_too_few_to_trust_instead_of_the_figures(staff_client, owner, practice, fake_errors):
    fake_errors(n=29, seen_n=12)
    html = staff_client(owner).get(url(practice), RANGE).content.decode()
    assert cells(html, CALLED_IN) == [["29"], ["too", "few", "to", "trust"]]
    assert cells(html, WITH_PROVIDER) == [["12"], ["too", "few", "to", "trust"]]
    page = text(html)
    assert "Only 29 visits could be scored in these days: too few to trust yet." in page
    assert "6.3" not in page and "19.5" not in page and "off by" not in page

    # Enough visits for the first question but not for the second.
    fake_errors(n=30, seen_n=12)
    page = text(staff_client(owner).get(url(practice), RANGE).content.decode())
    assert "Over 30 visits, the time they would be called in was off by 6.3 min on average" in page
    assert (
        "When the provider would be with them: only 12 visits had the provider's time recorded, too few to trust yet."
        in page
    )
    assert "9.8" not in page


@pytest.mark.django_db
def test_it_shows_the_wait_estimates_in_spanish(staff_client, owner, practice, fake_errors):
    fake_errors()
    client = staff_client(owner)
    client.cookies["django_language"] = "es"
    html = client.get(url(practice), RANGE).content.decode()
    page = text(html)
    assert "Qué tan confiables son los cálculos de espera" in page
    assert (
        "Mientras esperan, a los pacientes se les dicen dos cosas: cuándo los llamarán a pasar y cuándo el proveedor "
        "estará con ellos. En 120 consultas, la hora en que los llamarían a pasar se desfasó 6,3 min en promedio (un "
        "paciente que calcula por la hora de su cita: 19,5 min). En 110 consultas, la hora en que el proveedor "
        "estaría con ellos se desfasó 9,8 min (calculando por la hora de la cita: 24,0 min)."
    ) in page
    assert "El rango indicado del 80 % contuvo la hora real en el" in page
    assert cells(html, "Llamado a pasar (sala de espera)")[-1] == [
        "80,0",
        "%",
        "de",
        "las",
        "consultas:",
        "como",
        "se",
        "indica",
    ]
    assert cells(html, "Proveedor con el paciente (consultorio)")[-1][-3:] == ["rangos", "demasiado", "estrechos"]

    fake_errors(n=3, seen_n=1)
    html = client.get(url(practice), RANGE).content.decode()
    assert "Solo se pudieron evaluar 3 consultas en estos días: muy pocas para ser confiables todavía." in text(html)
    assert cells(html, "Proveedor con el paciente (consultorio)") == [
        ["1"],
        ["muy", "pocas", "para", "ser", "confiable"],
    ]


@pytest.mark.django_db
def test_the_wait_estimate_figures_are_the_replayed_days(
    staff_client, owner, practice, patient, provider, location, visit_type
):
    """No stand-in: visits through the database, and the page shows what estimate_errors finds for them."""
    args = (practice, patient, provider, location, visit_type)
    for day in (14, 15, 16):
        for i in range(12):
            start = at(day, 9) + timedelta(minutes=15 * i)
            roomed = start + timedelta(minutes=(7 * i + day) % 23)
            visit(
                appointment(*args, start, created=at(day - 7, 9)),
                arrived_at=start - timedelta(minutes=(i * 5) % 13),
                roomed_at=roomed,
                with_provider_at=roomed + timedelta(minutes=4 + (i * day) % 11),
                done_at=roomed + timedelta(minutes=40),
            )
    # Two visits the day before the range: history for the model, not scored.
    for i in range(2):
        start = at(11, 9) + timedelta(minutes=30 * i)
        visit(appointment(*args, start, created=at(4, 9)), arrived_at=start, roomed_at=start + timedelta(minutes=9))

    html = staff_client(owner).get(url(practice), RANGE).content.decode()
    expected = wait_selectors.estimate_errors(
        practice=practice, start=datetime(2030, 1, 14, tzinfo=CHICAGO), end=datetime(2030, 1, 17, tzinfo=CHICAGO)
    )
    assert expected.n == 36 and expected.seen_n == 36

    def shown(value: float | None, margin: float | None = None) -> list[str]:
        interval = ["(±", f"{floatformat(margin, 1)},", "95", "%", "interval)"] if margin is not None else []
        return [floatformat(value, 1), "min", *interval]

    for label, (n, mae, naive, lag, coverage) in {
        CALLED_IN: (
            expected.n,
            (expected.mae_minutes, expected.mae_margin_minutes),
            expected.naive_mae_minutes,
            expected.lag_mae_minutes,
            expected.coverage,
        ),
        WITH_PROVIDER: (
            expected.seen_n,
            (expected.seen_mae_minutes, expected.seen_mae_margin_minutes),
            expected.seen_naive_mae_minutes,
            expected.seen_lag_mae_minutes,
            expected.seen_coverage,
        ),
    }.items():
        row = cells(html, label)
        assert row[:4] == [[str(n)], shown(*mae), shown(naive), shown(lag)]
        assert coverage is not None
        assert row[4][0] == floatformat(coverage * 100, 1)
    assert (
        f"Over 36 visits, the time they would be called in was off by {floatformat(expected.mae_minutes, 1)} min"
        in text(html)
    )

    # Filtered to a provider with no visits: nothing scored, and the page says so.
    other = Provider.objects.create(practice=practice, first_name="Lee", last_name="Park")
    html = staff_client(owner).get(url(practice), {**RANGE, "provider": other.pk}).content.decode()
    assert cells(html, CALLED_IN) == [["0"], ["too", "few", "to", "trust"]]


@pytest.mark.django_db
def test_it_reads_the_same_number_of_queries_however_many_appointments(
    staff_client, owner, practice, patient, provider, location, visit_type, django_assert_max_num_queries
):
    client = staff_client(owner)
    args = (practice, patient, provider, location, visit_type)
    appt = appointment(*args, at(14, 12), created=at(10, 9))
    visit(appt, arrived_at=at(14, 12), done_at=at(14, 12, 30))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url(practice), RANGE)
    for i in range(10):
        appt = appointment(*args, at(15, 12) + timedelta(minutes=30 * i), created=at(10, 9))
        visit(appt, arrived_at=appt.start, done_at=appt.start + timedelta(minutes=20))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(practice), RANGE)


def csv_url(practice: Practice) -> str:
    return reverse("insights:measures_csv", kwargs={"practice_slug": practice.slug})


@pytest.mark.django_db
def test_it_exports_the_same_numbers_as_csv(staff_client, owner, practice, seeded):
    response = staff_client(owner).get(csv_url(practice), RANGE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["period_start"] for r in rows] == ["2030-01-14", "2030-01-15", "2030-01-16"]
    monday, tuesday = rows[0], rows[1]
    assert (monday["cycle_time_minutes_n"], monday["cycle_time_minutes_mean"], monday["cycle_time_minutes_p90"]) == (
        "2",
        "60.0",
        "70.0",
    )
    assert (tuesday["cycle_time_minutes_n"], tuesday["cycle_time_minutes_mean"]) == ("0", "")
    assert (tuesday["no_show_count"], tuesday["no_show_of"], tuesday["no_show_percent"]) == ("1", "1", "100.0")
    assert (tuesday["late_cancellation_count"], tuesday["late_cancellation_of"]) == ("1", "2")


@pytest.mark.django_db
def test_it_quotes_names_a_spreadsheet_would_run(staff_client, owner, practice, patient, location, visit_type):
    rogue = Provider.objects.create(practice=practice, first_name="=HYPERLINK(1)", last_name="X")
    appointment(practice, patient, rogue, location, visit_type, at(14, 9), created=at(10, 9))
    response = staff_client(owner).get(csv_url(practice), {**RANGE, "group_by": "provider"})
    assert "'=HYPERLINK(1) X" in response.content.decode()


@pytest.mark.django_db
def test_it_answers_bad_csv_filters_with_400(staff_client, owner, practice, make_staff, other_practice):
    response = staff_client(owner).get(csv_url(practice), {"start": "soon"})
    assert response.status_code == 400
    assert "Some filters could not be used" in response.content.decode()
    stranger = make_staff(other_practice, Role.OWNER)
    assert staff_client(stranger).get(csv_url(practice)).status_code == 404
