"""cx.recognition: who a comment mentions (pure; plain data, the team-written corpus, Hypothesis)."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cx.recognition import Mention, TeamMember, find_mentions, name_aliases

CORPUS = Path(__file__).parent / "data" / "recognition_corpus.json"

TEAM = [
    TeamMember(1, "Daniel", "Lee", "provider", is_provider=True),
    TeamMember(2, "Sarah", "Brown", "provider", is_provider=True),
    TeamMember(3, "Maria", "Lopez", "receptionist"),
    TeamMember(4, "Maria", "Garcia", "billing"),
    TeamMember(5, "Elizabeth", "Kim", "nurse"),
    TeamMember(6, "José", "Hernández", "medical_assistant", nicknames=("Pepe",)),
    TeamMember(7, "Stephanie", "Ruiz", "medical_assistant"),
    TeamMember(9, "Tom", "Walsh", "receptionist"),
    TeamMember(10, "Guadalupe", "Torres", "nurse"),
]


def credits(text, *, on_duty=(), patient_names=(), team=TEAM):
    """User ids credited to one person each (ambiguous mentions credit nobody)."""
    return {
        m.user_ids[0]
        for m in find_mentions(text, team=team, on_duty=on_duty, patient_names=patient_names)
        if len(m.user_ids) == 1
    }


def groups(text, *, on_duty=(), patient_names=(), team=TEAM):
    return {
        m.user_ids
        for m in find_mentions(text, team=team, on_duty=on_duty, patient_names=patient_names)
        if len(m.user_ids) > 1
    }


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Lee was great.",
        "Dr Lee was great.",
        "Doctor Lee was great.",
        "dr lee was great",
        "DR. LEE WAS GREAT",
        "El doctor Lee fue muy amable.",
        "I saw Lee for a mole check.",
        "Daniel Lee was great.",
        "Danny was great.",
    ],
)
def test_the_provider_is_found_by_every_form_of_his_name(text):
    assert credits(text) == {1}


def test_a_title_keeps_the_mention_text_as_written():
    [mention] = find_mentions("Thanks to Dr. Lee!", team=TEAM)
    assert mention == Mention(text="Dr. Lee", kind="name", user_ids=(1,))


@pytest.mark.parametrize(
    ("text", "user_id"),
    [
        ("Liz was gentle.", 5),
        ("Beth was gentle.", 5),
        ("Lizzie was gentle.", 5),
        ("Pepe me ayudó mucho.", 6),  # the member's own nickname
        ("Lupe es un ángel.", 10),  # the nickname map
        ("Tommy at reception was kind.", 9),
        ("Isabel fue muy amable.", 5),  # Elizabeth in Spanish
    ],
)
def test_nicknames_and_equivalents(text, user_id):
    assert credits(text) == {user_id}


@pytest.mark.parametrize(
    ("text", "user_id"),
    [
        ("Stephenie was great.", 7),  # one typo in a long name
        ("Stefanie was great.", 7),  # a spelling variant
        ("Guadelupe was a sweetheart.", 10),
        ("Hernandes took my blood pressure.", 6),
    ],
)
def test_misspellings_of_long_names(text, user_id):
    assert credits(text) == {user_id}


def test_short_names_are_never_guessed_from_a_typo():
    assert credits("Dr. Lea was kind.") == set()
    assert credits("Tim was kind.") == set()  # Tom is one letter away, but short


def test_a_different_known_name_is_not_a_typo():
    team = [TeamMember(1, "Maria", "Lopez", "receptionist")]
    assert credits("Mario was kind.", team=team) == set()
    assert credits("Marie was kind.", team=team) == set()


def test_two_members_sharing_a_first_name_are_ambiguous_never_credited():
    assert credits("Maria was lovely.") == set()
    assert groups("Maria was lovely.") == {(3, 4)}
    assert credits("Maria Lopez was lovely.") == {3}
    assert credits("Ms. Garcia was lovely.") == {4}


def test_a_full_name_of_someone_else_is_not_our_member():
    assert credits("My neighbour Sarah Jones recommended you.") == set()
    assert credits("Sarah Jones recommended you.") == set()
    assert credits("Sarah Brown recommended you.") == {2}


def test_the_patients_own_name_is_never_a_mention():
    assert find_mentions("Daniel here, the visit went well.", team=TEAM, patient_names=["Daniel Price"]) == []
    assert find_mentions("Stephanie Ruiz, happy patient!", team=TEAM, patient_names=["Stephanie Ruiz"]) == []
    # ...but the staff the same patient names are.
    assert credits("Daniel here, Maria Lopez was great.", patient_names=["Daniel Price"]) == {3}


@pytest.mark.parametrize(
    "text",
    [
        "My husband Daniel came with me.",
        "My daughter Sarah loved the stickers.",
        "My friend Maria Lopez recommended you.",
        "Mi esposo José me acompañó.",
        "Mi hija Guadalupe estaba nerviosa.",
    ],
)
def test_relatives_are_not_staff(text):
    assert credits(text) == set()
    assert groups(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "At another clinic Dr. Lee never listened to me.",
        "My old dermatologist, Dr. Brown, rushed me out.",
        "At my previous practice the nurse never called me back.",
        "En otra clínica la doctora no me explicaba nada.",
        "I used to go to a place where Walsh was rude.",
    ],
)
def test_other_practices_staff_are_not_credited(text):
    assert credits(text, on_duty=[1, 5]) == set()


def test_coming_back_here_ends_the_other_practice_clause():
    assert credits("At my old clinic nobody listened, but here Dr. Lee did.") == {1}
    assert credits("Dr. Lee is so much better than my previous doctor.") == {1}
    assert credits("En otra clínica no me explicaban nada, aquí el doctor Lee sí.") == {1}


def test_a_role_word_credits_the_one_holder_on_duty():
    assert credits("The nurse was kind.", on_duty=[1, 5]) == {5}
    assert credits("La enfermera fue muy cariñosa.", on_duty=[1, 10]) == {10}
    assert credits("The receptionist was welcoming.", on_duty=[1, 9]) == {9}
    assert credits("The front desk lady was sweet.", on_duty=[3]) == {3}


def test_a_role_word_with_several_holders_on_duty_is_ambiguous():
    assert credits("The nurse was kind.", on_duty=[5, 10]) == set()
    assert groups("The nurse was kind.", on_duty=[5, 10]) == {(5, 10)}


def test_a_role_word_nobody_holds_on_duty_falls_back_to_the_only_holder_in_the_team():
    assert credits("Billing sorted out my bill.", on_duty=[1, 3]) == {4}
    assert groups("The nurse was kind.", on_duty=[1, 3]) == {(5, 10)}  # two nurses, neither on duty


def test_the_doctor_credits_the_visits_provider():
    assert credits("The doctor explained everything.", on_duty=[2, 3]) == {2}
    assert credits("La doctora me escuchó.", on_duty=[2, 3]) == {2}
    assert groups("The doctor explained everything.", on_duty=[3]) == {(1, 2)}


def test_role_words_that_are_not_a_person():
    assert credits("I called the doctor's office twice.", on_duty=[1]) == set()
    assert credits("Any doctor would be lucky to have this team.", on_duty=[1]) == set()
    assert credits("I'm seeing a new doctor soon.", on_duty=[1]) == set()
    assert credits("Mom said the ma was nice.", on_duty=[7]) == set()  # only "MA" in capitals
    assert credits("The MA was quick.", on_duty=[7]) == {7}


def test_dr_with_the_name_of_someone_who_is_not_a_provider_is_someone_else():
    assert credits("Dr. Ruiz was great.") == set()  # our Ruiz is a medical assistant
    assert credits("Ruiz was great.") == {7}


def test_a_double_barrelled_name_is_not_its_halves():
    assert credits("Dr Brennan-Walsh has the best bedside manner.") == set()
    team = [TeamMember(1, "Ann", "Brennan-Walsh", "provider", is_provider=True)]
    assert credits("Dr. Brennan-Walsh was kind.", team=team) == {1}
    assert credits("Dr. Walsh was kind.", team=team) == {1}


def test_a_possessive_owner_is_mentioned_too():
    # "Dr. Brown's assistant": both are spoken of; the caller decides whom the praise is for.
    assert credits("Dr. Brown's assistant was very kind.", on_duty=[7]) == {2, 7}
    assert credits("I loved Dr. Lee's bedside manner.") == {1}


def test_a_role_right_before_a_name_gives_only_the_name():
    mentions = find_mentions("The receptionist, Maria Lopez, was lovely.", team=TEAM, on_duty=[9])
    assert [(m.kind, m.user_ids) for m in mentions] == [("name", (3,))]


def test_a_named_person_resolves_an_ambiguous_role_in_the_same_comment():
    assert find_mentions("The nurse, Liz, was great.", team=TEAM, on_duty=[5, 10]) == [
        Mention(text="Liz", kind="name", user_ids=(5,))
    ]


def test_everyday_words_are_not_names():
    team = [TeamMember(1, "Grace", "Hall", "receptionist"), TeamMember(2, "Will", "Price", "provider")]
    assert credits("By the grace of God I got in.", team=team) == set()
    assert credits("Will definitely come back.", team=team) == set()
    assert credits("Thanks to Will for the help.", team=team) == {2}
    assert credits("Hall was clean and quiet.", team=team) == set()
    assert credits("The price was fair.", team=team) == set()
    assert credits("Grace at check-in was warm.", team=team) == {1}


def test_name_aliases_cover_nicknames_and_equivalents():
    assert {"liz", "beth", "isabel", "elizabeth"} <= name_aliases("Elizabeth")
    assert {"michael", "miguel", "mike"} <= name_aliases("Mike")


def test_mentions_of_the_same_person_are_merged():
    mentions = find_mentions("Dr. Lee was great and Daniel explained it all.", team=TEAM)
    assert [m.user_ids for m in mentions] == [(1,)]


def _corpus():
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    teams = {
        name: [
            TeamMember(
                m["user_id"],
                m["first_name"],
                m["last_name"],
                m["job_title"],
                tuple(m.get("nicknames", ())),
                m.get("is_provider", False),
            )
            for m in members
        ]
        for name, members in data["teams"].items()
    }
    return teams, data["comments"]


def test_the_corpus_is_large_and_bilingual():
    _, comments = _corpus()
    assert len(comments) >= 120
    assert sum(1 for c in comments if c.get("language") == "es") >= 20
    assert len({c["id"] for c in comments}) == len(comments)


def test_corpus_precision_and_recall_meet_the_goals():
    teams, comments = _corpus()
    made = expected = correct = 0
    for comment in comments:
        found = credits(
            comment["text"],
            team=teams[comment["team"]],
            on_duty=comment["on_duty"],
            patient_names=comment["patient_names"],
        )
        wanted = set(comment.get("credits", ()))
        made += len(found)
        expected += len(wanted)
        correct += len(found & wanted)
    assert correct / made >= 0.95
    assert correct / expected >= 0.85


def test_the_corpus_never_credits_a_patient_by_their_own_name():
    teams, comments = _corpus()
    for comment in comments:
        patient_words = {w.casefold() for name in comment["patient_names"] for w in name.split()}
        for mention in find_mentions(
            comment["text"],
            team=teams[comment["team"]],
            on_duty=comment["on_duty"],
            patient_names=comment["patient_names"],
        ):
            if mention.kind == "name":
                assert not {w.casefold().rstrip(".,") for w in mention.text.split()} & patient_words, comment["id"]


def test_the_corpus_keeps_expected_ambiguities_ambiguous():
    teams, comments = _corpus()
    for comment in comments:
        for group in comment.get("ambiguous", ()):
            found = groups(
                comment["text"],
                team=teams[comment["team"]],
                on_duty=comment["on_duty"],
                patient_names=comment["patient_names"],
            )
            assert tuple(sorted(group)) in found, comment["id"]


names = st.sampled_from(["Daniel", "Maria", "Sarah", "Lee", "Kim", "Pepe", "Ana", "Tom", "José"])
words = st.sampled_from(["the", "nurse", "was", "great", "my", "husband", "Dr.", "at", "another", "clinic", ",", "."])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(names, words), max_size=14), st.lists(names, max_size=2), st.sets(st.integers(1, 10)))
def test_mentions_are_never_empty_sorted_and_never_the_patient(tokens, patient_names, on_duty):
    text = " ".join(tokens)
    mentions = find_mentions(text, team=TEAM, on_duty=on_duty, patient_names=patient_names)
    patient = {n.casefold() for n in patient_names}
    seen = set()
    for mention in mentions:
        assert mention.user_ids
        assert list(mention.user_ids) == sorted(set(mention.user_ids))
        assert mention.kind in ("name", "role")
        assert mention.user_ids not in seen
        seen.add(mention.user_ids)
        # A one-word name mention is never the patient's own name ("Daniel Lee" is still the staffer
        # when the patient is also a Lee).
        if mention.kind == "name" and len(mention.text.split()) == 1:
            assert mention.text.casefold() not in patient


# ---- regressions from the independent check (general causes, our own sentences) ----------------------
GENERAL = [
    TeamMember(31, "Grant", "Fowler", "provider", is_provider=True),
    TeamMember(32, "Will", "Harmon", "nurse"),
    TeamMember(33, "Nadia", "Crane", "receptionist"),
    TeamMember(34, "Nadia", "Voss", "nurse"),
    TeamMember(35, "Priscilla", "Baker", "billing"),
    TeamMember(36, "Oliver", "Walker", "other"),
    TeamMember(37, "Hazel", "Morgan", "medical_assistant"),
]


def gen(text, on_duty=()):
    return credits(text, team=GENERAL, on_duty=on_duty)


def test_a_possessive_name_is_a_mention():
    assert gen("Dr. Fowler's team phoned me back.") == {31}
    assert gen("Hazel's explanation helped.") == {37}


def test_a_name_that_is_also_a_verb_starts_a_sentence():
    assert gen("Will was so patient with me.") == {32}
    assert gen("Will Harmon took my blood.") == {32}
    assert gen("Will book again soon.") == set()


def test_lower_case_words_are_not_names_in_a_comment_that_uses_capitals():
    assert gen("I brought my walker and the baker downstairs had bread.") == set()
    assert gen("Oliver helped with my walker.") == {36}
    assert gen("oliver was kind to me") == {36}  # a writer who never capitalises


def test_typos_need_a_capital_the_same_first_letter_and_a_non_word():
    assert gen("Prisilla sorted my bill.") == {35}
    assert gen("Baking was not allowed.") == set()  # Baker is one letter away, but a word
    assert gen("Mr. Backer was nice.") == set()  # a known name is not a typo of another


def test_a_role_beside_a_name_must_fit_our_member():
    assert gen("Hazel (physio) was great.") == set()
    assert gen("Hazel the medical assistant was great.") == {37}
    assert gen("Will the counsellor listened.") == set()
    assert gen("Nurse Nadia was gentle.") == {34}
    assert gen("Nadia C. booked me in.") == {33}


def test_another_first_name_with_our_surname_is_someone_else():
    assert gen("Tara Fowler from church recommended you.") == set()
    assert gen("Grant Rutherford-Smythe was my old doctor.") == set()


def test_a_role_word_beside_someone_elses_name_credits_nobody():
    assert gen("Wendy the receptionist was lovely.", on_duty=[33]) == set()
    assert gen("Gloria (receptionist) called me.", on_duty=[33]) == set()
    assert gen("The receptionist was lovely.", on_duty=[33]) == {33}


def test_relatives_after_a_comma_and_places_are_not_staff():
    assert gen("My husband, Will, drove me.") == set()
    assert gen("The front desk was empty when I came.", on_duty=[33]) == set()
    assert gen("Procter & Gamble make it, said Grant.") == {31}
    assert gen("Fui el día de los Reyes.") == set()


def test_spanish_adjective_medico_is_not_the_doctor():
    assert gen("La asistente médica fue amable.", on_duty=[31, 37]) == {37}
    assert gen("El médico fue amable.", on_duty=[31, 37]) == {31}
    assert gen("Tengo seguro médico.", on_duty=[31, 37]) == set()


def test_other_roles_do_not_credit_ours():
    assert gen("The bed manager found me a room.") == set()
    assert gen("A healthcare assistant took my blood.", on_duty=[37]) == set()


def test_two_people_joined_by_an_ampersand_are_still_people():
    assert gen("Hazel & Priscilla sorted it all out.") == {35, 37}


def test_a_role_acronym_before_our_surname_is_not_another_first_name():
    assert gen("MA Morgan was quick.") == {37}
