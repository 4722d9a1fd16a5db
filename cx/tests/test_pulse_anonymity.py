"""The staff pulse's anonymity holds: fewer than 5 answers shows nothing, a group under 5 is merged and
cannot be worked out by subtraction, and no answer can be joined to the person who gave it (no link,
no time, no order, nothing logged)."""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta

import pytest
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cx import anonymity, stats
from cx.models import PulseAnswer, PulseParticipation, PulseRound
from cx.selectors import pulse as pulse_selectors
from cx.services import pulse as pulse_services
from practices.models import Role
from tests.factories import make_staff


def answer(group: str = anonymity.NOT_SAID, recommend: int = 8, serve: int = 4, systems: int = 4, rec: int = 4):
    return anonymity.Answer(
        group=group, recommend_work=recommend, can_serve_patients=serve, systems_help=systems, recognised=rec
    )


# --- the rules (pure) ----------------------------------------------------------------------------


def test_fewer_than_five_answers_show_nothing():
    for n in range(5):
        found = anonymity.round_results([answer(recommend=10)] * n, closed=True)
        assert found.state == anonymity.TOO_FEW_ANSWERS
        assert found.total is None and found.groups == ()
    assert anonymity.round_results([answer()] * 5, closed=True).state == anonymity.SHOWN


def test_an_open_round_shows_nothing_however_many_answered():
    found = anonymity.round_results([answer()] * 40, closed=False)
    assert found.state == anonymity.OPEN
    assert found.total is None and found.groups == ()


def test_a_group_under_five_is_merged_into_other_roles():
    answers = [answer(anonymity.FRONT_OFFICE)] * 6 + [answer(anonymity.CLINICAL)] * 7
    answers += [answer(anonymity.PROVIDERS)] * 3 + [answer(anonymity.NOT_SAID)] * 2
    found = anonymity.round_results(answers, closed=True)
    rows = {row.group: row for row in found.groups}
    # Providers (3) and "not said" (2) make "other roles" of 5: shown, and nothing under 5 is alone.
    assert set(rows) == {anonymity.FRONT_OFFICE, anonymity.CLINICAL, anonymity.OTHER_ROLES}
    assert rows[anonymity.OTHER_ROLES].members == (anonymity.PROVIDERS, anonymity.NOT_SAID)
    assert rows[anonymity.OTHER_ROLES].n == 5
    assert found.merged


def test_a_merged_group_still_under_five_takes_in_the_smallest_group_so_no_subtraction_reveals_it():
    # Three providers, all detractors; the others all promoters. Showing front office (6) and clinical
    # (7) beside the total (16) would give the providers' eNPS by subtraction: -100.
    answers = [answer(anonymity.FRONT_OFFICE, recommend=10)] * 6 + [answer(anonymity.CLINICAL, recommend=10)] * 7
    answers += [answer(anonymity.PROVIDERS, recommend=0)] * 3
    found = anonymity.round_results(answers, closed=True)
    assert found.total is not None and found.total.n == 16
    rows = {row.group: row for row in found.groups}
    assert set(rows) == {anonymity.CLINICAL, anonymity.OTHER_ROLES}
    assert rows[anonymity.OTHER_ROLES].members == (anonymity.FRONT_OFFICE, anonymity.PROVIDERS)
    # What subtraction gives now is the merged row itself (9 answers), never the 3 providers.
    assert found.total.n - rows[anonymity.CLINICAL].n == rows[anonymity.OTHER_ROLES].n == 9
    detractors = found.total.enps.detractors - rows[anonymity.CLINICAL].summary.enps.detractors
    assert detractors == 3 and rows[anonymity.OTHER_ROLES].summary.enps.detractors == 3


def test_only_the_total_when_the_small_group_cannot_be_covered():
    # One group of 6 and one person who did not say: the group's row would give that person away.
    answers = [answer(anonymity.FRONT_OFFICE, recommend=10)] * 6 + [answer(anonymity.NOT_SAID, recommend=0)]
    found = anonymity.round_results(answers, closed=True)
    assert found.shown and found.total is not None and found.total.n == 7
    assert found.groups == ()
    assert found.merged


def test_every_partition_keeps_rows_of_five_that_add_up_to_the_total():
    rng = random.Random(14)
    for _ in range(3000):
        counts = {g: rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12]) for g in anonymity.CHOOSABLE}
        total = sum(counts.values())
        rows, _merged = anonymity.group_partition(counts)
        if not rows:
            continue
        sizes = [sum(counts[g] for g in members) for _code, members in rows]
        assert all(size >= anonymity.MIN_ANSWERS for size in sizes), counts
        # The rows partition every answer: subtracting shown rows from the total leaves nothing, so no
        # group under five can be computed, whatever the rows are combined with.
        assert sum(sizes) == total, counts
        assert sorted(g for _code, members in rows for g in members) == sorted(g for g in counts if counts[g]), counts
        assert len(rows) >= 2


def test_enps_and_top_boxes_with_their_intervals():
    answers = [answer(recommend=10, serve=5)] * 6 + [answer(recommend=8, serve=4)] * 2 + [answer(recommend=3)] * 2
    found = anonymity.summarise(answers)
    assert found is not None
    assert found.n == 10
    assert found.enps.score == pytest.approx(40.0)  # 60 % promoters - 20 % detractors
    assert (found.enps.promoters, found.enps.passives, found.enps.detractors) == (6, 2, 2)
    assert found.enps.low < 40.0 < found.enps.high
    assert found.enps.too_few  # under 30
    serve = found.items[0]
    assert serve.question == "can_serve_patients" and serve.count == 6 and serve.n == 10
    wilson = stats.wilson(6, 10)
    assert wilson is not None
    assert serve.low == pytest.approx(100 * wilson.low) and serve.high == pytest.approx(100 * wilson.high)


def test_five_perfect_answers_still_get_a_wide_interval():
    found = anonymity.enps([10] * 5)
    assert found is not None and found.score == 100.0
    assert found.low < 60.0 and found.high == 100.0


def test_quarters_compared_change_only_beyond_noise():
    same = [answer(recommend=9)] * 20 + [answer(recommend=5)] * 20
    found = anonymity.compare_rounds(same, same)
    assert found is not None and found.enps.verdict in (stats.NO_CHANGE, stats.TOO_FEW)
    better = anonymity.compare_rounds([answer(recommend=3)] * 40, [answer(recommend=10)] * 40)
    assert better is not None and better.enps.verdict == stats.BETTER
    assert anonymity.compare_rounds([answer()] * 4, [answer()] * 40) is None


# --- nothing joins an answer to a person ---------------------------------------------------------


def test_the_answer_table_has_no_person_no_time_and_a_random_id():
    fields = {f.name: f for f in PulseAnswer._meta.get_fields()}
    assert set(fields) == {
        "id",
        "practice",
        "round",
        "group",
        "recommend_work",
        "can_serve_patients",
        "systems_help",
        "recognised",
    }
    assert isinstance(fields["id"], models.UUIDField)
    relations = {f.name: f.related_model for f in fields.values() if f.is_relation}
    assert set(relations) == {"practice", "round"}
    assert not any(isinstance(f, (models.DateField, models.TimeField)) for f in fields.values())
    participation = {f.name for f in PulseParticipation._meta.get_fields()}
    assert participation == {"id", "practice", "round", "user"}
    assert not any(isinstance(f, (models.DateField, models.TimeField)) for f in PulseParticipation._meta.get_fields())


def _spearman(order: list[int]) -> float:
    n = len(order)
    d2 = sum((rank - i) ** 2 for i, rank in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


def _physical_order(pulse_round: PulseRound) -> list[int]:
    """The recommend scores in the order the rows sit in the table (rowid / ctid), not by any column."""
    table = PulseAnswer._meta.db_table
    key = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT recommend_work FROM {table} WHERE round_id = %s ORDER BY {key}", [pulse_round.pk])
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_neither_the_ids_nor_the_table_order_follow_who_answered_first(practice):
    """Eleven people answer in a known order, each a different score (0..10), in 16 rounds: the
    answers' order by id and in the table is no closer to the answering order than chance."""
    people = [make_staff(practice, Role.FRONT_DESK) for _ in range(11)]
    today = date(2026, 12, 6)
    by_pk, physical = [], []
    for r in range(16):
        start = date(2023 + r // 4, 3 * (r % 4) + 1, 1)
        pulse_round = PulseRound.objects.create(practice=practice, quarter_start=start, closes_on=today)
        for score, person in enumerate(people):
            pulse_services.answer_round(
                practice=practice,
                user=person,
                pulse_round=pulse_round,
                scores=pulse_services.Scores(anonymity.NOT_SAID, score, 3, 3, 3),
                today=today,
            )
        in_pk_order = list(
            PulseAnswer.objects.filter(round=pulse_round).order_by("pk").values_list("recommend_work", flat=True)
        )
        assert sorted(in_pk_order) == list(range(11))
        by_pk.append(_spearman(in_pk_order))
        physical.append(_spearman(_physical_order(pulse_round)))
        # The participations are in answering order (their ids are a sequence): that is why the
        # answers must not be.
        assert list(
            PulseParticipation.objects.filter(round=pulse_round).order_by("pk").values_list("user_id", flat=True)
        ) == [p.pk for p in people]
    # Under chance each correlation has mean 0 and sd 1/sqrt(10); the mean of 16 has sd 0.08.
    assert abs(sum(by_pk) / len(by_pk)) < 0.35
    assert abs(sum(physical) / len(physical)) < 0.35
    # Not even the last answer is reliably last in the table.
    assert sum(1 for r in range(16) if physical[r] > 0.9) < 4


@pytest.mark.django_db
def test_answering_writes_no_audit_entry_and_no_log_line_with_the_answer(client, practice, caplog):
    member = make_staff(practice, Role.CLINICIAN)
    today = timezone.localdate()
    pulse_round = PulseRound.objects.create(
        practice=practice, quarter_start=pulse_selectors.quarter_start(today), closes_on=today + timedelta(days=3)
    )
    client.force_login(member)
    audit_before = AuditEntry.objects.count()
    caplog.set_level(logging.DEBUG)
    response = client.post(
        reverse("cx:pulse_answer", args=[practice.slug, pulse_round.pk]),
        {
            "group": anonymity.CLINICAL,
            "recommend_work": "7",
            "can_serve_patients": "2",
            "systems_help": "5",
            "recognised": "1",
        },
    )
    assert response.status_code == 302
    assert PulseAnswer.objects.filter(round=pulse_round).count() == 1
    assert AuditEntry.objects.count() == audit_before
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    for word in ("recommend_work", "can_serve_patients", "systems_help", "recognised", anonymity.CLINICAL):
        assert word not in logged
    # The flash message says thanks and nothing about the scores.
    page = client.get(reverse("cx:pulse", args=[practice.slug]))
    assert "no name and no time" in page.content.decode()
