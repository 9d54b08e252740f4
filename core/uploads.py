"""Checks on uploaded files before anything reads them: size, extension and the bytes they start with."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_ZIP_MAGIC = b"PK\x03\x04"
SPREADSHEET_TYPES = (".csv", ".xlsx")


def check_upload(upload: UploadedFile, *, allowed: tuple[str, ...] = SPREADSHEET_TYPES, max_bytes: int | None = None):
    """Raise ``ValidationError`` naming what is wrong with ``upload``; return it unchanged when it is fine.

    An .xlsx must be a zip archive (the zip-bomb limits apply when it is opened); a .csv must be text
    without NUL bytes.
    """
    limit = max_bytes or settings.ABR_UPLOAD_MAX_BYTES
    name = (upload.name or "").lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in allowed:
        raise ValidationError(
            _("%(name)s is a %(ext)s file; this accepts %(allowed)s."),
            params={"name": upload.name, "ext": extension or _("extension-less"), "allowed": ", ".join(allowed)},
            code="file_type",
        )
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s."),
            params={"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_size",
        )
    head = upload.read(4096)
    upload.seek(0)
    if extension in (".xlsx", ".xlsm") and not head.startswith(_ZIP_MAGIC):
        raise ValidationError(
            _("%(name)s is not a real Excel workbook."), params={"name": upload.name}, code="file_type"
        )
    if extension == ".csv" and b"\x00" in head:
        raise ValidationError(
            _("%(name)s is not a text CSV file (save it as 'CSV UTF-8')."),
            params={"name": upload.name},
            code="file_type",
        )
    return upload
