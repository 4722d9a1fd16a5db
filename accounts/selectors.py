"""Reads for accounts.

A staff member owes a second factor at sign-in when they turned it on or when one of their practices
requires it. That policy is practices' (``Practice.require_two_factor``), and ``accounts`` sits below
``practices`` in the layers (docs/architecture.md), so it does not import practices: the setting
``TWO_FACTOR_REQUIRED_BY`` names the function that answers (``practices.selectors.
practices_requiring_two_factor``), and ``config``, above every app, wires the two together.
"""

from collections.abc import Callable, Sequence
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .models import User


class RequiresTwoFactor(Protocol):
    """What the two-factor pages show of a practice that requires it."""

    @property
    def name(self) -> str: ...


def requiring_two_factor(*, user: User) -> Sequence[RequiresTwoFactor]:
    """The user's practices (active memberships) that require two-factor sign-in, by name."""
    answer: Callable[..., Sequence[RequiresTwoFactor]] = import_string(settings.TWO_FACTOR_REQUIRED_BY)
    return answer(user=user)
