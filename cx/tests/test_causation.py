"""The five rules of causation checked on a written set of good and bad causal statements.

The set was written for these checks (a development set, not a held-out one): good statements follow
the RCA² shape, bad ones each break the rule(s) named beside them. ``test_accuracy_on_the_written_set``
prints the agreement; docs/cx.md quotes it as a development figure.
"""

import pytest

from cx import causation as c

GOOD = [
    # English
    "The online booking page showed no Saturday times after the template change, which increased the "
    "likelihood that working patients would call instead, which led to longer hold times on the phone.",
    "Because every call at 8 a.m. rings on one line, callers waited more than five minutes, which increased "
    "the likelihood that they would hang up before booking.",
    "The call-back list is kept on paper at the desk and is not visible to the second receptionist, which "
    "increased the likelihood that a call-back would be missed, which led to the patient booking elsewhere.",
    "Because the reminder text did not include the new suite number, patients went to the old entrance, "
    "which led to late arrivals and shortened visits.",
    "The check-in tablet asks for insurance details on six screens, which made it more likely that older "
    "patients would ask for help, which led to a queue at the desk.",
    "The phone menu has seven options before a person answers, which increased the likelihood that callers "
    "would choose the wrong option, which led to transfers and repeated explanations.",
    "Because the schedule template gives no time between the last morning visit and lunch, the doctor "
    "started the afternoon 20 minutes behind, which led to long waits for the 2 p.m. patients.",
    "With no one assigned to the voicemail box on Mondays, messages from the weekend waited until Tuesday, "
    "which increased the likelihood that patients would call again several times.",
    "The receptionist, who is required by the protocol to call back within one day, did not call the "
    "patient back because the call-back list was hidden behind a second screen, which led to the complaint.",
    "Because the refill policy was printed in a binder no one opens and conflicts with the new system, the "
    "nurse did not follow the policy, which increased the likelihood that the refill would be late.",
    "The statement uses billing codes instead of plain words, which made it more likely that patients would "
    "call with questions, which led to long billing calls.",
    "Staff are interrupted by the phone about every four minutes during check-in, which increased the "
    "likelihood that a step would be forgotten, which led to missing consent forms.",
    "The waiting-room screen shows no running-late notice, which meant that patients did not know about the "
    "delay, which led to frustration and walk-outs.",
    "Since the parking signs point to the staff lot, new patients circle the building, which led to late "
    "arrivals and rescheduled visits.",
    "The portal sends the visit summary only after the provider signs the note, which is often three days "
    "later, which increased the likelihood that patients would call the office to ask for it.",
    # Spanish
    "La página de reservas no mostraba horarios de sábado tras el cambio de plantilla, lo que aumentó la "
    "probabilidad de que los pacientes llamaran por teléfono, lo que llevó a esperas más largas.",
    "Como la lista de devoluciones de llamada está en papel en el mostrador, la recepcionista no la ve desde "
    "el segundo puesto, lo que aumentó la probabilidad de que una llamada quedara sin devolver.",
    "Debido a que el menú telefónico tiene siete opciones, los pacientes elegían la opción equivocada, lo que "
    "provocó transferencias y esperas más largas.",
    "El recordatorio no incluía el nuevo número de consultorio, lo que llevó a que los pacientes fueran a la "
    "entrada antigua y llegaran tarde.",
    "La recepcionista, que según el protocolo debe devolver la llamada en un día, no llamó a la paciente "
    "porque la lista estaba oculta en otra pantalla, lo que provocó la queja.",
]

# Each bad statement with the rules it breaks.
BAD = [
    ("Hold times were long.", {c.CAUSE_AND_EFFECT}),
    ("Patients waited too long in the waiting room on Monday mornings.", {c.CAUSE_AND_EFFECT}),
    (
        "The front desk communicated poorly with patients, which led to complaints about the wait.",
        {c.NO_NEGATIVE_DESCRIPTORS},
    ),
    (
        "Inadequate staffing on Mondays increased the likelihood that calls would go unanswered.",
        {c.NO_NEGATIVE_DESCRIPTORS},
    ),
    (
        "A careless scheduler double-booked the slot, which led to the patient waiting an hour.",
        {c.NO_NEGATIVE_DESCRIPTORS},
    ),
    (
        "The receptionist forgot to call the patient back, which led to the patient booking elsewhere.",
        {c.HUMAN_ERROR},
    ),
    ("The nurse made a mistake with the appointment time, which resulted in a missed visit.", {c.HUMAN_ERROR}),
    (
        "Staff didn't tell the patient about the delay, which led to the patient leaving.",
        {c.HUMAN_ERROR, c.FAILURE_TO_ACT},
    ),
    (
        "The scheduler did not follow the booking policy, which led to a new patient being booked into a "
        "follow-up slot.",
        {c.PROCEDURE_DEVIATION},
    ),
    (
        "The front desk skipped the insurance verification step, which resulted in a surprise bill.",
        {c.PROCEDURE_DEVIATION},
    ),
    ("Nobody called the patient after the cancellation, which led to a lapse in care.", {c.FAILURE_TO_ACT}),
    (
        "The patient was not told the doctor was running late, which led to the complaint about the wait.",
        {c.FAILURE_TO_ACT},
    ),
    (
        "Sloppy documentation at check-in caused the wrong insurance to be billed.",
        {c.NO_NEGATIVE_DESCRIPTORS},
    ),
    (
        "The biller failed to send the corrected statement, which led to a second complaint.",
        {c.NO_NEGATIVE_DESCRIPTORS, c.FAILURE_TO_ACT},
    ),
    ("Bad communication.", {c.CAUSE_AND_EFFECT, c.NO_NEGATIVE_DESCRIPTORS}),
    ("The receptionist forgot.", {c.CAUSE_AND_EFFECT, c.HUMAN_ERROR}),
    # Spanish
    ("Las esperas fueron largas.", {c.CAUSE_AND_EFFECT}),
    (
        "La recepcionista se olvidó de llamar a la paciente, lo que llevó a que reservara en otra clínica.",
        {c.HUMAN_ERROR},
    ),
    (
        "La comunicación deficiente de la recepción provocó quejas sobre la espera.",
        {c.NO_NEGATIVE_DESCRIPTORS},
    ),
    (
        "El personal no siguió el protocolo de confirmación, lo que provocó una cita perdida.",
        {c.PROCEDURE_DEVIATION},
    ),
    ("Nadie llamó al paciente después de la cancelación, lo que llevó a que no volviera.", {c.FAILURE_TO_ACT}),
]


# Written after the checks above were settled and first run untouched: 11 of 14 agreed. Misses: "led
# patients to" was not read as a link (since fixed: "led … to"), and two "did not" statements labelled
# as failure to act only are also read as blaming a person ("the front desk did not…", rule 3).
LATER = [
    (
        "The fax machine prints referrals in the back office, which increased the likelihood that a referral "
        "would sit unseen for days, which led to delayed first visits.",
        set(),
    ),
    (
        "Because the online form does not accept hyphenated last names, some patients could not finish "
        "booking, which led to calls to the front desk.",
        set(),
    ),
    (
        "The lab results line rings at the front desk during check-in, which made it more likely that check-in "
        "would be interrupted, which led to longer queues.",
        set(),
    ),
    (
        "The reminder is sent only two hours before the visit, which increased the likelihood that patients "
        "could not rearrange their day, which led to no-shows.",
        set(),
    ),
    (
        "Como el sistema de pagos no acepta tarjetas extranjeras, algunos pacientes no pudieron pagar en línea, "
        "lo que provocó llamadas a facturación.",
        set(),
    ),
    (
        "The exam rooms have no clock, which meant patients could not tell how long they had waited, which led "
        "to complaints that the wait felt longer.",
        set(),
    ),
    ("The doctor was late.", {c.CAUSE_AND_EFFECT}),
    (
        "The medical assistant forgot to give the patient the after-visit summary, which led to a follow-up call.",
        {c.HUMAN_ERROR},
    ),
    ("Poor signage led patients to the wrong door.", {c.NO_NEGATIVE_DESCRIPTORS}),
    ("The front desk did not verify insurance, which led to a denied claim.", {c.FAILURE_TO_ACT}),
    ("The clerk bypassed the consent step, which resulted in a complaint.", {c.PROCEDURE_DEVIATION}),
    ("El médico no explicó el tratamiento, lo que provocó la queja.", {c.FAILURE_TO_ACT}),
    (
        "La enfermera cometió un error con la hora de la cita, lo que llevó a una visita perdida.",
        {c.HUMAN_ERROR},
    ),
    ("Insufficient training of new staff caused long check-in times.", {c.NO_NEGATIVE_DESCRIPTORS}),
]


def rules_broken(statement: str) -> set[int]:
    return {failure.rule for failure in c.check(statement)}


@pytest.mark.parametrize("statement", GOOD)
def test_good_statements_pass(statement):
    assert c.check(statement) == [], [f.rule for f in c.check(statement)]


@pytest.mark.parametrize(("statement", "rules"), BAD)
def test_bad_statements_break_their_rules(statement, rules):
    assert rules_broken(statement) == rules


def test_the_set_is_big_enough():
    assert len(GOOD) >= 15
    assert len(BAD) >= 15
    assert {rule for _s, rules in BAD for rule in rules} == {1, 2, 3, 4, 5}


def test_accuracy_on_the_written_set(capsys):
    """Statement-level: a good statement with no failure, a bad one with exactly its rules."""
    right = sum(1 for s in GOOD if not c.check(s)) + sum(1 for s, rules in BAD if rules_broken(s) == rules)
    total = len(GOOD) + len(BAD)
    with capsys.disabled():
        print(f"\ncausation_checks_agreement {right}/{total} (development set)")
    assert right == total


def test_agreement_on_the_set_written_later(capsys):
    right = sum(1 for s, rules in LATER if rules_broken(s) == rules)
    with capsys.disabled():
        print(f"\ncausation_checks_agreement_later_set {right}/{len(LATER)}")
    assert right >= 12  # 11 when first run; the two "did not" statements also read as blaming a person


def test_each_failure_explains_and_says_how_to_fix():
    failures = c.check("The receptionist poorly handled the call and forgot to call back.")
    assert failures
    for failure in failures:
        assert failure.explanation and failure.fix and failure.rule_name
    negative = next(f for f in failures if f.rule == c.NO_NEGATIVE_DESCRIPTORS)
    assert negative.words == "poorly"
    assert "%(words)s" in negative.explanation


def test_an_empty_statement_fails_the_first_rule():
    assert rules_broken("   ") == {c.CAUSE_AND_EFFECT}


def test_a_cause_after_the_error_in_the_same_clause_is_not_a_cause_of_it():
    # The slip is itself the cause here, with nothing before it.
    assert c.HUMAN_ERROR in rules_broken("The patient waited an hour because the receptionist forgot to room her.")


def test_a_duty_makes_a_failure_to_act_causal():
    base = "The front desk did not call the patient after the cancellation, which led to a lapse in care."
    assert c.FAILURE_TO_ACT in rules_broken(base)
    with_duty = (
        "Because the cancellation report is printed only on Fridays, the front desk, who is required to call "
        "every cancelled patient within a day, did not call the patient, which led to a lapse in care."
    )
    assert rules_broken(with_duty) == set()


def test_accents_and_curly_apostrophes_do_not_matter():
    assert c.HUMAN_ERROR in rules_broken("Staff didn’t tell the patient, which led to the patient leaving.")
    assert c.NO_NEGATIVE_DESCRIPTORS in rules_broken("La atención fue pésima, lo que provocó la queja.")
