"""The RCA² action hierarchy: each kind's strength, the classifier on written actions, and the
all-weaker warning."""

import pytest

from cx import action_hierarchy as h

# Written actions and the kind each one is (English and Spanish).
EXAMPLES = [
    ("Move the check-in kiosk next to the entrance so patients see it first", "physical"),
    ("Install a second phone line at the front desk", "physical"),
    ("The booking page cannot book a new patient into a follow-up slot", "forcing_function"),
    ("Make the insurance question a required field before the visit can be booked", "forcing_function"),
    ("Simplify online check-in to three screens", "simplify"),
    ("Remove two steps from the refill request form", "simplify"),
    ("Standardise the reminder template across both locations", "standardise"),
    ("The owner funds a call-back line and reviews hold times every week", "leadership"),
    ("Add a backup person who answers when the line is busy", "redundancy"),
    ("Hire a part-time receptionist for Monday mornings", "staffing"),
    ("Restore Saturday times on the online booking page", "software"),
    ("Configure the phone menu to offer a call-back after two minutes on hold", "software"),
    ("Rename the two visit types whose names look alike", "look_alikes"),
    ("Add a checklist for the last call of the day", "checklist"),
    ("Use a standard handoff at the lunch break between receptionists", "communication_tool"),
    ("Document every call-back request in the patient's message log", "documentation"),
    ("Double-check every new patient's insurance the day before", "double_check"),
    ("Put up a sign asking patients to check in at the kiosk", "warning"),
    ("Send a memo to staff about the call-back policy", "policy"),
    ("Train the front desk on the new phone system", "training"),
    ("Retrain staff on greeting patients", "training"),
    ("Study the hold times for another month", "study"),
    ("Capacitar al personal de recepción en el nuevo sistema", "training"),
    ("Instalar una segunda línea telefónica en recepción", "physical"),
    ("Estandarizar la plantilla de recordatorios en las dos sedes", "standardise"),
    ("Crear una lista de verificación para el cierre del día", "checklist"),
    ("Enviar un memorando sobre la nueva política de llamadas", "policy"),
    ("Colocar un cartel en la sala de espera", "warning"),
]


@pytest.mark.parametrize(("text", "kind"), EXAMPLES)
def test_the_classifier_suggests_the_kind(text, kind):
    assert h.suggest(text) == kind


def test_the_classifier_on_the_written_examples(capsys):
    right = sum(1 for text, kind in EXAMPLES if h.suggest(text) == kind)
    strength_right = sum(
        1
        for text, kind in EXAMPLES
        if (h.suggest(text) or "") and h.strength_of(h.suggest(text) or "") == h.strength_of(kind)
    )
    with capsys.disabled():
        print(f"\naction_kind_agreement {right}/{len(EXAMPLES)}; strength {strength_right}/{len(EXAMPLES)}")
    assert len(EXAMPLES) >= 20
    assert right == len(EXAMPLES)


def test_nothing_to_go_on_suggests_nothing():
    assert h.suggest("Talk about it") is None
    assert h.suggest("") is None


def test_every_kind_has_a_strength_and_the_three_strengths_are_covered():
    assert {kind.strength for kind in h.KINDS} == set(h.STRENGTHS)
    assert h.strength_of("forcing_function") == h.STRONGER
    assert h.strength_of("checklist") == h.INTERMEDIATE
    assert h.strength_of("training") == h.WEAKER
    with pytest.raises(KeyError):
        h.strength_of("wishful_thinking")
    codes = [kind.code for strength, kinds in h.grouped() for kind in kinds]
    assert sorted(codes) == sorted(h.BY_CODE)
    assert [strength for strength, _kinds in h.grouped()] == [h.STRONGER, h.INTERMEDIATE, h.WEAKER]


def test_all_weaker_warns_only_when_every_action_is_weaker():
    assert h.all_weaker(["training", "policy", "warning"])
    assert not h.all_weaker(["training", "software"])
    assert not h.all_weaker(["forcing_function"])
    assert not h.all_weaker([])  # no actions yet: nothing to warn about
    assert h.counts(["training", "software", "physical", "policy"]) == {
        h.STRONGER: 1,
        h.INTERMEDIATE: 1,
        h.WEAKER: 2,
    }
