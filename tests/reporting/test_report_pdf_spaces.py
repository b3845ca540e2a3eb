"""French amounts keep their thousands separator in the PDF: the narrow
no-break space Django's French format uses has no glyph in the report's font."""

from reporting.reports.pdf import _printable


def test_narrow_no_break_spaces_become_printable_spaces():
    data = {"funding": {"amount": {"shown": "7\u202f762\u202f500\u00a0€"}}, "rows": ["1\u202f234"]}
    printable = _printable(data)
    assert printable["funding"]["amount"]["shown"] == "7\u00a0762\u00a0500\u00a0€"
    assert printable["rows"] == ["1\u00a0234"]
    assert data["funding"]["amount"]["shown"].count("\u202f") == 2  # the frozen data is untouched
