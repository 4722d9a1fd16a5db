"""The practice's pages that say where and when patients can book online: the public practice page (the
"find and book" touch point) and the staff list of locations. Both show each location's opening hours
with the open days on which the booking pages offer no times (``booking_selectors.weekdays_with_online_booking``).

They keep their URL names ``practices:public`` and ``practices:locations``: ``config/urls.py`` mounts
``scheduling/urls_practice.py`` in the ``practices`` namespace, where the pages began."""

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from practices import selectors as practice_selectors
from practices.access import StaffRequest, staff_view
from practices.models import Location, Practice

from ..selectors import booking as booking_selectors


@staff_view()
def location_list(request: StaffRequest) -> HttpResponse:
    locations = _with_booking_days(
        request.practice, practice_selectors.locations_for_practice(practice=request.practice)
    )
    return render(request, "scheduling/practice/location_list.html", {"locations": locations})


def public_page(request: HttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_selectors.practice_by_slug_or_404(slug=practice_slug)
    context = {
        "practice": practice,
        "locations": _with_booking_days(
            practice, practice_selectors.locations_for_practice(practice=practice, active_only=True)
        ),
        "providers": practice_selectors.providers_for_practice(practice=practice, active_only=True),
    }
    return render(request, "scheduling/practice/public_page.html", context)


def _with_booking_days(practice: Practice, locations: Iterable[Location]) -> list[Location]:
    """The locations, each with ``days_without_online_booking``: open weekdays on which the booking pages
    offer no times (no provider's bookable hours there), so the page says so instead of promising them."""
    online = booking_selectors.weekdays_with_online_booking(practice)
    locations = list(locations)
    for location in locations:
        open_days = {hours.weekday for hours in location.hours.all()}
        location.days_without_online_booking = open_days - online.get(location.pk, set())  # type: ignore[attr-defined]  # read by the template
    return locations
