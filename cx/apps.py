from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CxConfig(AppConfig):
    name = "cx"
    verbose_name = _("Experience toolkit")

    def ready(self) -> None:
        from . import receivers, signals

        signals.recognition_confirmed.connect(receivers.queue_recognition_email, dispatch_uid="cx-recognition-email")
