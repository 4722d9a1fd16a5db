"""cx.staff_mentions.could_name: the quick test the staff record runs before the exact matcher must
never drop a comment the matcher credits to the person (checked on the recognition corpus), and should
drop most comments that are not about them."""

import json
from pathlib import Path

from cx.recognition import TeamMember, find_mentions
from cx.staff_mentions import could_name, name_keys

CORPUS = Path(__file__).parent / "data" / "recognition_corpus.json"


def _corpus():
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    teams = {
        name: [
            TeamMember(
                m["user_id"],
                m["first_name"],
                m["last_name"],
                m.get("job_title", ""),
                nicknames=tuple(m.get("nicknames", ())),
                is_provider=m.get("is_provider", False),
            )
            for m in members
        ]
        for name, members in data["teams"].items()
    }
    return teams, data["comments"]


def test_it_never_drops_a_comment_the_matcher_credits_to_the_member():
    teams, comments = _corpus()
    checked = 0
    for comment in comments:
        team = teams[comment["team"]]
        mentions = find_mentions(
            comment["text"], team=team, on_duty=comment["on_duty"], patient_names=comment["patient_names"]
        )
        named = {uid for m in mentions for uid in m.user_ids}
        for member in team:
            if member.user_id in named:
                checked += 1
                assert could_name(comment["text"], member), (comment["id"], comment["text"], member)
    assert checked > 100


def test_it_drops_most_comments_that_do_not_name_the_member():
    teams, comments = _corpus()
    dropped = kept = 0
    for comment in comments:
        team = teams[comment["team"]]
        mentions = find_mentions(
            comment["text"], team=team, on_duty=comment["on_duty"], patient_names=comment["patient_names"]
        )
        named = {uid for m in mentions for uid in m.user_ids}
        for member in team:
            if member.user_id not in named:
                if could_name(comment["text"], member, keys=name_keys(member)):
                    kept += 1
                else:
                    dropped += 1
    assert dropped > 2 * kept


def test_typos_variants_nicknames_and_roles():
    stephanie = TeamMember(7, "Stephanie", "Ruiz", "medical_assistant")
    assert could_name("Stefanie was lovely", stephanie)
    assert could_name("Stpehanie was lovely", stephanie)
    elizabeth = TeamMember(5, "Elizabeth", "Kim", "nurse")
    assert could_name("Liz was kind", elizabeth)
    assert could_name("la enfermera fue amable", elizabeth)
    assert not could_name("The parking was hard to find.", elizabeth)
    provider = TeamMember(1, "Daniel", "Lee", "provider", is_provider=True)
    assert could_name("the doctor was rushed", provider)
    assert not could_name("the receptionist was rushed", provider)
