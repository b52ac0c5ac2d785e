from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanTrackerConfig(AppConfig):
    name = "plan_tracker"
    verbose_name = _("Plan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The log line of every failed sign-in and lockout.
        from plan_tracker import signin  # noqa: F401
