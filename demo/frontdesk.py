"""The demo practice's day-of-visit history: how each past visit actually flowed, and the practice's
check-in questions and policies.

Called by ``demo.practices.build_demo`` after ``demo.scheduling.build_schedule`` (and
``demo.messaging.build_messaging``). Deterministic from the seed (its own ``random.Random``) and
fast: one read of the past appointments, every row written with ``bulk_create``.

Each provider's day is a small queue, simulated in time order: patients arrive around their time
(most a few minutes early, some late); the medical assistant calls a patient in once they are here
and the provider is about to be free, but not long before their time; the provider comes in when
free and stays about the visit's length times their pace (with lognormal noise); checkout takes a
few minutes. One provider starts late and works slowly, so their lag builds through the morning and
lunch wipes it out; Monday mornings run slower for everyone. No-shows get a visit with no times.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F

from frontdesk.models import ChangeSource, FlowSettings, FlowStatus, IntakeQuestion, PracticePolicy, QuestionKind, Visit
from frontdesk.selectors.flow import day_bounds
from frontdesk.services.wait_model import refit_wait_model
from practices.models import Practice, Provider
from scheduling.models import Appointment, AppointmentStatus

BATCH = 5_000
LATE_PROVIDER_INDEX = 1  # by primary key among the practice's providers (the first, if it has only one)
LATE_PACE = 1.2  # the late-running provider takes this much longer than booked
LATE_START_MINUTES = (12, 6)  # mean and spread of their late start each morning
MONDAY_MORNING_PACE = 1.15  # full Monday mornings (add-on problems, the weekend's questions) run slower
PACE_NOISE = 0.28  # sigma of the lognormal noise on the time with the provider
ARRIVAL_MINUTES = (-7.0, 6.0)  # mean and spread of arrival relative to the appointment time
LATE_ARRIVAL_SHARE = 0.05  # patients who come noticeably late (traffic, parking)
EARLIEST_CALL_MINUTES = 10  # the assistant does not call a patient in longer than this before their time
PREP_MINUTES = 5  # the assistant rooms the next patient about this long before the provider is free
LUNCH_GAP_MINUTES = 45  # a gap this long between visits is a break: the provider starts it again fresh
ARRIVAL_SOURCES = ((ChangeSource.DESK, 70), (ChangeSource.KIOSK, 15), (ChangeSource.QR, 8), (ChangeSource.PHONE, 7))

INTAKE_QUESTIONS = (
    ("Are you allergic to any medicines?", "¿Es alérgico o alérgica a algún medicamento?", QuestionKind.YES_NO, True),
    (
        "Which medicines do you take, including creams and supplements?",
        "¿Qué medicamentos toma, incluidas cremas y suplementos?",
        QuestionKind.LONG_TEXT,
        False,
    ),
    (
        "Is this visit about a new or changing spot?",
        "¿Esta consulta es por un lunar o una mancha nueva o que ha cambiado?",
        QuestionKind.YES_NO,
        True,
    ),
    (
        "Have you had skin cancer, or has anyone in your family?",
        "¿Ha tenido cáncer de piel, usted o alguien de su familia?",
        QuestionKind.YES_NO,
        False,
    ),
    (
        "Anything else we should know before your visit?",
        "¿Hay algo más que debamos saber antes de su consulta?",
        QuestionKind.LONG_TEXT,
        False,
    ),
)

POLICIES = (
    (
        "Financial policy",
        "Política financiera",
        "Payment is due at the time of your visit. We bill your insurance for covered services; you pay "
        "your copay, and any deductible or coinsurance your plan assigns to you. Cosmetic treatments are "
        "not covered by insurance and are paid in full on the day. If you have questions about a bill, "
        "call us: we are glad to set up a payment plan.",
        "El pago se realiza el día de su consulta. Facturamos a su seguro los servicios cubiertos; usted "
        "paga su copago y el deducible o coseguro que le corresponda según su plan. Los tratamientos "
        "cosméticos no los cubre el seguro y se pagan completos el mismo día. Si tiene preguntas sobre "
        "una factura, llámenos: con gusto le ofrecemos un plan de pagos.",
    ),
    (
        "Cancellations and missed visits",
        "Cancelaciones y consultas perdidas",
        "If you cannot come, please cancel or change your visit at least 24 hours ahead, by the link in "
        "your reminder or by phone, so another patient can have the time. Visits missed without notice, "
        "or cancelled with less than 24 hours' notice, may be charged a $50 fee ($100 for procedures).",
        "Si no puede venir, cancele o cambie su consulta con al menos 24 horas de anticipación, con el "
        "enlace de su recordatorio o por teléfono, para que otro paciente pueda usar ese horario. Las "
        "consultas perdidas sin aviso, o canceladas con menos de 24 horas de anticipación, pueden tener "
        "un cargo de $50 ($100 en el caso de procedimientos).",
    ),
    (
        "Notice of privacy practices",
        "Aviso de prácticas de privacidad",
        "We keep your health information private and use it only to care for you, to be paid for that "
        "care and to run our practice, as the law allows. You may see and get a copy of your records, "
        "ask us to correct them, and ask who we have shared them with. The full notice is available at "
        "the front desk and on request.",
        "Mantenemos su información de salud en privado y solo la usamos para atenderle, para cobrar esa "
        "atención y para el funcionamiento de nuestra clínica, según lo permite la ley. Usted puede ver "
        "sus expedientes y obtener una copia, pedirnos que los corrijamos y preguntar con quién los "
        "hemos compartido. El aviso completo está disponible en la recepción y a solicitud.",
    ),
)


def build_flow(*, practice: Practice, seed: int, today: date) -> None:
    """Add the flow history (a Visit for every past fulfilled or missed appointment) and the
    check-in setup (flow settings, intake questions, policies) to a demo practice."""
    rng = random.Random(f"frontdesk:{seed}:{practice.slug}")
    FlowSettings.objects.get_or_create(practice=practice)
    _check_in_setup(practice)
    providers = list(Provider.objects.filter(practice=practice).order_by("pk").values_list("pk", flat=True))
    if not providers:
        return
    late_provider = providers[LATE_PROVIDER_INDEX] if len(providers) > LATE_PROVIDER_INDEX else providers[0]
    tz = ZoneInfo(practice.timezone)
    now = datetime.combine(today, time.min, tzinfo=tz)
    rows = Appointment.objects.filter(
        practice=practice,
        start__lt=now,
        status__in=(AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW),
    )
    _simulate(practice=practice, rows=rows, rng=rng, late_provider=late_provider, tz=tz)


def fit_wait_model(*, practice: Practice, today: date) -> None:
    """Fit the wait-estimate model on the history just written, as the worker does each night."""
    start, _end = day_bounds(practice, today)
    refit_wait_model(practice=practice, now=start)


def add_flow(*, practice: Practice, seed: int, appointment_ids: list[int]) -> None:
    """The flow history of past appointments added after ``build_flow`` (a story another builder
    plants), simulated the same way from a stream of the seed of its own."""
    rng = random.Random(f"frontdesk-added:{seed}:{practice.slug}")
    rows = Appointment.objects.filter(
        practice=practice,
        pk__in=appointment_ids,
        status__in=(AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW),
    )
    _simulate(practice=practice, rows=rows, rng=rng, late_provider=None, tz=ZoneInfo(practice.timezone))


def _simulate(*, practice: Practice, rows, rng: random.Random, late_provider: int | None, tz) -> None:
    rows = rows.order_by("provider_id", "start").values_list("pk", "provider_id", "start", "end", "status")
    days: dict[tuple[int, date], list[tuple]] = defaultdict(list)
    for row in rows.iterator(chunk_size=BATCH):
        days[(row[1], row[2].astimezone(tz).date())].append(row)

    simulation = _Simulation(rng)
    visits: list[Visit] = []
    for (provider_id, day), appointments in days.items():
        visits.extend(
            simulation.day(
                practice=practice,
                appointments=appointments,
                late=provider_id == late_provider,
                monday=day.weekday() == 0,
                tz=tz,
            )
        )
        if len(visits) >= BATCH:
            Visit.objects.bulk_create(visits)
            visits = []
    Visit.objects.bulk_create(visits)
    # bulk_create stamps auto_now fields with today; history last changed when it happened.
    Visit.objects.filter(practice=practice, appointment__in=rows.values("pk")).update(updated_at=F("status_changed_at"))


def _check_in_setup(practice: Practice) -> None:
    IntakeQuestion.objects.bulk_create(
        IntakeQuestion(practice=practice, text_en=en, text_es=es, kind=kind, required=required, position=n)
        for n, (en, es, kind, required) in enumerate(INTAKE_QUESTIONS, start=1)
    )
    PracticePolicy.objects.bulk_create(
        PracticePolicy(practice=practice, title_en=t_en, title_es=t_es, body_en=b_en, body_es=b_es, position=n)
        for n, (t_en, t_es, b_en, b_es) in enumerate(POLICIES, start=1)
    )


class _Simulation:
    def __init__(self, rng: random.Random):
        self.rng = rng
        sources = [source for source, _w in ARRIVAL_SOURCES]
        weights = [w for _s, w in ARRIVAL_SOURCES]
        self.source = lambda: rng.choices(sources, weights)[0]

    def day(self, *, practice: Practice, appointments: list[tuple], late: bool, monday: bool, tz) -> list[Visit]:
        """One provider's day, in time order: (pk, provider id, start, end, status) rows."""
        rng = self.rng
        gauss, random_, lognormvariate = rng.gauss, rng.random, rng.lognormvariate
        visits = []
        free: datetime | None = None  # when the provider is next free
        previous_end: datetime | None = None
        for pk, _provider_id, start, end, status in appointments:
            session_start = previous_end is None or (start - previous_end) >= timedelta(minutes=LUNCH_GAP_MINUTES)
            previous_end = end
            if status == AppointmentStatus.NOSHOW:
                visits.append(
                    Visit(
                        practice=practice,
                        appointment_id=pk,
                        status=FlowStatus.NO_SHOW,
                        status_changed_at=end + timedelta(minutes=30),
                    )
                )
                continue
            morning = start.astimezone(tz).hour < 12
            if session_start or free is None:
                # The provider is ready at the first visit's time; the late runner comes in late each morning.
                delay = max(0.0, gauss(*LATE_START_MINUTES)) if late and morning else max(0.0, gauss(1, 2))
                free = max(free or start, start + timedelta(minutes=delay))
            pace = (LATE_PACE if late else 1.0) * (MONDAY_MORNING_PACE if monday and morning else 1.0)

            offset = gauss(*ARRIVAL_MINUTES)
            if random_() < LATE_ARRIVAL_SHARE:
                offset = rng.uniform(4, 20)
            arrived = start + timedelta(minutes=min(max(offset, -30.0), 25.0))
            # Called in once here (a minute or two at the desk) and the provider is nearly free, not too early.
            called = max(
                arrived + timedelta(minutes=rng.uniform(1, 3)),
                free - timedelta(minutes=PREP_MINUTES),
                start - timedelta(minutes=EARLIEST_CALL_MINUTES),
            )
            with_provider = max(called + timedelta(minutes=rng.uniform(3, 8)), free)
            booked = (end - start).total_seconds() / 60
            seen = max(4.0, booked * pace * lognormvariate(-(PACE_NOISE**2) / 2, PACE_NOISE))
            checkout = with_provider + timedelta(minutes=seen)
            done = checkout + timedelta(minutes=max(1.0, gauss(4, 2)))
            free = checkout + timedelta(minutes=rng.uniform(0.5, 2))  # notes, hand-washing
            visits.append(
                Visit(
                    practice=practice,
                    appointment_id=pk,
                    status=FlowStatus.DONE,
                    status_changed_at=done,
                    arrival_source=self.source(),
                    arrived_at=arrived,
                    roomed_at=called,
                    with_provider_at=with_provider,
                    checkout_at=checkout,
                    done_at=done,
                )
            )
        return visits
