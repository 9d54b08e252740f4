import logging

from core.logging import RedactPersonalData, redact


def test_redact_removes_query_strings_phones_and_emails():
    line = (
        'GET /profiling/households/?q=Zarghuna+Ahmadi HTTP/1.1" 200 call +93 700 123 456 or mail z.ahmadi@example.org'
    )
    cleaned = redact(line)
    assert "Zarghuna" not in cleaned
    assert "700 123 456" not in cleaned
    assert "example.org" not in cleaned
    assert "/profiling/households/?[redacted]" in cleaned


def test_ids_and_dates_survive():
    assert redact("household 1234 saved on 2026-03-01") == "household 1234 saved on 2026-03-01"


def test_filter_rewrites_the_record():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "Not Found: %s", ("/x/?phone=0700123456",), None)
    RedactPersonalData().filter(record)
    assert record.getMessage() == "Not Found: /x/?[redacted]"
