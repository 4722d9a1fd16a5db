"""What apps above scheduling add to the front desk's appointment page.

Scheduling sits below messaging and never imports it, not even a template tag library. An app above
that has something to show about an appointment (messaging: the patient's answer to a reminder)
registers a source here from its ``AppConfig.ready``; the page shows one row per source (a label and
some HTML), in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.safestring import SafeString

from .models import Appointment


@dataclass(frozen=True)
class Detail:
    """One row of the appointment page: its ``label`` and its ``html``."""

    label: str | Promise
    render: Callable[[], SafeString]

    def html(self) -> SafeString:
        """Rendered when the page prints it (inside the page's ``{% timezone %}``), as a template tag is."""
        return self.render()


Source = Callable[[Appointment], Detail]

_sources: dict[str, Source] = {}


def register(uid: str, source: Source) -> None:
    """Add a row to every appointment page; registering the same ``uid`` again replaces it."""
    _sources[uid] = source


def details_for(appointment: Appointment) -> list[Detail]:
    """The rows the registered apps add for ``appointment``."""
    return [source(appointment) for source in _sources.values()]
