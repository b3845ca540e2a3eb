from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers the models with auditlog)
        from .signin import signals  # noqa: F401  (connects the sign-in receivers)
