"""Benchmark of the bounded import reader and the import pipeline.

    .venv/bin/python bench/imports.py

Builds, in memory:
- the padded sheet: 5,000 rows, each holding one empty (styled) cell in column
  XFD, so the sheet declares A1:XFD5000; the reader must refuse it before
  reading a cell;
- a legitimate participant sheet of 20,000 rows (the row limit), as XLSX and
  as CSV, with every column of the participant import filled.

Prints the time to refuse the padded sheet, to read the legitimate one
(reader only), and to preview it (reader, row layer and the plan against an
empty programme) on a throw-away SQLite database in memory (or the database
of DATABASE_URL if it is set: that database is migrated and gets one
programme). Each figure is the median of ``REPEAT`` runs."""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-real-site")
os.environ.setdefault("RESEARCH_ID_KEY", "bench-only-research-key-not-for-any-export")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Font  # noqa: E402

from duos.imports import flow, participants, reader  # noqa: E402
from programmes.models import Organisation, Programme  # noqa: E402

ROWS = 20_000
REPEAT = 3


def padded_xlsx(rows: int = 5000) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ref", "kind", "first_name"])
    bold = Font(bold=True)
    for row in range(2, rows + 1):
        sheet.cell(row=row, column=16384, value="").font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def participant_rows(n: int) -> list[list]:
    rows = []
    for i in range(n):
        mentee = i % 4 != 0
        rows.append(
            [
                f"P-{i:05d}",
                "mentee" if mentee else "mentor",
                f"First{i}",
                f"Last{i}",
                f"person{i}@demo.invalid",
                f"0470 {i % 100:02d} {i % 97:02d} {i % 89:02d}",
                dt.date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                ("female", "male", "non_binary", "not_stated")[i % 4],
                str(1000 + i % 9000),
                "Bruxelles",
                "fr; nl" if i % 2 else "fr; ar",
                "logistics; retail",
                ("isced_0_2", "isced_3_4", "isced_5_8")[i % 3],
                "unemployed" if mentee else "",
                f"JS-{i:06d}" if mentee else "",
                "" if mentee else "Warehouse manager",
                "" if mentee else 1 + i % 3,
            ]
        )
    return rows


def legitimate_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(participants.COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def legitimate_csv(rows: list[list]) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(participants.COLUMNS)
    for row in rows:
        writer.writerow([cell.isoformat() if isinstance(cell, dt.date) else cell for cell in row])
    return buffer.getvalue().encode()


def timed(action) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def refuse(content: bytes) -> None:
    try:
        reader.read_table(content=content, filename="padded.xlsx")
    except reader.SpreadsheetError:
        return
    raise SystemExit("the padded sheet was not refused")


def programme() -> Programme:
    call_command("migrate", verbosity=0)
    operator = Organisation.objects.create(
        name="Bench operator", slug="bench-operator-imports", kind="operator", region="brussels"
    )
    return Programme.objects.create(
        operator=operator,
        name="Bench imports",
        slug="bench-imports",
        region="brussels",
        starts_on=dt.date(2020, 1, 1),
    )


def main() -> None:
    padded = padded_xlsx()
    rows = participant_rows(ROWS)
    xlsx, text = legitimate_xlsx(rows), legitimate_csv(rows)
    target = programme()

    def preview(content: bytes, filename: str) -> None:
        result = flow.import_preview(
            participants.IMPORTER, programme=target, content=content, filename=filename
        )
        assert result.ok and len(result.rows) == ROWS, result.errors[:3]

    print(f"median of {REPEAT} runs; sizes: padded {len(padded):,} B, ", end="")
    print(f"legitimate XLSX {len(xlsx):,} B, CSV {len(text):,} B")
    print("| measure | seconds |")
    print("|---|---|")
    print(f"| padded XLSX (A1:XFD5000): refused | {timed(lambda: refuse(padded)):.4f} |")
    for name, content in (("XLSX", xlsx), ("CSV", text)):
        read = timed(lambda c=content, n=name: reader.read_table(content=c, filename=n))
        print(f"| {ROWS:,}-row {name}: read | {read:.2f} |")
        shown = timed(lambda c=content, n=name: preview(c, f"people.{n.lower()}"))
        print(f"| {ROWS:,}-row {name}: preview (read, rows, plan) | {shown:.2f} |")


if __name__ == "__main__":
    main()
