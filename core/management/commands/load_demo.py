from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core import demo as core_demo
from core.context import Origin, origin


class Command(BaseCommand):
    help = "Load the demo programme (P-codes, organisations, one user per role, each stage's demo data)."

    def handle(self, *args, **options):
        from django.conf import settings

        if not settings.ABR_DEMO_PASSWORD:
            raise CommandError("Set ABR_DEMO_PASSWORD to load demo users (never on a production server).")
        call_command("load_admin_areas", stdout=self.stdout)
        with origin(Origin(channel="command")):
            demo = core_demo.load()
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if config.name == "core" or find_spec(config.name) is None or find_spec(module_name) is None:
                    continue
                import_module(module_name).load(demo)
                self.stdout.write(f"demo: {config.label} loaded")

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {demo.password})"))
        width = max(map(len, demo.users), default=0) + 1
        for username, user in demo.users.items():
            membership = user.membership
            areas = ", ".join(a.pcode for a in membership.areas.all()) or "referrals addressed to it"
            self.stdout.write(
                f"  {username:<{width}} {membership.get_role_display():<22} "
                f"{membership.organisation.acronym:<8} {areas}"
            )
