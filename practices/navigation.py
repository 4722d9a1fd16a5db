"""The staff menu and the sections' sub-menus, defined once; ``{% nav_menu "<key>" %}``
(practices/templatetags/navigation.py) renders them.

Each entry names its page by URL name. Which roles see an entry is not written here: it is read
from the page's own ``@staff_view(roles)`` (``view_roles``), the gate the page itself passes, so the
menu cannot offer a role a page that answers 403, and changing a view's roles moves its entry with
it. practices/tests/test_staff_navigation.py opens every entry as every role.

An entry is "current" (``aria-current="page"``) when the page being shown matches one of its
``current`` patterns: shell-style patterns (``fnmatch``) over the view name, "namespace:url_name".

To add a staff page to the menu: give its view ``@staff_view(...)`` with the roles that may open it,
then add an ``Entry`` with its label (a msgid, so it is translated) and URL name to a menu below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from .access import StaffRequest
from .models import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development requirement: for the type checker only


@dataclass(frozen=True)
class Entry:
    """A link to one page. With several ``url_names`` it leads to the first one the role may open
    (Feedback opens the recovery cases for billing) and shows when the role may open any of them."""

    label: StrOrPromise
    url_names: tuple[str, ...]
    # Patterns over the view name of the page shown; the entry's own pages when left empty.
    current: tuple[str, ...] = ()
    not_current: tuple[str, ...] = ()
    # A count shown beside the label; the name of a function given to register_badge().
    badge: str = ""

    def is_current(self, view_name: str) -> bool:
        return _matches(view_name, self.current or self.url_names, self.not_current)


@dataclass(frozen=True)
class Group:
    """Entries folded behind one disclosure (a ``<details>``) of the staff menu. It is marked
    current when one of its entries is, or the page matches its own ``current`` patterns."""

    label: StrOrPromise
    entries: tuple[Entry, ...]
    # A label for some roles instead of ``label``: (role, label) pairs.
    role_labels: tuple[tuple[str, StrOrPromise], ...] = ()
    current: tuple[str, ...] = ()
    not_current: tuple[str, ...] = ()

    def label_for(self, role: str) -> StrOrPromise:
        return dict(self.role_labels).get(role, self.label)

    def is_current(self, view_name: str) -> bool:
        return any(e.is_current(view_name) for e in self.entries) or _matches(view_name, self.current, self.not_current)


@dataclass(frozen=True)
class Menu:
    """One ``<nav>``: its accessible name, its class (and id, and its list's class), and its
    entries in order."""

    label: StrOrPromise
    css_class: str
    entries: tuple[Entry | Group, ...]
    element_id: str = ""
    list_class: str = ""


def _matches(view_name: str, patterns: Sequence[str], exclude: Sequence[str] = ()) -> bool:
    return any(fnmatchcase(view_name, p) for p in patterns) and not any(fnmatchcase(view_name, p) for p in exclude)


MENUS: dict[str, Menu] = {
    # The bar across every staff page.
    "staff": Menu(
        label=_("Practice"),
        css_class="staff-nav",
        element_id="staff-nav",
        list_class="staff-nav-list",
        entries=(
            Entry(_("Home"), ("practices:dashboard",)),
            Entry(_("Patients"), ("patients:staff_list",), current=("patients:*",)),
            Entry(
                _("Schedule"),
                ("scheduling:schedule_day",),
                current=("scheduling:schedule_*",),
                not_current=("scheduling:*visit_type*", "scheduling:schedule_policy"),
            ),
            Entry(
                _("Booking requests"), ("scheduling:fd_booking_requests",), current=("scheduling:fd_booking_request*",)
            ),
            Entry(_("Inbox"), ("messaging:inbox",), current=("messaging:*inbox*",), badge="open_conversations"),
            Entry(_("Flow board"), ("frontdesk:board",), current=("frontdesk:*",)),
            Entry(
                _("Messages"),
                ("messaging:message_templates", "messaging:reminders_sent"),
                current=(
                    "messaging:messaging_settings",
                    "messaging:message_templates",
                    "messaging:message_template_edit",
                    "messaging:reminder_plans",
                    "messaging:reminders_sent",
                ),
            ),
            Entry(_("Feedback"), ("feedback:scores", "feedback:recovery_cases"), current=("feedback:*",)),
            Entry(_("Measures"), ("insights:measures",), current=("insights:measures*",)),
            Entry(_("Experience"), ("cx:home",), current=("cx:*",)),
            # The practice's own set-up, grouped behind one entry so the bar fits a 1280-pixel screen.
            Group(
                _("Practice"),
                role_labels=((Role.OWNER, _("Practice settings")),),
                current=("practices:*",),
                not_current=("practices:dashboard",),
                entries=(
                    Entry(_("Practice details"), ("practices:settings",)),
                    Entry(
                        _("Locations"),
                        ("practices:locations",),
                        current=("practices:locations", "practices:location_edit", "practices:location_new"),
                    ),
                    Entry(
                        _("Providers"),
                        ("practices:providers",),
                        current=("practices:providers", "practices:provider_edit", "practices:provider_new"),
                    ),
                    Entry(_("Team"), ("practices:staff",), current=("practices:staff", "practices:staff_edit")),
                    Entry(_("Visit types"), ("scheduling:schedule_visit_types",), current=("scheduling:*visit_type*",)),
                    Entry(_("Booking policy"), ("scheduling:schedule_policy",)),
                    Entry(_("Audit log"), ("audit:log",), current=("audit:*",)),
                ),
            ),
        ),
    ),
    # The sections' own tabs, shown on the section's pages.
    "schedule": Menu(
        label=_("Schedule"),
        css_class="schedule-tabs",
        entries=(
            Entry(
                _("Calendar"),
                ("scheduling:schedule_day",),
                current=("scheduling:schedule_day", "scheduling:schedule_week"),
            ),
            Entry(
                _("Availability"),
                ("scheduling:schedule_availability",),
                current=("scheduling:schedule_availability", "scheduling:schedule_provider"),
            ),
            Entry(_("Visit types"), ("scheduling:schedule_visit_types",), current=("scheduling:*visit_type*",)),
            Entry(_("Booking policy"), ("scheduling:schedule_policy",)),
        ),
    ),
    "inbox": Menu(
        label=_("Messages"),
        css_class="inbox-tabs",
        entries=(
            Entry(_("Inbox"), ("messaging:inbox",), current=("messaging:*inbox*",)),
            Entry(_("Running late"), ("messaging:running_late",)),
            Entry(_("Recall"), ("messaging:recall_list",), current=("messaging:*recall*",)),
            Entry(_("Lapsed patients"), ("messaging:reactivation",), current=("messaging:*reactivation*",)),
        ),
    ),
    "messages": Menu(
        label=_("Messages"),
        css_class="subnav messaging-nav",
        entries=(
            Entry(_("Reminders sent"), ("messaging:reminders_sent",)),
            Entry(_("Reminder plans"), ("messaging:reminder_plans",)),
            Entry(
                _("Templates"),
                ("messaging:message_templates",),
                current=("messaging:message_templates", "messaging:message_template_edit"),
            ),
            Entry(_("Settings"), ("messaging:messaging_settings",)),
        ),
    ),
    "flow": Menu(
        label=_("Flow board and arrival"),
        css_class="setup-nav",
        entries=(
            Entry(_("Today's board"), ("frontdesk:board",)),
            Entry(_("Arrival QR code"), ("frontdesk:arrival_qr",)),
            Entry(
                _("Intake questions"),
                ("frontdesk:intake_questions",),
                current=("frontdesk:intake_questions", "frontdesk:intake_question_edit"),
            ),
            Entry(_("Policies"), ("frontdesk:policies",), current=("frontdesk:policies", "frontdesk:policy_edit")),
            Entry(_("Board settings"), ("frontdesk:flow_settings",)),
        ),
    ),
    "feedback": Menu(
        label=_("Feedback"),
        css_class="sub-nav",
        entries=(
            Entry(_("Scores"), ("feedback:scores",)),
            Entry(
                _("Responses and comments"),
                ("feedback:responses",),
                current=("feedback:responses", "feedback:comment_correct"),
            ),
            Entry(_("Service recovery"), ("feedback:recovery_cases",), current=("feedback:*recovery*",)),
            Entry(_("Surveys"), ("feedback:surveys",), current=("feedback:survey*",)),
            Entry(_("Review sites and settings"), ("feedback:review_sites",)),
        ),
    ),
    "cx": Menu(
        label=_("Experience toolkit"),
        css_class="sub-nav cx-nav",
        entries=(
            Entry(_("Overview"), ("cx:home",)),
            Entry(_("Experience moments"), ("cx:moments",), current=("cx:moment*",)),
            Entry(_("Recognition"), ("cx:recognitions",), current=("cx:recognition*", "cx:team_member")),
            Entry(_("Actions"), ("cx:actions",), current=("cx:action*",)),
            Entry(_("Empathy maps"), ("cx:maps",), current=("cx:map*", "cx:idea*")),
            Entry(_("Patient groups"), ("cx:groups",), current=("cx:group*",)),
            Entry(_("Improvement projects"), ("cx:projects",), current=("cx:project*",)),
            Entry(_("Root-cause analyses"), ("cx:rcas",), current=("cx:rca*",)),
            Entry(_("Strategy"), ("cx:strategy",), current=("cx:strategy*", "cx:goal*", "cx:measure_catalogue")),
            Entry(
                _("Governance"),
                ("cx:committee", "cx:meetings", "cx:proposals"),
                current=("cx:committee*", "cx:criteria", "cx:proposal*", "cx:meeting*"),
            ),
            Entry(_("What changed"), ("cx:signals",), current=("cx:signal*",)),
            Entry(_("Team pulse"), ("cx:pulse",), current=("cx:pulse*",)),
            Entry(_("Using our systems"), ("cx:systems",), current=("cx:systems*",)),
            Entry(_("Hiring"), ("cx:hiring",), current=("cx:hiring*", "cx:candidate*")),
            Entry(_("My profile"), ("cx:my_profile",)),
            Entry(_("Settings"), ("cx:settings",)),
        ),
    ),
}


def entries(menu: Menu) -> Iterator[Entry]:
    """Every entry of the menu, those inside groups too."""
    for item in menu.entries:
        if isinstance(item, Group):
            yield from item.entries
        else:
            yield item


# Who may open a page ---------------------------------------------------------------------------


def _walk(patterns: Sequence[URLPattern | URLResolver], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace or namespace
            yield from _walk(p.url_patterns, inner)
        elif p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


@cache
def _staff_pages(urlconf: str) -> dict[str, frozenset[str]]:
    """{URL name: the roles its ``@staff_view`` lets in} for every staff page."""
    pages: dict[str, frozenset[str]] = {}
    for name, pattern in _walk(get_resolver(urlconf).url_patterns):
        roles = getattr(pattern.callback, "staff_roles", None)
        if roles is not None:
            pages.setdefault(name, frozenset(roles))
    return pages


def staff_pages() -> dict[str, frozenset[str]]:
    """{URL name: roles} of every page behind ``@staff_view``."""
    return _staff_pages(get_urlconf() or settings.ROOT_URLCONF)


def view_roles(url_name: str) -> frozenset[str]:
    """The roles that may open the staff page named ``url_name`` ("app:name")."""
    try:
        return staff_pages()[url_name]
    except KeyError:
        raise ImproperlyConfigured(f"{url_name!r} is not a page behind @staff_view") from None


def may_open(role: str | None, url_name: str) -> bool:
    return role is not None and role in view_roles(url_name)


# Counts beside entries --------------------------------------------------------------------------

Badge = Callable[[StaffRequest], int | None]
_badges: dict[str, Badge] = {}


def register_badge(name: str, count: Badge) -> None:
    """Give the count named by entries' ``badge`` (called from the owning app's ``ready()``, so the
    menu does not import the apps above it). ``count`` gets a staff request; falsy shows nothing."""
    _badges[name] = count


# What one request is shown ---------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: StrOrPromise
    href: str
    current: bool
    badge: int | None = None
    is_group = False


@dataclass(frozen=True)
class LinkGroup:
    label: StrOrPromise
    links: tuple[Link, ...]
    current: bool
    is_group = True


def _link(entry: Entry, request: StaffRequest, role: str, view_name: str) -> Link | None:
    target = next((name for name in entry.url_names if may_open(role, name)), None)
    if target is None:
        return None
    badge = None
    if entry.badge:
        if entry.badge not in _badges:
            raise ImproperlyConfigured(f"no badge registered as {entry.badge!r}")
        badge = _badges[entry.badge](request)
    return Link(
        label=entry.label,
        href=reverse(target, kwargs={"practice_slug": request.practice.slug}),
        current=entry.is_current(view_name),
        badge=badge,
    )


def links_for(menu: Menu, request: HttpRequest) -> list[Link | LinkGroup]:
    """The menu as the signed-in member of ``request.practice`` sees it on the page shown: only the
    entries their role may open, with the current page marked. Empty outside a practice."""
    if getattr(request, "membership", None) is None or getattr(request, "practice", None) is None:
        return []
    staff = cast(StaffRequest, request)  # it passed staff_view, which set both
    role = staff.membership.role
    match = request.resolver_match
    view_name = match.view_name if match else ""
    shown: list[Link | LinkGroup] = []
    for item in menu.entries:
        if isinstance(item, Group):
            links = tuple(link for e in item.entries if (link := _link(e, staff, role, view_name)))
            if links:
                shown.append(LinkGroup(item.label_for(role), links, item.is_current(view_name)))
        elif link := _link(item, staff, role, view_name):
            shown.append(link)
    return shown
