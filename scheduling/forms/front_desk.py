"""Front-desk forms: the time picker, booking and moving (with an optional override), cancelling,
and finishing an online booking request."""

import re
from datetime import UTC, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DayField
from patients.forms import PatientForm
from patients.models import Patient
from practices.models import Location, Practice, Provider

from .. import engine
from ..models import BookingRequest, CancellationReason, PatientKind, VisitType
from ..selectors import front_desk as fd_selectors

# The audit summary holds 200 characters; with its "booked phone; outside the rules: " prefix a reason
# of this length is always kept whole.
OVERRIDE_REASON_MAX = 160
OVERRIDE_HELP = _(
    "Required to book outside the rules (outside hours, past the booking horizon, over a daily limit). "
    "A few words on why, for example 'approved by Dr Cole'. Never clinical detail: no symptoms, "
    "diagnoses or reasons for the visit."
)
_SLOT = re.compile(r"^(\d{1,10})\.(\d{1,10})\.(\d{9,11})$")
_KEY = re.compile(r"^[0-9a-f]{32}$")


def slot_value(slot: engine.Slot) -> str:
    """The form value of an engine ``Slot``: provider id, location id and start (epoch seconds)."""
    return f"{slot.provider_id}.{slot.location_id}.{int(slot.start.timestamp())}"


def parse_slot(value: str, *, practice: Practice) -> tuple[Provider, Location, datetime] | None:
    """A slot value back to (provider, location, aware start), only with this practice's records."""
    match = _SLOT.match(value or "")
    if not match:
        return None
    provider = fd_selectors.providers_for_booking(practice=practice).filter(pk=int(match[1])).first()
    location = fd_selectors.locations_for_booking(practice=practice).filter(pk=int(match[2])).first()
    if provider is None or location is None:
        return None
    try:
        start = datetime.fromtimestamp(int(match[3]), UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return provider, location, start


class PickerForm(forms.Form):
    """What to look for: visit type, location, provider (or first available) and a day. Sent by GET."""

    visit_type = forms.ModelChoiceField(queryset=VisitType.objects.none(), label=_("Visit type"))
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), required=False, empty_label=_("Any location"), label=_("Location")
    )
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(), required=False, empty_label=_("First available"), label=_("Provider")
    )
    day = DayField(
        required=False,
        label=_("Day"),
        help_text=_("Leave empty to see the first open times."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self,
        *args: Any,
        practice: Practice,
        visit_type: VisitType | None = None,
        patient_kind: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.fixed_visit_type = visit_type
        if visit_type is not None:
            del self.fields["visit_type"]
        else:
            cast(
                "forms.ModelChoiceField[VisitType]", self.fields["visit_type"]
            ).queryset = fd_selectors.visit_types_for_front_desk(practice=practice, patient_kind=patient_kind)
            if patient_kind == PatientKind.NEW:
                self.fields["visit_type"].help_text = _(
                    "Only visit types open to new patients: this patient has had no visit with us yet."
                )
        cast("forms.ModelChoiceField[Location]", self.fields["location"]).queryset = fd_selectors.locations_for_booking(
            practice=practice
        )
        cast("forms.ModelChoiceField[Provider]", self.fields["provider"]).queryset = fd_selectors.providers_for_booking(
            practice=practice
        )

    def chosen_visit_type(self) -> VisitType | None:
        return self.fixed_visit_type or self.cleaned_data.get("visit_type")


class _HiddenPicker(PickerForm):
    """The picker's choices carried along, hidden, by the booking and moving forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("visit_type", "location", "provider", "day"):
            if name in self.fields:
                self.fields[name].widget = forms.HiddenInput()


class BookForm(_HiddenPicker):
    """Book (or move to) one of the open times, or a time outside the rules with a reason."""

    slot = forms.CharField(required=False, label=_("Open time"))
    override_time = forms.TimeField(
        required=False,
        label=_("Time outside the rules"),
        help_text=_("Only to book a time that is not in the list."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    override_reason = forms.CharField(
        required=False,
        max_length=OVERRIDE_REASON_MAX,
        label=_("Reason for booking outside the rules"),
        help_text=OVERRIDE_HELP,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput())

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        # Its own ids: the picker on the same page has fields of the same names.
        kwargs.setdefault("auto_id", "book_%s")
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        if not _KEY.match(key):
            raise forms.ValidationError(_("The form has expired. Please choose the time again."))
        return key

    def clean_override_reason(self) -> str:
        return " ".join(self.cleaned_data["override_reason"].split())

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        override_time, reason, slot = cleaned.get("override_time"), cleaned.get("override_reason"), cleaned.get("slot")
        if self.errors:
            return cleaned
        if override_time is not None or reason:
            self._clean_override(cleaned, override_time, reason)
        elif slot:
            parsed = parse_slot(slot, practice=self.practice)
            if parsed is None:
                self.add_error("slot", _("That time is not on offer. Please choose one of the open times."))
            else:
                cleaned["booking_provider"], cleaned["booking_location"], cleaned["start"] = parsed
                cleaned["override_reason"] = ""
        else:
            raise forms.ValidationError(
                _("Choose one of the open times, or enter a time outside the rules with a reason.")
            )
        return cleaned

    def _clean_override(self, cleaned: dict[str, Any], override_time: time | None, reason: str | None) -> None:
        if override_time is None:
            self.add_error("override_time", _("Enter the time to book outside the rules, or clear the reason."))
            return
        if not reason:
            self.add_error(
                "override_reason", _("Give a short reason for booking outside the rules (no clinical detail).")
            )
        day, provider, location = cleaned.get("day"), cleaned.get("provider"), cleaned.get("location")
        if day is None or provider is None or location is None:
            self.add_error(
                "override_time",
                _("To book outside the rules, first choose a day, a location and a provider (not 'first available')."),
            )
            return
        visit_type = self.chosen_visit_type()
        if visit_type is None or not fd_selectors.provider_offers(
            practice=self.practice, visit_type=visit_type, provider=provider
        ):
            self.add_error("override_time", _("This provider does not see this visit type."))
            return
        tz = ZoneInfo(self.practice.timezone)
        naive = datetime.combine(day, override_time.replace(second=0, microsecond=0))
        start = naive.replace(tzinfo=tz)
        if start.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
            self.add_error("override_time", _("That time does not exist on that day (the clocks change)."))
            return
        if start <= self.now:
            self.add_error("override_time", _("That time has already passed."))
            return
        cleaned["start"] = start.astimezone(UTC)
        cleaned["booking_provider"], cleaned["booking_location"] = provider, location


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[("", "---------"), *CancellationReason.choices],
        label=_("Why is it cancelled?"),
        help_text=_("Choose the closest reason. Nothing is typed here, so no clinical detail is stored."),
    )


class RequestTimeForm(forms.Form):
    """The time to book for a booking request: empty is the time asked for; otherwise an alternative."""

    slot = forms.CharField(required=False)

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cleaned["start"] = cleaned["booking_provider"] = cleaned["booking_location"] = None
        if cleaned.get("slot"):
            parsed = parse_slot(cleaned["slot"], practice=self.practice)
            if parsed is None:
                self.add_error("slot", _("That time is not on offer. Please choose one of the times shown."))
            else:
                cleaned["booking_provider"], cleaned["booking_location"], cleaned["start"] = parsed
        return cleaned


class RequestPatientForm(RequestTimeForm):
    patient = forms.IntegerField(label=_("Patient record"), min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, booking_request: BookingRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.booking_request = booking_request

    def clean_patient(self) -> Patient:
        patient = fd_selectors.candidate_patient_or_none(
            practice=self.practice, booking_request=self.booking_request, patient_id=self.cleaned_data["patient"]
        )
        if patient is None:
            raise forms.ValidationError(_("Choose one of the patient records shown."))
        return patient


class RequestNewPatientForm(PatientForm):
    """The new patient's details (from the request, checked by the front desk) and the time."""

    slot = forms.CharField(required=False)

    class Meta(PatientForm.Meta):
        fields = ["first_name", "last_name", "date_of_birth", "phone", "email", "preferred_language"]

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cleaned["start"] = cleaned["booking_provider"] = cleaned["booking_location"] = None
        if cleaned.get("slot"):
            parsed = parse_slot(cleaned["slot"], practice=self.practice)
            if parsed is None:
                self.add_error("slot", _("That time is not on offer. Please choose one of the times shown."))
            else:
                cleaned["booking_provider"], cleaned["booking_location"], cleaned["start"] = parsed
        return cleaned

    def patient_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
