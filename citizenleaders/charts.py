"""Charts drawn on the server as SVG: horizontal bars and a line.

This module only works out the geometry, in SVG user units;
``templates/citizenleaders/reports/bar_chart.html`` and ``line_chart.html``
draw it, with no JavaScript. Each chart has one dark colour on white with its
values written beside the marks, so it reads the same in grey scale, and a
title and a summary in words that screen readers announce. The figures
themselves are always in a table beneath the chart as well.
"""

import math
from dataclasses import dataclass

WIDTH = 400
FONT_SIZE = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    label_y: float
    y: float
    width: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    summary: str
    bars: list[Bar]
    width: int
    height: int
    bar_height: int


BAR_HEIGHT = 22
ROOM_FOR_VALUE = 70


def bar_chart(*, id: str, title: str, summary: str, items: list[tuple[str, float, str]]):
    """Horizontal bars, one per ``(label, value, value as text)``, each with
    its label on the line above it so that long labels fit narrow screens."""
    largest = max((value for _, value, _ in items), default=0) or 1
    row_height = FONT_SIZE + 6 + BAR_HEIGHT + 14
    bars = []
    for index, (label, value, value_text) in enumerate(items):
        top = index * row_height
        width = (WIDTH - ROOM_FOR_VALUE) * value / largest
        bar_y = top + FONT_SIZE + 6
        bars.append(
            Bar(
                label=label,
                value_text=value_text,
                label_y=top + FONT_SIZE,
                y=bar_y,
                width=round(max(width, 1 if value else 0), 1),
                value_x=round(width + 6, 1),
                value_y=bar_y + BAR_HEIGHT - 6,
            )
        )
    return BarChart(
        id=id,
        title=title,
        summary=summary,
        bars=bars,
        width=WIDTH,
        height=max(len(items) * row_height, row_height),
        bar_height=BAR_HEIGHT,
    )


@dataclass(frozen=True)
class Point:
    label: str
    value_text: str
    x: float
    y: float


@dataclass(frozen=True)
class Tick:
    text: str
    position: float


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    summary: str
    points: list[Point]
    polyline: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def number_text(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:,.0f}"


LINE_HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 48, 32, 12, 44
MOST_X_LABELS = 6


def line_chart(*, id: str, title: str, summary: str, items: list[tuple[str, float, str]]):
    """A line through one point per ``(label, value, value as text)``, in
    order, with a y axis from 0 and at most six labels along the x axis."""
    top_value = nice_ceiling(max((value for _, value, _ in items), default=0))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = LINE_HEIGHT - TOP - BOTTOM
    count = len(items)

    def x_at(index):
        if count == 1:
            return LEFT + plot_width / 2
        return LEFT + plot_width * index / (count - 1)

    def y_at(value):
        return TOP + plot_height * (1 - value / top_value)

    points = [
        Point(label=label, value_text=text, x=round(x_at(index), 1), y=round(y_at(value), 1))
        for index, (label, value, text) in enumerate(items)
    ]
    every = max(1, math.ceil(count / MOST_X_LABELS))
    x_ticks = [
        Tick(text=point.label, position=point.x)
        for index, point in enumerate(points)
        if index % every == 0
    ]
    y_ticks = [
        Tick(text=number_text(top_value * step / 4), position=round(y_at(top_value * step / 4), 1))
        for step in range(5)
    ]
    return LineChart(
        id=id,
        title=title,
        summary=summary,
        points=points,
        polyline=" ".join(f"{point.x},{point.y}" for point in points),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        width=WIDTH,
        height=LINE_HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=LINE_HEIGHT - BOTTOM,
    )
