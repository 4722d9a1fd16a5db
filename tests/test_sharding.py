"""The schema can be sharded by practice (core/tenancy.py; docs/operations.md, "Sharding by practice").

Every model is a tenant table (with ``practice_id``) or a listed reference table; every unique
constraint of a tenant table includes ``practice_id``; every foreign key between tenant tables is
also a composite ``(practice_id, fk)`` key on PostgreSQL; the exclusion constraint includes
``practice_id``. And the main service flows query tenant tables only with ``practice_id`` in their
WHERE or JOIN, except the listed, explained ones.
"""

import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models

from core import tenancy
from feedback.models import SurveyKind
from feedback.services import invitations as invitation_services
from feedback.services import responses as response_services
from frontdesk.models import ChangeSource
from frontdesk.services import flow as flow_services
from messaging.services import reminders as reminder_services
from scheduling.models import CancellationReason, PatientKind
from scheduling.services import holds as hold_services
from scheduling.services import online_booking as online_booking_services
from tests.factories import NOW, TUESDAY_10

pytestmark = pytest.mark.django_db

ALL_MODELS = list(tenancy.concrete_models(apps))


def _owner(model: type[models.Model]) -> type[models.Model]:
    """An auto-created many-to-many table is classified with the model that declares it."""
    owner = model._meta.auto_created
    return owner if isinstance(owner, type) else model


def tenant_models() -> list[type[models.Model]]:
    return [m for m in ALL_MODELS if tenancy.is_tenant(m)]


# --- the schema ----------------------------------------------------------------------------------


def test_every_table_is_a_tenant_table_or_a_listed_reference_table():
    unclassified = [
        m._meta.label for m in ALL_MODELS if not tenancy.is_tenant(m) and not tenancy.is_reference(_owner(m))
    ]
    assert unclassified == [], f"no practice_id and not in core.tenancy.REFERENCE_MODELS: {unclassified}"


def test_the_reference_list_names_only_real_shared_tables():
    labels = {m._meta.label: m for m in ALL_MODELS}
    stale = [label for label in tenancy.REFERENCE_MODELS if label not in labels]
    tenant_listed = [
        label for label in tenancy.REFERENCE_MODELS if label in labels and tenancy.practice_field(labels[label])
    ]
    assert stale == [] and tenant_listed == []
    assert len(tenancy.REFERENCE_MODELS) <= 15, "keep the shared tables few"


def test_practice_is_required_on_tenant_tables_except_the_listed_ones():
    nullable = {m._meta.label for m in tenant_models() if tenancy.practice_field(m).null}
    assert nullable == set(tenancy.NULLABLE_PRACTICE)


def test_the_child_tables_named_in_the_issue_carry_practice():
    for label in ["feedback.Answer", "feedback.Question", "feedback.SurveyVersion", "messaging.ReminderStep"]:
        assert tenancy.is_tenant(apps.get_model(label)), label


def _unique_column_sets(model: type[models.Model]) -> Iterator[tuple[str, list[str]]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    for name, info in constraints.items():
        if info["unique"] and not info["primary_key"]:
            yield name, info["columns"]


def test_every_unique_constraint_of_a_tenant_table_includes_practice_id():
    """Read from the database itself (SQLite or PostgreSQL), so a unique=True field counts too."""
    missing = []
    for model in tenant_models():
        practice_column = tenancy.practice_field(model).column
        for name, columns in _unique_column_sets(model):
            if practice_column not in columns and (model._meta.label, name) not in tenancy.GLOBAL_UNIQUE:
                missing.append(f"{model._meta.db_table}: {name} {columns}")
    assert missing == [], "unique without practice_id: " + "; ".join(missing)


def test_the_model_declares_no_unique_field_without_practice():
    fields = [
        f"{m._meta.label}.{f.name}"
        for m in tenant_models()
        for f in m._meta.concrete_fields
        if f.unique
        and not f.primary_key
        and f.name != tenancy.PRACTICE_FIELD
        and not isinstance(f, tenancy.TenantOneToOneField)  # unique per practice in the database
    ]
    assert fields == []


def test_the_allow_lists_name_existing_things():
    labels = {m._meta.label for m in ALL_MODELS}
    for label, name in tenancy.GLOBAL_UNIQUE:
        model = apps.get_model(label)
        assert name in {c.name for c in model._meta.constraints}, (label, name)
    for label, field in tenancy.CROSS_TENANT_FOREIGN_KEYS:
        assert label in labels and apps.get_model(label)._meta.get_field(field).is_relation
    assert set(tenancy.NULLABLE_PRACTICE) <= labels


def tenant_foreign_keys() -> list[tuple[type[models.Model], models.ForeignKey]]:
    return [(m, f) for m in tenant_models() for f in tenancy.tenant_foreign_keys(m)]


def test_the_composite_key_list_covers_the_booking_path():
    pairs = {(m._meta.label, f.name) for m, f in tenant_foreign_keys()}
    for pair in [
        ("scheduling.Appointment", "patient"),
        ("scheduling.Appointment", "provider"),
        ("scheduling.Appointment", "visit_type"),
        ("frontdesk.Visit", "appointment"),
        ("messaging.Message", "appointment"),
        ("messaging.ReminderStep", "plan"),
        ("feedback.Answer", "response"),
        ("feedback.Answer", "question"),
    ]:
        assert pair in pairs, pair
    assert len(pairs) > 100


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("composite keys and the exclusion constraint exist on PostgreSQL only")


def _columns_of_constraints(table: str, kind: str) -> list[tuple[str, list[str], str | None, list[str]]]:
    """(name, columns, referenced table, referenced columns) of the table's constraints of ``kind``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname,
                   ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                   c.confrelid::regclass::text,
                   ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
            FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype = %s
            """,
            [table, kind],
        )
        return [
            (name, list(cols), None if ref == "-" else ref.strip('"'), list(ref_cols or []))
            for name, cols, ref, ref_cols in cursor.fetchall()
        ]


def test_every_foreign_key_between_tenant_tables_is_also_a_composite_key_on_postgresql():
    _postgres_only()
    missing = []
    for model, field in tenant_foreign_keys():
        parent = field.related_model
        want = (
            [tenancy.practice_column(model), field.column],
            parent._meta.db_table,
            [tenancy.practice_column(parent), field.target_field.column],
        )
        found = [
            (cols, ref, ref_cols) for _n, cols, ref, ref_cols in _columns_of_constraints(model._meta.db_table, "f")
        ]
        if want not in found:
            missing.append(f"{model._meta.db_table}.{field.column} -> {parent._meta.db_table}")
    assert missing == [], (
        "foreign keys without the composite (practice_id, fk) key; add a migration with "
        "core.tenancy.AddCompositeTenantForeignKeys('<app>'): " + "; ".join(missing)
    )


def test_a_row_pointing_at_another_practices_row_is_refused_on_postgresql(practice, other_practice, patient):
    """The composite key catches what the single-column key cannot: a child in one practice pointing
    at a parent in another."""
    _postgres_only()
    from django.db import IntegrityError, transaction

    from journey.models import JourneyEvent

    with pytest.raises(IntegrityError), transaction.atomic():
        JourneyEvent.objects.create(
            practice=other_practice, patient=patient, stage="book", touchpoint="booking", kind="x", occurred_at=NOW
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_no_overlap_exclusion_constraint_includes_practice_id():
    _postgres_only()
    [(name, columns, _ref, _ref_cols)] = _columns_of_constraints("scheduling_appointment", "x")
    assert columns[:2] == ["practice_id", "provider_id"], (name, columns)


# --- the query paths -------------------------------------------------------------------------------

TENANT_TABLES = {m._meta.db_table: m for m in tenant_models()}
ROOT = Path(settings.BASE_DIR).resolve()
TEST_CODE = "tests"

# Why a query may leave practice_id out today (docs/operations.md, "Sharding by practice"):
BY_KEY = (
    "a row read or written by its primary key or through a foreign key alone (Model.save(), a related object "
    "loaded on access, a select_related or filter join on the single-column key); the row's practice is "
    "already fixed by the practice-scoped row it came from, so the result is right, but Citus sends it to "
    "every shard until the ORM joins on (practice_id, id)"
)
SWEEP = "a worker job over every practice at once (due reminders): a multi-shard query by design"

# Queries of tenant tables without practice_id, by (table, where in the code): each with its reason.
# A new unscoped query in these flows fails the test; one fixed must be removed from here.
ALLOWED_UNSCOPED: dict[tuple[str, str], str] = {
    ("feedback_survey", "feedback/selectors/invitations.py:in_cooldown"): BY_KEY,
    ("feedback_surveyversion", "feedback/selectors/invitations.py:in_cooldown"): BY_KEY,
    ("patients_patient", "feedback/services/invitations.py:_invite"): BY_KEY,
    ("feedback_answer", "feedback/services/listening.py:analyse_comments"): BY_KEY,
    ("feedback_commentanalysis", "feedback/services/listening.py:analyse_comments"): BY_KEY,
    ("feedback_answer", "feedback/services/listening.py:response_completed"): BY_KEY,
    ("feedback_question", "feedback/services/listening.py:response_completed"): BY_KEY,
    ("feedback_invitation", "feedback/services/responses.py:_lock"): BY_KEY,
    ("feedback_survey", "feedback/services/responses.py:_lock"): BY_KEY,
    ("feedback_surveyversion", "feedback/services/responses.py:_lock"): BY_KEY,
    ("feedback_answer", "feedback/services/responses.py:complete_response"): BY_KEY,
    ("feedback_invitation", "feedback/services/responses.py:complete_response"): BY_KEY,
    ("feedback_question", "feedback/services/responses.py:complete_response"): BY_KEY,
    ("feedback_response", "feedback/services/responses.py:complete_response"): BY_KEY,
    ("patients_patient", "feedback/services/responses.py:complete_response"): BY_KEY,
    ("feedback_answer", "feedback/services/responses.py:missing_required"): BY_KEY,
    ("feedback_question", "feedback/services/responses.py:missing_required"): BY_KEY,
    ("feedback_survey", "feedback/services/responses.py:missing_required"): BY_KEY,
    ("feedback_surveyversion", "feedback/services/responses.py:missing_required"): BY_KEY,
    ("feedback_invitation", "feedback/services/responses.py:open_response"): BY_KEY,
    ("feedback_response", "feedback/services/responses.py:open_response"): BY_KEY,
    ("scheduling_appointment", "feedback/services/responses.py:open_response"): BY_KEY,
    ("feedback_question", "feedback/services/responses.py:save_answers"): BY_KEY,
    ("feedback_response", "feedback/services/responses.py:save_answers"): BY_KEY,
    ("feedback_survey", "feedback/services/responses.py:save_answers"): BY_KEY,
    ("feedback_surveyversion", "feedback/services/responses.py:save_answers"): BY_KEY,
    ("feedback_question", "feedback/services/surveys.py:_as_data"): BY_KEY,
    ("feedback_surveyversion", "feedback/services/surveys.py:current_version"): BY_KEY,
    ("frontdesk_visit", "frontdesk/services/flow.py:_lock"): BY_KEY,
    ("patients_patient", "frontdesk/services/flow.py:_lock"): BY_KEY,
    ("frontdesk_visit", "frontdesk/services/flow.py:change_status"): BY_KEY,
    ("scheduling_appointment", "frontdesk/services/flow.py:change_status"): BY_KEY,
    ("frontdesk_visit", "frontdesk/services/flow.py:record_arrival"): BY_KEY,
    ("patients_patient", "messaging/services/notices.py:queue_notice"): BY_KEY,
    ("practices_location", "messaging/services/notices.py:queue_notice"): BY_KEY,
    ("practices_provider", "messaging/services/notices.py:queue_notice"): BY_KEY,
    ("messaging_reminderplan", "messaging/services/reminders.py:_plans"): SWEEP,
    ("messaging_reminderstep", "messaging/services/reminders.py:_plans"): SWEEP,
    ("patients_patient", "messaging/services/reminders.py:queue_due_reminders"): SWEEP,
    ("practices_location", "messaging/services/reminders.py:queue_due_reminders"): SWEEP,
    ("messaging_message", "messaging/services/reminders.py:skip_changed_reminders"): SWEEP,
    ("scheduling_appointment", "messaging/services/reminders.py:skip_changed_reminders"): SWEEP,
    ("patients_patient", "scheduling/services/booking.py:cancel_appointment"): BY_KEY,
    ("scheduling_appointment", "scheduling/services/booking.py:cancel_appointment"): BY_KEY,
    ("patients_patient", "scheduling/services/booking.py:reschedule_appointment"): BY_KEY,
    ("scheduling_appointment", "scheduling/services/booking.py:reschedule_appointment"): BY_KEY,
    ("patients_patient", "scheduling/services/waitlist.py:send_offers_for_time"): BY_KEY,
    ("scheduling_appointment", "scheduling/services/waitlist.py:send_offers_for_time"): BY_KEY,
    ("scheduling_visittype", "scheduling/services/waitlist.py:send_offers_for_time"): BY_KEY,
}

_TABLE = re.compile(r'(?:FROM|JOIN|UPDATE|INTO)\s+"(\w+)"(?:\s+(?:AS\s+)?("?\w+"?))?', re.IGNORECASE)


def unscoped_tables(sql: str) -> set[str]:
    """Tenant tables the statement reads or writes without constraining (or, for INSERT, setting)
    their practice_id. Heuristic on Django's SQL: a table counts as scoped if its practice_id column
    (under its name or alias) appears in the statement."""
    found = set()
    statement = sql.lstrip().upper()
    if statement.startswith("SELECT"):
        conditions = sql[sql.find(" FROM ") :]  # not the column list, which names practice_id anyway
    elif statement.startswith("UPDATE"):
        conditions = sql[sql.find(" WHERE ") :] if " WHERE " in sql else ""
    else:
        conditions = sql
    for table, alias in _TABLE.findall(sql):
        if table not in TENANT_TABLES:
            continue
        column = tenancy.practice_column(TENANT_TABLES[table])
        if sql.lstrip().upper().startswith("INSERT"):
            if f'"{column}"' not in sql:
                found.add(table)
            continue
        names = {f'"{table}"'}
        if alias and alias.upper() not in {"ON", "WHERE", "SET", "INNER", "LEFT", "ORDER", "GROUP", "LIMIT", "VALUES"}:
            names.add(alias if alias.startswith('"') else alias)
            names.add(f'"{alias.strip(chr(34))}"')
        if not any(f'{name}."{column}"' in conditions for name in names):
            found.add(table)
    return found


def _caller() -> str:
    """The innermost project frame outside the tests: where the query was asked for."""
    for frame in reversed(traceback.extract_stack()):
        if frame.filename.startswith("<") or frame.name in ("_caller", "record"):
            continue
        path = Path(frame.filename).resolve()
        if ROOT not in path.parents or ".venv" in path.parts:
            continue
        if "tests" in path.parts:
            return TEST_CODE
        return f"{path.relative_to(ROOT)}:{frame.name}"
    return "?"


@contextmanager
def recorded_queries() -> Iterator[list[tuple[str, str]]]:
    queries: list[tuple[str, str]] = []

    def record(execute, sql, params, many, context):
        queries.append((sql, _caller()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield queries


def findings(queries: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """(table, where) of the flows' unscoped queries; the test's own set-up and checks left out."""
    return {(table, where) for sql, where in queries if where != TEST_CODE for table in unscoped_tables(sql)}


def test_the_heuristic_sees_a_missing_practice_filter():
    scoped = 'SELECT "a"."id" FROM "scheduling_appointment" "a" WHERE "a"."practice_id" = %s'
    assert unscoped_tables(scoped) == set()
    unscoped = (
        'SELECT "scheduling_appointment"."id" FROM "scheduling_appointment" INNER JOIN "patients_patient" '
        'ON ("scheduling_appointment"."patient_id" = "patients_patient"."id") '
        'WHERE "scheduling_appointment"."practice_id" = %s'
    )
    assert unscoped_tables(unscoped) == {"patients_patient"}
    assert unscoped_tables('INSERT INTO "feedback_answer" ("response_id") VALUES (%s)') == {"feedback_answer"}
    assert unscoped_tables('SELECT 1 FROM "practices_practice" WHERE "practices_practice"."id" = 1') == set()


@pytest.fixture
def flows(practice, patient, provider, location, visit_type, owner, monkeypatch, django_capture_on_commit_callbacks):
    """Runs the main service flows and returns the queries they made, with where each came from."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    patient.email_consent = patient.sms_consent = True
    patient.email = patient.email or "patient@example.com"
    patient.save()
    with recorded_queries() as queries, django_capture_on_commit_callbacks(execute=True):
        hold = hold_services.place_hold(
            practice=practice, provider=provider, location=location, visit_type=visit_type, start=TUESDAY_10, now=NOW
        )
        booked = online_booking_services.book_online(
            practice=practice,
            patient_kind=PatientKind.NEW,
            visit_type=visit_type,
            provider=provider,
            location=location,
            start=TUESDAY_10,
            details={
                "first_name": "Ana",
                "last_name": "Lopez",
                "date_of_birth": date(1990, 1, 1),
                "phone": "5125550100",
            },
            idempotency_key="shard-key",
            hold_token=hold.token,
            now=NOW,
        )
        appointment = online_booking_services.reschedule_by_patient(
            appointment=booked.appointment,
            start=TUESDAY_10 + timedelta(days=1),
            provider=provider,
            location=location,
            now=NOW,
        )
        reminder_services.default_plan_for(practice=practice)
        reminder_services.queue_due_reminders(now=appointment.start - timedelta(hours=23))
        visit, _changed = flow_services.record_arrival(
            appointment=appointment, source=ChangeSource.KIOSK, now=appointment.start - timedelta(minutes=10)
        )
        invitation = invitation_services.invite(
            practice=practice, patient=appointment.patient, kind=SurveyKind.POST_VISIT, appointment=appointment, now=NOW
        )
        assert invitation is not None
        response = response_services.open_response(invitation=invitation, now=NOW)
        rating = response.version.questions.filter(kind__in=["rating", "recommend"]).first()
        response_services.save_answers(response=response, answers={rating.pk: 9}, now=NOW)
        response_services.complete_response(response=response, now=NOW)
        other = online_booking_services.book_online(
            practice=practice,
            patient_kind=PatientKind.NEW,
            visit_type=visit_type,
            provider=provider,
            location=location,
            start=TUESDAY_10 + timedelta(days=2),
            details={"first_name": "Bo", "last_name": "Kim", "date_of_birth": date(1980, 1, 1), "phone": "5125550101"},
            idempotency_key="shard-key-2",
            now=NOW,
        )
        online_booking_services.cancel_by_patient(
            appointment=other.appointment, reason=CancellationReason.PATIENT_REQUEST, now=NOW
        )
    return queries


def test_the_main_flows_scope_every_tenant_query_by_practice(flows):
    assert len(flows) > 50  # the flows ran
    unexpected = sorted(findings(flows) - set(ALLOWED_UNSCOPED))
    assert unexpected == [], "tenant tables queried without practice_id:\n" + "\n".join(
        f"  {table} from {where}" for table, where in unexpected
    )


def test_the_allowed_unscoped_queries_still_happen(flows):
    """An entry that no longer matches is removed from ALLOWED_UNSCOPED, so the list stays true."""
    assert set(ALLOWED_UNSCOPED) - findings(flows) == set()
