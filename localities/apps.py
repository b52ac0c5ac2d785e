from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalitiesConfig(AppConfig):
    name = "localities"
    verbose_name = _("Records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from localities.text import register_sqlite_fold

        connection_created.connect(register_sqlite_fold, dispatch_uid="localities_sqlite_fold")
        # SQLite learns the Vietnamese collation on every new connection.
        from localities import collation  # noqa: F401
