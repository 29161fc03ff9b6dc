"""The dashboards' and the report's charts: server-side SVG drawn by pygal, the same
file in the browser and in the PDF (an <img> of a data: URL, so the page's CSP and the
PDF's URL fetcher need nothing else), each with its figures as a table beside it and a
sentence for screen readers."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from core.money import format_money

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#7b8794",
    colors=("#1d4e89", "#d97706", "#2f855a", "#9b2c2c", "#6b46c1", "#4a5568"),
    font_family="DejaVu Sans, Arial, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=11,
    title_font_size=13,
    value_font_size=10,
    tooltip_font_size=11,
)


@dataclass
class Chart:
    title: str
    description: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    svg: bytes = b""
    # The list behind each row (a drill-down), when there is one.
    links: list[str] = field(default_factory=list)

    @property
    def linked_rows(self) -> list[tuple[list[str], str]]:
        return [
            (row, self.links[i] if i < len(self.links) else "") for i, row in enumerate(self.rows)
        ]

    @property
    def data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode()


def _config(width: int, kind, **options):
    settings = {
        "style": STYLE,
        "width": width,
        "height": 300,
        "js": [],  # no script: pygal's interactive script comes from a CDN
        "legend_at_bottom": True,
        "show_y_guides": True,
        "truncate_label": -1,
        "no_data_text": _("No data"),
    }
    return kind(**{**settings, **options})


# pygal's per-value <desc> elements feed its tooltips, a script the charts do without:
# dropped, they halve the nodes a PDF has to draw.
_DESC = re.compile(rb"<desc[^>]*>.*?</desc>", re.DOTALL)


_CHART_ID = re.compile(rb"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _render(chart) -> bytes:
    """The SVG, without the tooltips' <desc> and with one id for every chart: each is
    a document of its own (an <img>), and equal stylesheets let WeasyPrint compile
    their selectors once for the whole report."""
    return _CHART_ID.sub(b"chart", _DESC.sub(b"", chart.render()))


def _money(value) -> str:
    return format_money(value) if value is not None else "—"


def _percent(value) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.1f} %"


def recovered_vs_target(
    labels: list[str], recovered: list, target: list, width: int = 760
) -> Chart:
    chart = _config(
        width,
        pygal.Bar,
        value_formatter=lambda v: _money(Decimal(str(v))),
        x_label_rotation=30 if len(labels) > 6 else 0,
    )
    chart.x_labels = labels
    chart.add(_("Recovered"), [float(v) for v in recovered])
    chart.add(_("Target"), [float(v) if v is not None else None for v in target])
    total, goal = sum(recovered, Decimal(0)), sum((t or 0 for t in target), Decimal(0))
    result = Chart(
        _("Recovered against target, by month"),
        _("Recovered %(total)s against a target of %(goal)s over %(months)s months.")
        % {"total": _money(total), "goal": _money(goal), "months": len(labels)},
        [_("Month"), _("Recovered"), _("Target")],
        [
            [label, _money(r), _money(t)]
            for label, r, t in zip(labels, recovered, target, strict=True)
        ],
    )
    result.svg = _render(chart)
    return result


def delinquency(labels: list[str], by_count: list, by_amount: list, width: int = 760) -> Chart:
    chart = _config(
        width,
        pygal.Line,
        value_formatter=lambda v: f"{v:.1f} %",
        show_dots=False,
        x_label_rotation=40,
        x_labels_major_every=3,
        show_minor_x_labels=False,
    )
    chart.x_labels = labels
    chart.add(_("Employers"), [float(v) * 100 if v is not None else None for v in by_count])
    chart.add(_("Amount"), [float(v) * 100 if v is not None else None for v in by_amount])
    last = next(
        (
            (lab, c, a)
            for lab, c, a in reversed(list(zip(labels, by_count, by_amount, strict=True)))
            if c is not None or a is not None
        ),
        None,
    )
    description = (
        _(
            "In %(month)s, %(count)s of active employers owed overdue periods; arrears were "
            "%(amount)s of the contributions billed in 12 months."
        )
        % {"month": last[0], "count": _percent(last[1]), "amount": _percent(last[2])}
        if last
        else _("No snapshot yet: the index starts with the first nightly run.")
    )
    result = Chart(
        _("Delinquency index, last 24 months"),
        description,
        [_("Month"), _("By employers"), _("By amount")],
        [
            [lab, _percent(c), _percent(a)]
            for lab, c, a in zip(labels, by_count, by_amount, strict=True)
        ],
    )
    result.svg = _render(chart)
    return result


def aging(labels: list[str], amounts: list, width: int = 760) -> Chart:
    chart = _config(
        width,
        pygal.Bar,
        value_formatter=lambda v: _money(Decimal(str(v))),
        show_legend=False,
        x_label_rotation=20 if width < 600 else 0,
    )
    chart.x_labels = labels
    chart.add(_("Arrears"), [float(v) for v in amounts])
    total = sum(amounts, Decimal(0))
    oldest = amounts[-1] if amounts else Decimal(0)
    result = Chart(
        _("Arrears by age"),
        _("Arrears of %(total)s, of which %(oldest)s overdue more than a year.")
        % {"total": _money(total), "oldest": _money(oldest)},
        [_("Age"), _("Arrears")],
        [[label, _money(v)] for label, v in zip(labels, amounts, strict=True)],
    )
    result.svg = _render(chart)
    return result


def by_state(title: str, labels: list[str], counts: list[int], width: int = 760) -> Chart:
    chart = _config(width, pygal.HorizontalBar, show_legend=False, height=260)
    chart.x_labels = labels
    chart.add(title, counts)
    result = Chart(
        title,
        ", ".join(f"{label}: {count}" for label, count in zip(labels, counts, strict=True)) + ".",
        [_("State"), _("Number")],
        [[label, str(count)] for label, count in zip(labels, counts, strict=True)],
    )
    result.svg = _render(chart)
    return result


def ranking(labels: list[str], shares: list, width: int = 760) -> Chart:
    chart = _config(
        width,
        pygal.HorizontalBar,
        show_legend=False,
        value_formatter=lambda v: f"{v:.1f} %",
        height=260,
    )
    chart.x_labels = labels
    chart.add(_("Recovered of target"), [float(v) * 100 if v is not None else None for v in shares])
    ranked = [label for label, share in zip(labels, shares, strict=True) if share is not None]
    result = Chart(
        _("Branches by recovered share of target"),
        (_("First: %(first)s; last: %(last)s.") % {"first": ranked[0], "last": ranked[-1]})
        if ranked
        else _("No target in force for this period."),
        [_("Branch"), _("Recovered of target")],
        [[label, _percent(share)] for label, share in zip(labels, shares, strict=True)],
    )
    result.svg = _render(chart)
    return result
