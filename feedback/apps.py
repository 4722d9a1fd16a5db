from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from messaging.signals import thank_you_replaced

        from .receivers import visit_survey_thanks

        # The visit survey's invitation is the thank-you: messaging sends its own only without it.
        thank_you_replaced.connect(visit_survey_thanks, dispatch_uid="feedback.visit_survey_thanks")
