"""Simple bar charts (reportlab.graphics) for the usage report."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String

from app.services.reports.flowables import FONT, FONT_BOLD, NAVY, fmt_int
from app.services.reports.inputs import LabeledCount

LABEL_ROOM = 120.0
BAR_PITCH = 18.0


def nice_axis(value: int) -> tuple[int, int]:
    """Return ``(axis_max, tick_step)``: a round axis end at or above ``value`` and a step dividing it."""
    if value <= 5:
        return 5, 1
    magnitude = 10 ** (len(str(value)) - 1)
    for factor, step in (
        (1, 0.2),
        (1.5, 0.5),
        (2, 0.5),
        (2.5, 0.5),
        (3, 0.5),
        (4, 1),
        (5, 1),
        (6, 1),
        (8, 2),
    ):
        if value <= factor * magnitude:
            return int(factor * magnitude), max(1, int(step * magnitude))
    return 10 * magnitude, 2 * magnitude


def bar_chart(items: Sequence[LabeledCount], width: float, title: str = "") -> Drawing:
    """Make a horizontal bar chart, one bar per item in the given order, value printed at the bar end.

    Args:
        items: Labels and counts (an empty sequence gives an empty drawing with the title).
        width: Drawing width in points.
        title: Caption above the chart.

    Returns:
        A drawing usable as a platypus flowable.

    """
    rows = list(items)
    plot_height = max(BAR_PITCH * len(rows), BAR_PITCH)
    top_room = 18.0 if title else 4.0
    height = plot_height + top_room + 22
    drawing = Drawing(width, height)
    if title:
        drawing.add(String(0, height - 12, title, fontName=FONT_BOLD, fontSize=9, fillColor=NAVY))
    if not rows:
        return drawing
    chart = HorizontalBarChart()
    chart.x = LABEL_ROOM
    chart.y = 18
    chart.width = width - LABEL_ROOM - 50
    chart.height = plot_height
    # reportlab draws the first category at the bottom; reverse so the list reads top-down.
    ordered = rows[::-1]
    chart.data = [[r.count for r in ordered]]
    chart.categoryAxis.categoryNames = [r.label[:28] for r in ordered]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeWidth = 0.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = nice_axis(max(r.count for r in rows))
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: fmt_int(int(v))
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = NAVY.clone(alpha=0.15)
    chart.valueAxis.strokeWidth = 0.5
    chart.bars[0].fillColor = NAVY
    chart.bars[0].strokeColor = None
    chart.barWidth = BAR_PITCH * 0.6
    chart.barLabelFormat = lambda v: fmt_int(int(v))
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing
