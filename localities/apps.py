from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalitiesConfig(AppConfig):
    name = "localities"
    verbose_name = _("Records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # SQLite learns the Vietnamese collation on every new connection.
        from localities import collation  # noqa: F401
