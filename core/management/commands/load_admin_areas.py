from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.areas_file import parse_admin_areas
from core.context import Origin, origin
from core.services import admin_areas_load
from core.tabular import ImportFailed, read_table

DATA = Path(settings.BASE_DIR) / "core" / "data"
# COD-AB first, then the names of provinces (and the demo districts) in Dari, Pashto and Arabic.
DEFAULT_FILES = [DATA / "admin_pcodes_afg_irq.csv", DATA / "admin_names_local.csv"]


class Command(BaseCommand):
    help = "Load P-coded admin areas (OCHA COD-AB layout, HXL row optional) from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="CSV or XLSX file; by default the shipped reference files")
        parser.add_argument("--validate-only", action="store_true", help="Report problems; write nothing.")

    def handle(self, *args, path, validate_only, **options):
        for file_path in [Path(path)] if path else DEFAULT_FILES:
            self._load(file_path, validate_only)

    def _load(self, file_path: Path, validate_only: bool) -> None:
        if not file_path.exists():
            raise CommandError(f"{file_path}: no such file")
        try:
            with file_path.open("rb") as handle, origin(Origin(channel="command")):
                table = read_table(handle, filename=file_path.name)
                rows, problems = parse_admin_areas(table)
                if problems:
                    raise ImportFailed(problems)
                if validate_only:
                    self.stdout.write(f"{file_path.name}: {len(rows)} rows, no problems found. Nothing written.")
                    return
                result = admin_areas_load(actor=None, rows=rows, source=file_path.name)
        except ImportFailed as failure:
            lines = "\n".join(f"  {p}" for p in failure.problems)
            raise CommandError(f"{file_path.name}: nothing was loaded.\n{lines}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{file_path.name}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
