from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuosConfig(AppConfig):
    name = "duos"
    verbose_name = _("Duos")

    def ready(self) -> None:
        from duos import audit  # noqa: F401  (registers the models with auditlog)
