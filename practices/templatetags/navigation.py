"""The staff menu and the sections' sub-menus (practices/navigation.py), and the role checks other
parts of a page make: ``{% nav_menu "staff" %}``, ``{% if request|can_open:"patients:staff_create" %}``."""

from typing import Any

from django import template
from django.http import HttpRequest

from .. import navigation

register = template.Library()


@register.inclusion_tag("practices/navigation/menu.html", takes_context=True)
def nav_menu(context: template.Context, key: str) -> dict[str, Any]:
    """The menu ``navigation.MENUS[key]`` as the signed-in member sees it on this page."""
    menu = navigation.MENUS[key]
    request = context["request"]
    return {"menu": menu, "items": navigation.links_for(menu, request)}


@register.filter
def can_open(request: HttpRequest, url_name: str) -> bool:
    """Whether the signed-in member's role may open the staff page ``url_name`` (its ``@staff_view``
    roles): for a button or link to that page."""
    membership = getattr(request, "membership", None)
    return navigation.may_open(getattr(membership, "role", None), url_name)
