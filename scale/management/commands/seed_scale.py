from django.core.management.base import BaseCommand, CommandError

from core.context import Origin, origin
from scale.seeding import seed


class Command(BaseCommand):
    help = "Seed national-scale synthetic data (households, members, consents, assistance, DTM ...) with COPY."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--settlements-per-district", type=int, default=5)

    def handle(self, *args, households, seed, settlements_per_district, **options):
        if households < 1:
            raise CommandError("--households must be at least 1")
        with origin(Origin(channel="command")):
            report = seed_run(households, seed, settlements_per_district, self.stdout.write)
        total = sum(report.counts.values())
        self.stdout.write(self.style.SUCCESS(f"{total:,} rows in {report.seconds['total']:.1f} s"))


def seed_run(households, seed_value, per_district, say):
    return seed(households=households, seed=seed_value, settlements_per_district=per_district, say=say)
