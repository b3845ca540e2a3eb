"""The yearly report as a PDF (reportlab), drawn from its frozen data only, in
the report's language: A4, a title naming programme, funder and year, the
tables, the cohorts' trend chart and the definitions of every marker."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..rates import GROUPS, STATUSES
from . import labels

# Bitstream Vera ships with reportlab: €, —, ·, ≥ and non-breaking spaces,
# wherever reportlab is installed.
FONT, BOLD = "DuoVera", "DuoVera-Bold"
_FONTS = Path(reportlab.__file__).parent / "fonts"
EMPLOYED_COLOUR = colors.HexColor("#1f5f8b")
POSITIVE_COLOUR = colors.HexColor("#7fb3d5")
GRID = colors.HexColor("#b0b7bf")
WIDTH = A4[0] - 36 * mm  # the frame between the margins


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONTS / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(_FONTS / "VeraBd.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=BOLD, fontSize=16),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, fontSize=12),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(_printable(str(text))), style)


def _table(rows: list[list], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
    ]
    if header:
        commands += [("FONT", (0, 0), (-1, 0), BOLD, 8), ("LINEBELOW", (0, 0), (-1, 0), 0.8, GRID)]
    table.setStyle(TableStyle(commands))
    return table


# --- sections ----------------------------------------------------------------------------


def _funding(data: dict, s: dict) -> list:
    f = data["funding"]
    actual = f["actual_cost"]["shown"]  # "so far" is in its label while the funding runs
    planned = f["planned_cost"]["shown"] if f["planned_cost"] else "—"
    rows = [
        [_p(_("Funder"), s["cell"]), f["funder"]],
        [_p(_("Funding period"), s["cell"]), f["period"]],
        [_p(_("Amount"), s["cell"]), f["amount"]["shown"]],
        [_p(_("Target duos for the period"), s["cell"]), f["target_duos"]["shown"]],
        [_p(_("Duos started in the funding period"), s["cell"]), f["duos_started"]["shown"]],
        [_p(_("Planned cost per duo (amount ÷ target)"), s["cell"]), planned],
        [_p(labels.actual_cost_label(f["so_far"]), s["cell"]), actual],
        [
            _p(_("Duos started in %(year)s") % {"year": data["year"]}, s["cell"]),
            data["duos_started"]["shown"],
        ],
        [_p(_("Meetings per duo started"), s["cell"]), data["meetings_per_duo"]["shown"]],
    ]
    return [_p(_("Funding"), s["h2"]), _table(rows, [WIDTH * 0.62, WIDTH * 0.38], header=False)]


def _header(data: dict, s: dict) -> list:
    header = [""]
    for column in data["table"]:
        label = labels.column_label(column["point"], column["denominator"])
        header.append(_p(label + (" *" if column["provisional"] else ""), s["cell"]))
    return header


def _outcomes(data: dict, s: dict) -> list:
    table = data["table"]
    widths = [WIDTH * 0.32] + [WIDTH * 0.17] * 4
    rates = [
        _header(data, s),
        [_p(_("Trajectories (n)"), s["cell"])] + [c["n"]["shown"] for c in table],
    ]
    for group in GROUPS:
        rates.append(
            [_p(labels.group_label(group), s["cell"])] + [c["rates"][group]["shown"] for c in table]
        )
    rates.append([_p(_("Share unknown"), s["cell"])] + [c["unknown_share"]["shown"] for c in table])
    counts = [_header(data, s)]
    for status in STATUSES:
        counts.append(
            [_p(labels.status_label(status), s["cell"])]
            + [c["counts"][status]["shown"] for c in table]
        )
    out = [
        _p(_("Outcomes of the %(year)s cohort") % {"year": data["year"]}, s["h2"]),
        _p(
            _("Trajectories whose first duo started in %(year)s: rates per group.")
            % {"year": data["year"]},
            s["body"],
        ),
        _table(rates, widths),
        Spacer(1, 4 * mm),
        _p(_("Trajectories per situation"), s["body"]),
        _table(counts, widths),
    ]
    if any(c["provisional"] for c in table):
        out.append(_p("* " + labels.definitions()[0][1], s["small"]))
    return out


def _chart(series: list[dict]) -> Drawing:
    """Employed and positive at exit over the completed, per cohort; a hidden
    rate leaves a gap (its marker is in the table below)."""
    drawing = Drawing(WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 12 * mm, WIDTH - 60 * mm, 46 * mm

    def value(item, group):
        cell = item["exit"]["rates"][group]
        return None if cell["hidden"] or cell["value"] is None else round(cell["value"] * 100, 1)

    chart.data = [
        [value(item, "employed") for item in series] or [None],
        [value(item, "positive") for item in series] or [None],
    ]
    chart.categoryAxis.categoryNames = [str(item["cohort"]) for item in series] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.bars[0].fillColor = EMPLOYED_COLOUR
    chart.bars[1].fillColor = POSITIVE_COLOUR
    chart.bars.strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH - 44 * mm, 50 * mm
    legend.fontName, legend.fontSize = FONT, 7
    legend.colorNamePairs = [
        (EMPLOYED_COLOUR, _("employed")),
        (POSITIVE_COLOUR, _("positive")),
    ]
    drawing.add(legend)
    if not series:
        drawing.add(String(20 * mm, 30 * mm, _("No cohort yet."), fontName=FONT, fontSize=8))
    return drawing


def _trend(data: dict, s: dict) -> list:
    series = data["series"]
    rows = [
        [
            _p(_("Cohort"), s["cell"]),
            _p(_("n at exit"), s["cell"]),
            _p(_("Employed at exit"), s["cell"]),
            _p(_("Positive at exit"), s["cell"]),
            _p(_("n at follow-up"), s["cell"]),
            _p(_("Employed at follow-up"), s["cell"]),
            _p(_("Positive at follow-up"), s["cell"]),
        ]
    ]
    for item in series:
        star = " *" if item["follow_up"]["provisional"] else ""
        rows.append(
            [
                str(item["cohort"]),
                item["exit"]["n"]["shown"],
                item["exit"]["rates"]["employed"]["shown"],
                item["exit"]["rates"]["positive"]["shown"],
                item["follow_up"]["n"]["shown"],
                item["follow_up"]["rates"]["employed"]["shown"] + star,
                item["follow_up"]["rates"]["positive"]["shown"] + star,
            ]
        )
    return [
        _p(_("Trend of the cohorts"), s["h2"]),
        _p(
            _(
                "Employed and positive rates at exit, over the completed trajectories, "
                "per cohort (the year of the first duo's start)."
            ),
            s["body"],
        ),
        _chart(series),
        _table(rows, [WIDTH / 7] * 7),
    ]


def _esf(data: dict, s: dict) -> list:
    esf = data.get("esf")
    if not esf:
        return []
    genders = list(esf["genders"])
    header = [_p(_("Indicator"), s["cell"]), _p(_("Total"), s["cell"])]
    header += [_p(esf["genders"][g], s["cell"]) for g in genders]
    header.append(_p(_("Missing"), s["cell"]))
    rows = [header]
    for row in esf["rows"]:
        rows.append(
            [
                _p(f"{row['code']} {row['label']}", s["cell"]),
                row["total"]["shown"],
                *(row["by_gender"][g]["shown"] for g in genders),
                row["missing"]["shown"],
            ]
        )
    rest = (WIDTH * 0.58) / (len(genders) + 2)
    out = [
        _p(_("ESF+ common indicators of %(year)s") % {"year": data["year"]}, s["h2"]),
        _p(
            _(
                "Participants who entered in the year (outputs) and who left in it "
                "(results), suppressed as every figure of this report."
            ),
            s["body"],
        ),
        _table(rows, [WIDTH * 0.42] + [rest] * (len(genders) + 2)),
    ]
    if esf.get("horizon_differs"):
        out.append(
            _p(
                _(
                    "The programme's follow-up horizon is not six months: the longer-term "
                    "indicator is counted at that horizon."
                ),
                s["small"],
            )
        )
    return out


def _definitions(s: dict) -> list:
    rows = [[_p(_("Marker"), s["cell"]), _p(_("Meaning"), s["cell"])]]
    rows += [[_p(marker, s["cell"]), _p(text, s["cell"])] for marker, text in labels.definitions()]
    table = _table(rows, [WIDTH * 0.18, WIDTH * 0.82])
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "LEFT")]))
    return [
        KeepTogether([_p(_("Definitions"), s["h2"]), table]),
        Spacer(1, 3 * mm),
        *(_p(text, s["body"]) for text in labels.about()),
    ]


def _printable(value):
    """French groups thousands with a narrow no-break space (U+202F), which the
    PDF's font has no glyph for ("123214 €"): print a no-break space instead."""
    if isinstance(value, str):
        return value.replace("\u202f", "\u00a0")
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_printable(item) for item in value]
    return value


def render_pdf(data: dict) -> bytes:
    """The PDF of a published report, from its ``data`` only."""
    data = _printable(data)
    _register_fonts()
    buffer = io.BytesIO()
    with translation.override(data["language"]):
        s = _styles()
        title = labels.title(data["programme"], data["funding"]["funder"], data["year"])
        footer = labels.publication(data)

        def on_page(canvas, doc):
            canvas.saveState()
            canvas.setFont(FONT, 7)
            canvas.setFillColor(colors.grey)
            canvas.drawString(18 * mm, 10 * mm, footer)
            canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
            canvas.restoreState()

        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=18 * mm,
            title=title,
            author=data["programme"],
            lang=data["language"],
        )
        story = [
            _p(title, s["title"]),
            _p(labels.provenance(data), s["body"]),
            _p(labels.publication(data), s["body"]),
            *_funding(data, s),
            *_outcomes(data, s),
            *_trend(data, s),
            *_esf(data, s),
            *_definitions(s),
        ]
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
