"""The front-desk inbox, running-late notices, recall, reactivation and a patient's message history.

Every view goes through ``staff_view``: strangers get 404, roles without access 403. Owners and the
front desk read and act; the experience lead may read (inbox, recall and reactivation lists);
clinicians also see a patient's message history. Every object is fetched within ``request.practice``
and every page that shows patient messages or names is audited.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patients import selectors as patient_selectors
from practices.access import StaffRequest, staff_view
from practices.models import Role

from ..forms.inbox import LinkPatientForm, RecallForm, ReplyForm, RunningLateForm
from ..models import Conversation, ConversationStatus
from ..selectors import inbox as inbox_selectors
from ..selectors import recall as recall_selectors
from ..selectors import running_late as running_late_selectors
from ..services import inbox as inbox_services
from ..services import recall as recall_services
from ..services import running_late as running_late_services

EDITORS = frozenset({Role.OWNER, Role.FRONT_DESK})
VIEWERS = EDITORS | {Role.EXPERIENCE_LEAD}
HISTORY_VIEWERS = VIEWERS | {Role.CLINICIAN}
PAGE_SIZE = 25


def _can_edit(request: StaffRequest) -> bool:
    return request.membership.role in EDITORS


# --- the inbox ------------------------------------------------------------------------------------


@staff_view(VIEWERS)
@require_GET
def inbox(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ConversationStatus.values else ""
    page = Paginator(
        inbox_selectors.conversations(practice=request.practice, status=status or None), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    inbox_services.record_inbox_viewed(
        practice=request.practice, actor_user=request.user, page_number=page.number, shown=len(page.object_list)
    )
    return render(
        request,
        "messaging/inbox/inbox.html",
        {"page": page, "status": status, "statuses": ConversationStatus.choices},
    )


def _conversation_page(
    request: StaffRequest,
    conversation: Conversation,
    *,
    reply_form: ReplyForm | None = None,
    link_form: LinkPatientForm | None = None,
    status: int = 200,
) -> HttpResponse:
    inbox_services.record_conversation_viewed(conversation=conversation, actor_user=request.user)
    context = {
        "conversation": conversation,
        "thread": inbox_selectors.thread(conversation=conversation),
        "route": inbox_services.reply_channel(conversation),
        "can_edit": _can_edit(request),
        "reply_form": reply_form or ReplyForm(),
        "link_form": link_form or LinkPatientForm(practice=request.practice),
        "candidates": (
            inbox_selectors.patients_with_phone(practice=request.practice, phone=conversation.phone)
            if conversation.patient_id is None and conversation.phone
            else []
        ),
    }
    return render(request, "messaging/inbox/conversation.html", context, status=status)


@staff_view(VIEWERS)
@require_GET
def conversation_detail(request: StaffRequest, pk: int) -> HttpResponse:
    conversation = inbox_selectors.conversation_or_404(practice=request.practice, pk=pk)
    return _conversation_page(request, conversation)


@staff_view(EDITORS)
@require_POST
def conversation_reply(request: StaffRequest, pk: int) -> HttpResponse:
    conversation = inbox_selectors.conversation_or_404(practice=request.practice, pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            inbox_services.reply(
                conversation=conversation,
                body=form.cleaned_data["body"],
                key=form.cleaned_data["key"],
                actor_user=request.user,
            )
        except inbox_services.ReplyRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Your reply is on its way."))
            return redirect("messaging:inbox_conversation", practice_slug=request.practice.slug, pk=conversation.pk)
    return _conversation_page(request, conversation, reply_form=form, status=400)


@staff_view(EDITORS)
@require_POST
def conversation_status(request: StaffRequest, pk: int) -> HttpResponse:
    conversation = inbox_selectors.conversation_or_404(practice=request.practice, pk=pk)
    status = request.POST.get("status", "")
    if status not in ConversationStatus.values:
        messages.error(request, _("Choose done or open."))
        return redirect("messaging:inbox_conversation", practice_slug=request.practice.slug, pk=conversation.pk)
    inbox_services.set_status(conversation=conversation, status=status, actor_user=request.user)
    if status == ConversationStatus.CLOSED:
        messages.success(request, _("Marked as done."))
        return redirect("messaging:inbox", practice_slug=request.practice.slug)
    messages.success(request, _("Opened again."))
    return redirect("messaging:inbox_conversation", practice_slug=request.practice.slug, pk=conversation.pk)


@staff_view(EDITORS)
@require_POST
def conversation_link(request: StaffRequest, pk: int) -> HttpResponse:
    conversation = inbox_selectors.conversation_or_404(practice=request.practice, pk=pk)
    form = LinkPatientForm(request.POST, practice=request.practice)
    if conversation.patient_id is not None:
        form.add_error(None, _("This conversation is already filed under a patient."))
    elif form.is_valid():
        inbox_services.link_patient(conversation=conversation, patient=form.patient, actor_user=request.user)
        messages.success(request, _("The conversation is now on the patient's record."))
        return redirect("messaging:inbox_conversation", practice_slug=request.practice.slug, pk=conversation.pk)
    return _conversation_page(request, conversation, link_form=form, status=400)


# --- running late ---------------------------------------------------------------------------------


@staff_view(VIEWERS)
@require_http_methods(["GET", "POST"])
def running_late(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    if request.method == "POST" and not _can_edit(request):
        raise PermissionDenied
    form = RunningLateForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        late, queued = running_late_services.mark_running_late(
            practice=practice,
            provider=form.cleaned_data["provider"],
            minutes=form.cleaned_data["minutes"],
            actor_user=request.user,
        )
        messages.success(
            request,
            _("%(provider)s is marked %(minutes)s minutes late; %(count)s later patients will be told.")
            % {"provider": late.provider.display_name, "minutes": late.minutes, "count": len(queued)},
        )
        return redirect("messaging:running_late", practice_slug=practice.slug)
    today, _end = running_late_services.local_day_bounds(practice, timezone.now())
    context = {
        "form": form,
        "can_edit": _can_edit(request),
        "marks": running_late_selectors.running_late_today(practice=practice, day=today),
    }
    return render(request, "messaging/inbox/running_late.html", context, status=400 if form.errors else 200)


# --- recall ---------------------------------------------------------------------------------------


@staff_view(VIEWERS)
@require_GET
def recall_list(request: StaffRequest) -> HttpResponse:
    page = Paginator(recall_selectors.recalls(practice=request.practice), PAGE_SIZE).get_page(request.GET.get("page"))
    recall_services.record_recall_list_viewed(
        practice=request.practice, actor_user=request.user, page_number=page.number, shown=len(page.object_list)
    )
    today = request.practice.local_date(timezone.now())
    return render(request, "messaging/inbox/recall_list.html", {"page": page, "today": today})


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def recall_edit(request: StaffRequest, patient_id: int) -> HttpResponse:
    practice = request.practice
    patient = patient_selectors.patient_for_practice_or_404(practice=practice, pk=patient_id)
    current = recall_selectors.recall_for_patient(practice=practice, patient=patient)
    initial = {"due_on": current.due_on, "interval_months": current.interval_months} if current else {}
    form = RecallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        recall_services.set_recall(
            practice=practice,
            patient=patient,
            due_on=form.cleaned_data["due_on"],
            interval_months=form.cleaned_data["interval_months"],
            actor_user=request.user,
        )
        messages.success(request, _("Recall saved."))
        return redirect("patients:staff_detail", practice_slug=practice.slug, pk=patient.pk)
    return render(
        request,
        "messaging/inbox/recall_edit.html",
        {"form": form, "patient": patient, "recall": current},
        status=400 if form.errors else 200,
    )


# --- reactivation ---------------------------------------------------------------------------------


@staff_view(VIEWERS)
@require_GET
def reactivation(request: StaffRequest) -> HttpResponse:
    practice, now = request.practice, timezone.now()
    lapsed = recall_selectors.lapsed_patients(practice=practice, cutoff=recall_services.lapsed_cutoff(now), now=now)
    page = Paginator(lapsed, PAGE_SIZE).get_page(request.GET.get("page"))
    recall_services.record_reactivation_list_viewed(
        practice=practice, actor_user=request.user, page_number=page.number, shown=len(page.object_list)
    )
    month = f"{practice.local_date(now):%Y-%m}"
    sent = recall_selectors.reactivations_sent(
        practice=practice, patient_ids=[p.pk for p in page.object_list], dedupe_prefix_month=month
    )
    return render(
        request,
        "messaging/inbox/reactivation.html",
        {"page": page, "sent": sent, "can_edit": _can_edit(request), "months": recall_services.LAPSED_AFTER_MONTHS},
    )


@staff_view(EDITORS)
@require_POST
def reactivation_send(request: StaffRequest, patient_id: int) -> HttpResponse:
    practice = request.practice
    patient = patient_selectors.patient_for_practice_or_404(practice=practice, pk=patient_id)
    try:
        recall_services.send_reactivation(practice=practice, patient=patient, actor_user=request.user)
    except recall_services.ReactivationRefused as refused:
        if str(refused) == "no_channel":
            messages.error(request, _("This patient has not agreed to text messages or email: nothing was sent."))
        else:
            messages.error(request, _("This patient has a recent or upcoming visit: nothing was sent."))
    else:
        messages.success(request, _("The message is on its way."))
    page = request.POST.get("page", "")
    url_page = f"?page={int(page)}" if page.isdigit() else ""
    return redirect(reverse("messaging:reactivation", kwargs={"practice_slug": practice.slug}) + url_page)


# --- a patient's message history ------------------------------------------------------------------


@staff_view(HISTORY_VIEWERS)
@require_GET
def patient_history(request: StaffRequest, patient_id: int) -> HttpResponse:
    """The Messages section of the patient's page (loaded by htmx, or as a page of its own)."""
    practice = request.practice
    patient = patient_selectors.patient_for_practice_or_404(practice=practice, pk=patient_id)
    total = inbox_selectors.history_count(practice=practice, patient=patient)
    page = Paginator(range(total), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = inbox_selectors.history_page_rows(
        practice=practice, patient=patient, offset=page.start_index() - 1 if total else 0, limit=PAGE_SIZE
    )
    items = inbox_selectors.history_items(practice=practice, patient=patient, rows=rows)
    inbox_services.record_history_viewed(practice=practice, patient=patient, actor_user=request.user, shown=len(items))
    context = {
        "patient": patient,
        "items": items,
        "page": page,
        "recall": recall_selectors.recall_for_patient(practice=practice, patient=patient),
        "can_edit": _can_edit(request),
        "can_open_inbox": request.membership.role in VIEWERS,
    }
    template = "messaging/inbox/_history.html" if request.htmx else "messaging/inbox/history.html"
    return render(request, template, context)
