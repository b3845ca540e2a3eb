from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .search import register_sqlite_unaccent

        connection_created.connect(register_sqlite_unaccent, dispatch_uid="sqlite-unaccent")
        from . import audit  # noqa: F401  (registers the models with auditlog)
        from .signin import signals  # noqa: F401  (connects the sign-in receivers)
