"""The UI speaks Dari, Pashto and Arabic in full: every message translated, compiled and current."""

import ast
import gettext
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]
# As `make messages` runs it.
MAKEMESSAGES_OPTIONS = ["--no-location", "--ignore=.venv", "--ignore=node_modules", "--ignore=staticfiles"]


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file (the header excluded); enough of the format for msgfmt's own output."""
    entries, entry, target = [], Entry(), None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if target is not None:
                entries.append(entry)
            entry, target = Entry(), None
        elif line.startswith("#,"):
            entry.fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += value
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + value)
        else:
            keyword, _space, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                entry.msgstr[index] = value
                target = ("msgstr", index)
            else:
                setattr(entry, keyword, value)
                target = (keyword, None)
    return [e for e in entries if e.msgid]


def catalogue(language: str) -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    entries = read_po(catalogue(language))
    assert len(entries) > 1000
    missing = [e.msgid for e in entries if e.fuzzy or not all(e.msgstr.values())]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_source(language):
    po = catalogue(language)
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_po(po):
        if entry.msgid_plural:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            current = got in entry.msgstr.values()
        elif entry.msgctxt:
            current = compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr[0]
        else:
            current = compiled.gettext(entry.msgid) == entry.msgstr[0]
        if not current:
            stale.append(entry.msgid)
    assert not stale, f"{language}: django.mo is older than django.po (run compilemessages): {stale[:5]}"


def test_the_catalogues_hold_every_message_of_the_code(tmp_path):
    """A string added to the code without updating the catalogues would show in English."""
    if shutil.which("xgettext") is None:
        pytest.skip("gettext tools are not installed")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", ".git", "staticfiles", "media", "*.po", "*.mo", "__pycache__"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ar", *MAKEMESSAGES_OPTIONS],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = {(e.msgctxt, e.msgid) for e in read_po(copy / "locale/ar/LC_MESSAGES/django.po")}
    ours = {(e.msgctxt, e.msgid) for e in read_po(catalogue("ar"))}
    new = sorted(m for _c, m in extracted - ours)
    assert not new, f"{len(new)} messages are not in the catalogues (run makemessages, then translate): {new[:5]}"
