"""Scoped reads for practices. Every staff read goes through a membership."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Location, Membership, OpeningHours, Practice, Provider


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True).select_related("practice").order_by("practice__name")


def practices_requiring_two_factor(*, user: User) -> list[Practice]:
    """The practices of the user's active memberships that require two-factor sign-in, by name.
    accounts asks this through ``settings.TWO_FACTOR_REQUIRED_BY`` (it sits below practices)."""
    return [m.practice for m in memberships_for_user(user=user) if m.practice.require_two_factor]


def membership_for_user_or_404(*, user: User, practice_slug: str) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("practice"), user=user, practice__slug=practice_slug, is_active=True
    )


def practice_by_slug_or_404(*, slug: str) -> Practice:
    return get_object_or_404(Practice, slug=slug)


def locations_for_practice(*, practice: Practice, active_only: bool = False) -> QuerySet[Location]:
    locations = Location.objects.filter(practice=practice).prefetch_related(
        Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
    )
    return locations.filter(is_active=True) if active_only else locations


def practice_country(*, practice: Practice) -> str:
    """The country (ISO code) most of the practice's locations are in; "US" before it has any."""
    countries = list(Location.objects.filter(practice=practice).values_list("country", flat=True))
    return max(set(countries), key=countries.count) if countries else "US"


def location_or_404(*, practice: Practice, pk: int) -> Location:
    return get_object_or_404(Location, practice=practice, pk=pk)


def providers_for_practice(*, practice: Practice, active_only: bool = False) -> QuerySet[Provider]:
    providers = Provider.objects.filter(practice=practice).prefetch_related("locations")
    return providers.filter(is_active=True) if active_only else providers


def provider_or_404(*, practice: Practice, pk: int) -> Provider:
    return get_object_or_404(Provider, practice=practice, pk=pk)


def staff_for_practice(*, practice: Practice) -> QuerySet[Membership]:
    return Membership.objects.filter(practice=practice).select_related("user").order_by("user__full_name")


def membership_or_404(*, practice: Practice, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), practice=practice, pk=pk)


def owner_count(*, practice: Practice) -> int:
    return Membership.objects.filter(practice=practice, role="owner", is_active=True).count()
