"""Scheduling's URLs, one list per area: patient booking and manage links, the waitlist,
staff schedules (availability, visit types, calendars) and front-desk booking."""

from . import urls_booking, urls_front_desk, urls_schedule, urls_waitlist

app_name = "scheduling"

urlpatterns = [
    *urls_booking.urlpatterns,
    *urls_waitlist.urlpatterns,
    *urls_schedule.urlpatterns,
    *urls_front_desk.urlpatterns,
]
