from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuosConfig(AppConfig):
    name = "duos"
    verbose_name = _("Duos")

    def ready(self) -> None:
        from duos import access, audit  # noqa: F401  (mentor role; models in auditlog)
        from duos.demo.accounts import ACCOUNTS
        from programmes.signin.policy import register_demo_accounts

        register_demo_accounts(account.email for account in ACCOUNTS)
