"""Bar charts in reportlab's own graphics (no plotting library): the round report's overall means per group
and round, the activity report's counts per month. One look for both: the same palette, axis fonts and
legend, and numbers written the reader's way (sv "2,5")."""

from __future__ import annotations

from typing import Callable, Sequence

from peerdesk.i18n import format_decimal

PALETTE = ("#9DB4CC", "#4F7CAC", "#1F3A5F", "#C9A66B", "#7FA37F")


def bar_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], lang: str, *,
              value_min: float = 0, value_max: float | None = None, value_step: float | None = None,
              bar_label: Callable[[float], str] | None = None, axis_label: Callable[[float], str] | None = None,
              width: float = 460, height: float = 160, chart_width: float = 300, label_angle: float = 0):
    """A Drawing with one group of bars per category and one bar per series in it (None: no bar), the series
    named in a legend at the right. `bar_label` writes each bar's value above it (None: no labels)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    bottom = 22 if not label_angle else 40
    chart.x, chart.y, chart.width, chart.height = 40, bottom, chart_width, height - bottom - 10
    chart.data = [list(values) for _name, values in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontSize = 7
    if label_angle:
        chart.categoryAxis.labels.angle = label_angle
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.dx, chart.categoryAxis.labels.dy = 4, -2
    chart.valueAxis.valueMin = value_min
    if value_max is not None:
        chart.valueAxis.valueMax = value_max
    if value_step is not None:
        chart.valueAxis.valueStep = value_step
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = axis_label or (lambda v: format_decimal(v, None, lang))
    if bar_label is not None:
        chart.barLabelFormat = bar_label
        chart.barLabels.fontSize = 6
        chart.barLabels.nudge = 6
    palette = [colors.HexColor(c) for c in PALETTE]
    for i in range(len(series)):
        chart.bars[i].fillColor = palette[i % len(palette)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = chart.x + chart_width + 20, height - 20
    legend.fontSize = 8
    legend.colorNamePairs = [(palette[i % len(palette)], name) for i, (name, _values) in enumerate(series)]
    drawing.add(legend)
    return drawing
