"""``manage.py rebuild_checkin_tally``: count the completion tally afresh from the check-ins."""

from django.core.management.base import BaseCommand

from monitoring.services import checkin_tally_rebuild


class Command(BaseCommand):
    help = (
        "Count the check-in tally (completion per wave) afresh from the check-ins: after a data-only restore "
        "with triggers disabled, or any write that bypassed its triggers."
    )

    def handle(self, *args, **options):
        rows = checkin_tally_rebuild(actor=None)
        self.stdout.write(f"check-in tally rebuilt: {rows} rows")
