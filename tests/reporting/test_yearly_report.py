"""The funder's yearly report (issue 15, part 3): published, frozen, rendered as
PDF and XLSX from its frozen data; its figures are the dashboard's, suppressed."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pypdfium2 as pdfium
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from duos.models import Outcome
from programmes.models import Role, RulesVersion
from programmes.suppression import percent
from reporting.dashboard import Period, dashboard
from reporting.models import PublishedReport
from reporting.rates import GROUPS, STATUSES
from reporting.reports import labels
from reporting.reports.pdf import render_pdf
from reporting.reports.publish import report_publish
from reporting.reports.xlsx import render_xlsx
from reporting.services import snapshot_compute
from tests.factories import (
    DuoFactory,
    FunderFactory,
    FundingFactory,
    MeetingFactory,
    MembershipFactory,
    MenteeFactory,
    OutcomeFactory,
)

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
YEAR = 2025


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _trajectory(programme, *, started, ended, reason="completed", exit=None, follow_up=None):
    mentee = MenteeFactory(programme=programme)
    duo = DuoFactory(
        programme=programme,
        mentee=mentee,
        ended=True,
        started_on=started,
        ended_on=ended,
        end_reason=reason,
    )
    for point, status in (("exit", exit), ("follow_up", follow_up)):
        if status:
            OutcomeFactory(
                duo=duo,
                point=point,
                status=status,
                contract_type="",
                date=ended if point == "exit" else ended + dt.timedelta(days=183),
            )
    return duo


def _cohort(programme, year, plan):
    """``plan``: (count, end reason, exit status, follow-up status, ended on)."""
    for count, reason, exit, follow_up, ended in plan:
        for _ in range(count):
            _trajectory(
                programme,
                started=dt.date(year, 2, 1),
                ended=ended or dt.date(year, 8, 1),
                reason=reason,
                exit=exit,
                follow_up=follow_up,
            )


class Reports:
    """World's programme with three cohorts, two funders' fundings and their people."""

    def __init__(self, world):
        self.world = world
        p = self.programme = world.programme
        _cohort(
            p,
            YEAR,
            [
                (14, "completed", "employed", "employed", None),
                (6, "goal_reached", "training", "employed", None),
                (1, "completed", "internship", "internship", None),  # a count of 1: hidden
                (9, "completed", "still_searching", "still_searching", None),
                (5, "mentee_withdrew", "still_searching", None, None),
                # ended late in the year: their follow-up date is still to come
                (6, "completed", "employed", None, dt.date(2026, 9, 1)),
            ],
        )
        _cohort(p, 2024, [(12, "completed", "employed", "employed", None)])
        _cohort(p, 2024, [(8, "completed", "still_searching", "training", None)])
        _cohort(p, 2023, [(11, "completed", "employed", "employed", None)])
        _cohort(p, 2023, [(3, "completed", "training", "training", None)])
        for _ in range(4):  # running duos of the year: started, in no denominator yet
            duo = DuoFactory(programme=p, started_on=dt.date(YEAR, 10, 1))
            MeetingFactory(duo=duo)
        self.funding = FundingFactory(
            programme=p,
            funder=world.funder.memberships.get().organisation,
            amount=Decimal("262500.00"),
            starts_on=dt.date(YEAR, 1, 1),
            ends_on=dt.date(YEAR + 1, 12, 31),
            target_duos=70,
        )
        other_org = FunderFactory(name="ESF Flanders")
        self.other_funding = FundingFactory(
            programme=p, funder=other_org, amount=Decimal("99999.00"), target_duos=9
        )
        self.other_funder = MembershipFactory(
            organisation=other_org, role=Role.FUNDER, programmes=[p]
        ).user
        self.snapshot = snapshot_compute(programme=p)

    def publish(self, language="nl", include_esf=False, **kwargs):
        return report_publish(
            self.world.coordinator,
            programme=self.programme,
            funding=kwargs.get("funding", self.funding),
            year=kwargs.get("year", YEAR),
            language=language,
            include_esf=include_esf,
        )


@pytest.fixture
def reports(world):
    return Reports(world)


# --- reading the files --------------------------------------------------------------------


def pdf_pages(content: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(content)
    texts = []
    for page in pdf:
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    return texts


def pdf_text(content: bytes) -> str:
    """The PDF's text, its spaces (non-breaking ones included) made plain."""
    text = "\n".join(pdf_pages(content))
    return re.sub(r"[ \u00a0\u202f]+", " ", text.replace("\r", ""))


def _nl(cell, kind: str) -> str:
    """A dashboard cell as a Dutch report prints it, written out here rather
    than asked of the report's code: the marker of a hidden cell, "50,7 %", a
    count, "3.750 €"."""
    if cell.hidden or cell.value is None:
        return cell.text
    if kind == "rate":
        return (
            f"{percent(cell.value).replace('.', ',')} %" if cell.text.endswith("%") else cell.text
        )
    if kind == "money":
        return f"{int(cell.value):,}".replace(",", ".") + "\u00a0€"
    return str(cell.value)


def _expected(reports) -> dict:
    """What the dashboard gives a funder for the report's year, in Dutch."""
    with translation.override("nl"):
        return dashboard(
            reports.snapshot, Period(YEAR, YEAR), full=False, fundings=[reports.funding]
        )


def _rows_in_order(text: str, rows: list[str]) -> None:
    """Each row of figures is in the text, in this order."""
    position = 0
    for row in rows:
        found = text.find(row, position)
        assert found >= 0, f"{row!r} not found after position {position} in:\n{text}"
        position = found + len(row)


def _figure_rows(figures) -> list[str]:
    table = figures["table"]  # exit/completed, exit/started, follow-up/completed, …/started
    rows = [" ".join(_nl(fig.n, "count") for fig in table)]
    rows += [" ".join(_nl(fig.rates[g], "rate") for fig in table) for g in GROUPS]
    rows.append(" ".join(_nl(fig.unknown_share, "rate") for fig in table))
    rows += [" ".join(_nl(fig.counts[s], "count") for fig in table) for s in STATUSES]
    return rows


# --- the figures are the dashboard's ---------------------------------------------------------


def test_pdf_shows_every_figure_of_the_dashboard(reports):
    report = reports.publish(language="nl")
    text = pdf_text(render_pdf(report.data))
    figures = _expected(reports)
    line = figures["fundings"][0]
    _rows_in_order(
        text,
        [
            "DUO Brussels",
            reports.funding.funder.name,
            str(YEAR),
            "262.500 €",
            " 70\n",  # the target
            f" {_nl(line['duos_started'], 'count')}\n",
            "3.750 €",  # planned: 262,500 ÷ 70
            _nl(line["actual_cost"], "money").replace("\u00a0", " "),
            f" {_nl(figures['duos_started'], 'count')}\n",
        ],
    )
    assert _nl(line["actual_cost"], "money") == "5.585\u00a0€"  # 262,500 ÷ 47, so far
    assert "tot nu toe" in text  # "so far": the funding runs until the end of next year
    _rows_in_order(text, _figure_rows(figures))
    # the chart's table: this year's cohort exactly as the dashboard's series has it
    (own,) = figures["series"]
    star = " *" if own["follow_up"].provisional else ""
    cohort_row = " ".join(
        [
            str(YEAR),
            _nl(own["exit"].n, "count"),
            _nl(own["exit"].rates["employed"], "rate"),
            _nl(own["exit"].rates["positive"], "rate"),
            _nl(own["follow_up"].n, "count"),
            _nl(own["follow_up"].rates["employed"], "rate") + star,
            _nl(own["follow_up"].rates["positive"], "rate") + star,
        ]
    )
    assert cohort_row in text
    # Dutch numbers: a decimal comma, a space before the percent sign
    assert "55,6 %" in text and "55.6" not in text
    # the marker "*" is explained: follow-up is provisional for this cohort
    with translation.override("nl"):
        provisional = labels.definitions()[0][1]
    assert figures["table"][2].provisional and f"* {provisional[:30]}" in text
    # the report names its snapshot version and computation date
    assert f"momentopname versie {reports.snapshot.version}" in text and "30 november 2026" in text


def test_frozen_cells_equal_the_dashboards(reports):
    report = reports.publish(language="nl")
    figures = _expected(reports)
    for frozen, fig in zip(report.data["table"], figures["table"], strict=True):
        assert (frozen["point"], frozen["denominator"]) == (fig.point, fig.denominator)
        assert frozen["n"]["text"] == fig.n.text and frozen["n"]["value"] == fig.n.value
        for group in GROUPS:
            cell = fig.rates[group]
            assert frozen["rates"][group]["text"] == cell.text
            assert frozen["rates"][group]["value"] == cell.value
            assert frozen["rates"][group]["hidden"] == cell.hidden
        for status in STATUSES:
            assert frozen["counts"][status]["text"] == fig.counts[status].text
    data = report.data
    assert data["snapshot"]["version"] == reports.snapshot.version
    assert data["snapshot"]["rules_version"] == reports.snapshot.rules_version
    assert data["funding"]["amount"]["value"] == 262500
    assert data["funding"]["target_duos"]["value"] == 70
    assert data["funding"]["planned_cost"]["value"] == 3750
    assert data["funding"]["so_far"] is True
    assert (data["funding"]["starts_on"], data["funding"]["ends_on"]) == (
        "2025-01-01",
        "2026-12-31",
    )
    assert [item["cohort"] for item in data["series"]] == [2023, 2024, 2025]
    assert data["esf"] is None  # not asked for


def test_trend_cohorts_are_each_years_dashboard(reports):
    report = reports.publish(language="en")
    for item in report.data["series"]:
        with translation.override("en"):
            (expected,) = dashboard(
                reports.snapshot, Period(item["cohort"], item["cohort"]), full=False
            )["series"]
        for group in ("employed", "positive"):
            assert item["exit"]["rates"][group]["text"] == expected["exit"].rates[group].text
        assert item["exit"]["n"]["text"] == expected["exit"].n.text


def test_english_report_formats(reports):
    report = reports.publish(language="en")
    text = pdf_text(render_pdf(report.data))
    assert "€262,500" in text and "€3,750" in text
    assert "55.6 %" in text and "55,6" not in text


def test_funder_never_sees_a_small_count(reports):
    report = reports.publish(language="en")
    text = pdf_text(render_pdf(report.data))
    counts = report.data["table"][0]["counts"]
    assert counts["internship"]["shown"] == "<5" and counts["internship"]["value"] is None
    # every count row of the PDF (n, the situations, the cohorts): no figure from 1 to 4
    for line in text.splitlines():
        figures = line.split()[-4:]
        if re.match(
            r"^(Trajectories \(n\)|Employed|Self-employed|Training|Studies|Internship"
            r"|Still searching|Inactive|Unknown|20\d\d) ",
            line,
        ):
            assert not set(figures) & {"1", "2", "3", "4"}, line
    assert "<5 of 36" in text  # the internship rate: a count, never a percentage
    for cell in _cells(report.data):
        if cell["kind"] == "count" and cell["value"] is not None:
            assert not 1 <= cell["value"] <= 4, cell


def _cells(data: dict):
    for fig in data["table"]:
        yield from (fig["n"], fig["unknown_share"], *fig["counts"].values(), *fig["rates"].values())
    for item in data["series"]:
        for point in ("exit", "follow_up"):
            yield from (item[point]["n"], *item[point]["rates"].values())
    yield data["duos_started"]
    yield data["funding"]["duos_started"]


# --- the files -----------------------------------------------------------------------------


def test_pdf_pages_are_drawn(reports):
    report = reports.publish(language="fr", include_esf=True)
    pdf = pdfium.PdfDocument(render_pdf(report.data))
    assert len(pdf) >= 2
    for page in pdf:
        width, height = page.get_size()
        assert round(width) == 595 and round(height) == 842  # A4 in points
        image = page.render(scale=1).to_pil().convert("L")
        low, high = image.getextrema()
        assert high - low > 100  # ink on paper, not a blank page
        assert sum(1 for count in image.histogram() if count) > 10  # pixels vary
        page.close()
    pdf.close()


def test_xlsx_numbers_are_numbers_and_markers_text(reports):
    report = reports.publish(language="nl", include_esf=True)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report.data)))
    assert len(book.sheetnames) == 5 and "ESF+" in book.sheetnames
    summary, outcomes, cohorts, esf, definitions = (book[name] for name in book.sheetnames)
    amounts = {row[0].value: row[1] for row in summary.iter_rows(min_row=5) if row[0].value}
    amount = next(cell for cell in amounts.values() if cell.value == 262500)
    assert isinstance(amount.value, int) and "€" in amount.number_format
    header = [cell.value for cell in outcomes[1]]
    first = 4 + len(STATUSES)  # point, denominator, provisional, n, the statuses: then the rates
    rows = list(outcomes.iter_rows(min_row=2))
    assert len(rows) == 4
    for row, frozen in zip(rows, report.data["table"], strict=True):
        assert row[3].value == frozen["n"]["value"] and isinstance(row[3].value, int)
        for index, group in enumerate(GROUPS):
            cell, cell_data = row[first + index], frozen["rates"][group]
            if cell_data["hidden"]:
                assert cell.value == cell_data["text"] and isinstance(cell.value, str)
            else:
                assert isinstance(cell.value, int | float) and 0 <= cell.value <= 1
                assert "%" in cell.number_format
        internship = row[4 + STATUSES.index("internship")]
        assert internship.value == "<5"  # the marker, never the value
    assert header[3] and len(header) == 4 + len(STATUSES) + len(GROUPS) + 1
    for row in cohorts.iter_rows(min_row=2):
        assert isinstance(row[0].value, int)
        assert isinstance(row[1].value, int) or row[1].value in ("<5", "·")
    markers = {row[0].value for row in definitions.iter_rows(min_row=2) if row[0].value}
    assert {"*", "<5", "—", "·"} <= markers and any("5" in m and "n" in m for m in markers)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith("="))


# --- frozen --------------------------------------------------------------------------------


def test_later_corrections_never_change_a_published_report(reports, world):
    from duos.services.outcomes import outcome_record
    from programmes.services.rules import rules_record

    report = reports.publish(language="nl")
    before_pdf = pdf_text(render_pdf(report.data))
    before_data = PublishedReport.objects.get(pk=report.pk).data
    # an outcome corrected: the internship becomes employed (the small count goes)
    duo = Outcome.objects.get(
        duo__programme=reports.programme, point="exit", status="internship"
    ).duo
    outcome_record(
        world.coordinator, duo=duo, point="exit", status="employed", source="coordinator"
    )
    # a rule changed: a longer follow-up horizon makes more figures provisional
    reports.programme.follow_up_months = 24
    reports.programme.save(update_fields=["follow_up_months"])
    rules_record(world.coordinator, programme=reports.programme)
    later = snapshot_compute(programme=reports.programme)
    assert later.version > report.snapshot.version
    with translation.override("nl"):
        now_shown = dashboard(later, Period(YEAR, YEAR), full=False, fundings=[reports.funding])
    assert now_shown["table"][0].counts["internship"].text == "0"  # the figures did change …
    report.refresh_from_db()
    assert report.data == before_data  # … the published report did not
    assert pdf_text(render_pdf(report.data)) == before_pdf
    assert report.snapshot.version == before_data["snapshot"]["version"]
    assert RulesVersion.objects.filter(programme=reports.programme).count() >= 1
    again = reports.publish(language="nl")
    assert again.version == report.version + 1
    assert again.data["snapshot"]["version"] == later.version
    assert again.data["table"][0]["counts"]["internship"]["text"] == "0"


# --- publishing and the pages ----------------------------------------------------------------


def test_coordinator_publishes_from_the_page(client, reports, world):
    client.force_login(world.coordinator)
    url = reverse("reporting:reports", args=[reports.programme.uuid])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and 'name="include_esf"' in body
    assert 'name="include_esf" checked' not in body  # nothing ticked for the coordinator
    response = client.post(
        reverse("reporting:report_publish", args=[reports.programme.uuid]),
        {"funding": reports.funding.pk, "year": YEAR, "language": "fr", "include_esf": "on"},
    )
    assert response.status_code == 302
    report = PublishedReport.objects.get()
    assert (report.version, report.language, report.year) == (1, "fr", YEAR)
    assert report.published_by == world.coordinator and report.data["esf"]["rows"]
    body = client.get(url).content.decode()
    assert reverse("reporting:report_pdf", args=[report.uuid]) in body
    assert reverse("reporting:report_xlsx", args=[report.uuid]) in body
    pdf = client.get(reverse("reporting:report_pdf", args=[report.uuid]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "EECO11" in pdf_text(pdf.content)  # the ESF+ indicators, as ticked


def test_publishing_refuses_a_year_outside_the_funding(client, reports, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("reporting:report_publish", args=[reports.programme.uuid]),
        {"funding": reports.funding.pk, "year": 2019, "language": "nl"},
    )
    assert response.status_code == 400 and "2025" in response.content.decode()
    assert not PublishedReport.objects.exists()
    with pytest.raises(ValidationError):
        reports.publish(funding=reports.other_funding, year=YEAR + 5)


def test_funders_and_outsiders_cannot_publish(client, reports, world):
    url = reverse("reporting:report_publish", args=[reports.programme.uuid])
    data = {"funding": reports.funding.pk, "year": YEAR, "language": "nl"}
    for user, status in ((world.funder, 403), (world.outsider, 404), (world.coach, 403)):
        client.force_login(user)
        assert client.post(url, data).status_code == status
    assert not PublishedReport.objects.exists()


@pytest.mark.parametrize(
    ("who", "list_status", "sees_report", "download_status"),
    [
        ("coordinator", 200, True, 200),
        ("funder", 200, True, 200),  # the funder of that funding
        ("other_funder", 200, False, 403),  # another funding of the same programme
        ("evaluator", 200, False, 403),  # their organisation funds nothing here
        ("coach", 403, False, 403),
        ("outsider", 404, False, 404),
    ],
)
def test_who_sees_which_report(
    client, reports, world, who, list_status, sees_report, download_status
):
    report = reports.publish(language="nl")
    other = reports.publish(language="en", funding=reports.other_funding, year=YEAR)
    user = reports.other_funder if who == "other_funder" else getattr(world, who)
    client.force_login(user)
    page = client.get(reverse("reporting:reports", args=[reports.programme.uuid]))
    assert page.status_code == list_status
    body = page.content.decode()
    assert (str(report.uuid) in body) is sees_report
    if who == "funder":
        assert str(other.uuid) not in body and "99.999" not in body
        assert "ESF Flanders" not in body  # never another funder's money
        assert 'name="funding"' not in body  # no publish form
    for name in ("reporting:report_pdf", "reporting:report_xlsx"):
        response = client.get(reverse(name, args=[report.uuid]))
        assert response.status_code == download_status
    if who == "other_funder":
        assert client.get(reverse("reporting:report_pdf", args=[other.uuid])).status_code == 200


def test_anonymous_goes_to_sign_in(client, reports):
    report = reports.publish()
    for url in (
        reverse("reporting:reports", args=[reports.programme.uuid]),
        reverse("reporting:report_pdf", args=[report.uuid]),
        reverse("reporting:report_xlsx", args=[report.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_funders_download_is_the_frozen_report(client, reports, world):
    report = reports.publish(language="nl")
    client.force_login(world.funder)
    response = client.get(reverse("reporting:report_pdf", args=[report.uuid]))
    assert pdf_text(response.content) == pdf_text(render_pdf(report.data))
    assert "attachment" in response["Content-Disposition"]
    xlsx = client.get(reverse("reporting:report_xlsx", args=[report.uuid]))
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames[0]


def test_report_list_queries_do_not_grow(client, reports, world, django_assert_max_num_queries):
    reports.publish()
    client.force_login(world.coordinator)
    url = reverse("reporting:reports", args=[reports.programme.uuid])
    with django_assert_max_num_queries(40) as captured:
        client.get(url)
    for _ in range(5):
        reports.publish()
    with django_assert_max_num_queries(len(captured.captured_queries)):
        assert client.get(url).status_code == 200


def test_dashboard_links_to_the_reports(client, reports, world):
    client.force_login(world.funder)
    body = client.get(reverse("reporting:dashboard", args=[reports.programme.uuid])).content
    assert reverse("reporting:reports", args=[reports.programme.uuid]) in body.decode()
