from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapsConfig(AppConfig):
    name = "caps"
    verbose_name = _("Community action plans")

    def ready(self) -> None:
        from . import navigation

        navigation.register()
