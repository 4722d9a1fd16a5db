from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontdeskConfig(AppConfig):
    name = "frontdesk"
    verbose_name = _("Front desk")

    def ready(self) -> None:
        from messaging.signals import answer_page

        from .receivers import answer_page_check_in

        # The reminder's answer page (messaging's) links on to online check-in once its window is open.
        answer_page.connect(answer_page_check_in, dispatch_uid="frontdesk.answer_page_check_in")
