"""recognition_*: staff recognition in patients' comments (cx.recognition), no database.

Over the team-written corpus cx/tests/data/recognition_corpus.json (190 invented comments in English and
Spanish with a fixed team, the people on duty, the patient's own names and the expected credits; a
development figure, not a field measurement). A credit is a (comment, user id) pair from a mention that
names exactly one person; an ambiguous mention (several user ids) credits nobody.

recognition_precision: credits made that are expected / credits made.
recognition_recall: expected credits that are made / expected credits.
recognition_ambiguous_agreement: expected ambiguous groups found exactly / expected ambiguous groups.
recognition_patient_name_credits: credits given to a team member through the patient's own name (must be 0).
recognition_heldout_precision / recognition_heldout_recall: the same over the 40 comments marked "heldout",
written after the first run and before the code was tuned on the other 150 (the nearest thing here to an
out-of-sample figure; still written by the same developers).
"""

import json
from pathlib import Path

from cx.recognition import TeamMember, find_mentions

ORDER = 61
CORPUS = Path(__file__).resolve().parent.parent / "cx" / "tests" / "data" / "recognition_corpus.json"


def load_corpus(path: Path = CORPUS) -> tuple[dict[str, list[TeamMember]], list[dict]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    teams = {
        name: [
            TeamMember(
                user_id=m["user_id"],
                first_name=m["first_name"],
                last_name=m["last_name"],
                job_title=m["job_title"],
                nicknames=tuple(m.get("nicknames", ())),
                is_provider=m.get("is_provider", False),
            )
            for m in members
        ]
        for name, members in data["teams"].items()
    }
    return teams, data["comments"]


def evaluate(path: Path = CORPUS, *, split: str | None = None) -> dict[str, float]:
    """Figures over the corpus, or over the comments of one ``split`` ("heldout", "development")."""
    teams, comments = load_corpus(path)
    if split is not None:
        comments = [c for c in comments if c.get("split", "development") == split]
    made = expected = correct = 0
    ambiguous_expected = ambiguous_found = 0
    patient_name_credits = 0
    for comment in comments:
        mentions = find_mentions(
            comment["text"],
            team=teams[comment["team"]],
            on_duty=comment["on_duty"],
            patient_names=comment["patient_names"],
            language=comment.get("language"),
        )
        credited = {m.user_ids[0] for m in mentions if len(m.user_ids) == 1}
        groups = {frozenset(m.user_ids) for m in mentions if len(m.user_ids) > 1}
        wanted = set(comment.get("credits", ()))
        made += len(credited)
        expected += len(wanted)
        correct += len(credited & wanted)
        for group in comment.get("ambiguous", ()):
            ambiguous_expected += 1
            ambiguous_found += frozenset(group) in groups
        patient_words = {w.casefold() for name in comment["patient_names"] for w in name.split()}
        patient_name_credits += sum(
            1
            for m in mentions
            if len(m.user_ids) == 1 and m.kind == "name" and m.text.split()[-1].casefold() in patient_words
        )
    return {
        "precision": correct / made if made else 1.0,
        "recall": correct / expected if expected else 1.0,
        "ambiguous_agreement": ambiguous_found / ambiguous_expected if ambiguous_expected else 1.0,
        "patient_name_credits": float(patient_name_credits),
        "comments": float(len(comments)),
    }


def run(quick: bool) -> list[tuple[str, float, str]]:
    figures = evaluate()
    heldout = evaluate(split="heldout")
    return [
        ("recognition_precision", round(figures["precision"], 4), "fraction"),
        ("recognition_recall", round(figures["recall"], 4), "fraction"),
        ("recognition_ambiguous_agreement", round(figures["ambiguous_agreement"], 4), "fraction"),
        ("recognition_patient_name_credits", int(figures["patient_name_credits"]), "credits"),
        ("recognition_heldout_precision", round(heldout["precision"], 4), "fraction"),
        ("recognition_heldout_recall", round(heldout["recall"], 4), "fraction"),
        ("recognition_corpus_comments", int(figures["comments"]), "comments"),
    ]


if __name__ == "__main__":
    for name, value, unit in run(quick=False):
        print(f"{name}: {value} {unit}")
