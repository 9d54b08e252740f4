"""CSV and HXL-tagged CSV renderings of list endpoints (``?format=csv`` / ``?format=hxl``).

Serializers name the HXL hashtag of each field in ``Meta.hxl`` (``{"pcode": "#adm2+code"}``); nested
values are flattened with dotted names. Cells are neutralised against formula injection. For cursor
pages the next page's URL is sent in the ``Link`` header, since CSV has nowhere else to put it.
"""

from __future__ import annotations

import csv
import io

from rest_framework.renderers import BaseRenderer

from core.exports import neutralise


def _flatten(row, prefix: str = "") -> dict:
    flat = {}
    for key, value in (row or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "; ".join(str(v) for v in value if not isinstance(v, dict | list))
        else:
            flat[name] = value
    return flat


def _hxl_tags(renderer_context) -> dict[str, str]:
    view = (renderer_context or {}).get("view")
    if view is None or not hasattr(view, "get_serializer_class"):
        return {}
    try:
        serializer_class = view.get_serializer_class()
    except Exception:  # a view that cannot name its serializer has no tags
        return {}
    return dict(getattr(getattr(serializer_class, "Meta", None), "hxl", {}) or {})


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    with_hxl = False

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        if isinstance(data, dict) and "error" in data:
            rows = [_flatten(data)]
        elif isinstance(data, dict) and "results" in data:
            rows = [_flatten(r) for r in data["results"]]
            response = renderer_context.get("response")
            if response is not None and data.get("next"):
                response["Link"] = f'<{data["next"]}>; rel="next"'
        elif isinstance(data, list):
            rows = [_flatten(r) for r in data]
        else:
            rows = [_flatten(data)]
        headers: list[str] = []
        for row in rows:
            headers.extend(k for k in row if k not in headers)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        if self.with_hxl:
            tags = _hxl_tags(renderer_context)
            writer.writerow([tags.get(h, "") for h in headers])
        for row in rows:
            writer.writerow([neutralise("" if row.get(h) is None else row.get(h)) for h in headers])
        return buffer.getvalue().encode(self.charset)


class HxlCsvRenderer(CsvRenderer):
    """CSV with the HXL hashtag row under the header, for HDX and HXL tools."""

    format = "hxl"
    with_hxl = True
