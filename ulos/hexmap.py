"""England's council areas as a hex map: one equal-sized hexagon per area.

The positions come from ``ulos/data/authority_hex_layout.csv`` (adapted from
Open Innovations' hex map, MIT licence): an "odd-r" offset layout, where odd
rows are pushed right by half a hexagon and ``r`` grows northwards. This
module turns those positions into the geometry of pointy-topped hexagons in
SVG user units (y grows downwards, so the map comes out north-up), ready for
``templates/ulos/includes/hex_map.html`` to draw without any JavaScript.
"""

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ulos.selectors import CATEGORY_LABELS

LAYOUT_CSV = Path(__file__).parent / "data" / "authority_hex_layout.csv"

# Centre to corner of a hexagon's cell. The hexagon drawn is slightly smaller,
# leaving a gap so that neighbours of the same colour stay distinguishable.
SIZE = 10
DRAWN_SIZE = 9.4
# Room around the map for the thick outline of a focused hexagon.
PADDING = 3
COLUMN_WIDTH = math.sqrt(3) * SIZE
ROW_HEIGHT = 1.5 * SIZE

# Corners of a pointy-topped hexagon, starting at the lower right.
CORNERS = [
    (math.cos(math.radians(angle)), math.sin(math.radians(angle))) for angle in range(30, 360, 60)
]

ID_PREFIX = "hex-map"


@dataclass(frozen=True)
class Hexagon:
    """One council area on the map."""

    gss_code: str
    name: str
    href: str
    label: str
    category: str
    category_label: str
    x: float
    y: float
    points: str

    @property
    def pattern_id(self):
        return pattern_id(self.category)


@dataclass(frozen=True)
class LegendEntry:
    """One category in the map's key, and how many hexagons show it."""

    category: str
    label: str
    count: int

    @property
    def pattern_id(self):
        return pattern_id(self.category)


@dataclass(frozen=True)
class HexMap:
    width: float
    height: float
    hexes: list[Hexagon]
    legend: list[LegendEntry]
    unplaced: list  # the areas given that have no place in the layout

    @property
    def view_box(self):
        return f"0 0 {self.width:g} {self.height:g}"

    @property
    def id_prefix(self):
        return ID_PREFIX


def pattern_id(category):
    """The id of the SVG <pattern> that fills hexagons of a category."""
    return f"{ID_PREFIX}-pattern-{category}"


@cache
def hex_layout() -> dict[str, tuple[int, int]]:
    """Each council's (q, r) cell, by GSS code. Read once per process."""
    with LAYOUT_CSV.open(encoding="utf-8", newline="") as layout:
        return {row["gss_code"]: (int(row["q"]), int(row["r"])) for row in csv.DictReader(layout)}


def _points(x, y):
    return " ".join(
        f"{round(x + DRAWN_SIZE * dx, 1):g},{round(y + DRAWN_SIZE * dy, 1):g}" for dx, dy in CORNERS
    )


def hex_map(areas) -> HexMap:
    """Lay out ``areas`` (``ulos.selectors.Area`` objects) as a hex map.

    The map is cropped to the areas given. Areas with no cell in the layout,
    such as a council created by a later reorganisation, are left off the map
    and listed in ``unplaced``.
    """
    layout = hex_layout()
    placed, unplaced = [], []
    for area in areas:
        if area.council.gss_code in layout:
            placed.append((area, layout[area.council.gss_code]))
        else:
            unplaced.append(area)

    top_row = max((r for _area, (_q, r) in placed), default=0)
    # Unscaled centres: x in columns, y in rows counted down from the top.
    cells = [(area, q + 0.5 * (r % 2), top_row - r) for area, (q, r) in placed]
    left = min((column for _area, column, _row in cells), default=0)
    right = max((column for _area, column, _row in cells), default=0)
    bottom = max((row for _area, _column, row in cells), default=0)

    hexes = []
    for area, column, row in cells:
        x = round(PADDING + COLUMN_WIDTH * (column - left + 0.5), 1)
        y = round(PADDING + SIZE + ROW_HEIGHT * row, 1)
        hexes.append(
            Hexagon(
                gss_code=area.council.gss_code,
                name=area.council.name,
                href=area.council.get_absolute_url(),
                label=area.description,
                category=str(area.category),
                category_label=area.category_label,
                x=x,
                y=y,
                points=_points(x, y),
            )
        )
    # Keyboard users meet the hexagons as they read: north to south, west to east.
    hexes.sort(key=lambda hexagon: (hexagon.y, hexagon.x))

    legend = [
        LegendEntry(
            category=str(category),
            label=label,
            count=sum(hexagon.category == category for hexagon in hexes),
        )
        for category, label in CATEGORY_LABELS.items()
    ]
    width = round(2 * PADDING + COLUMN_WIDTH * (right - left + 1), 1) if hexes else 0
    height = round(2 * PADDING + 2 * SIZE + ROW_HEIGHT * bottom, 1) if hexes else 0
    return HexMap(width=width, height=height, hexes=hexes, legend=legend, unplaced=unplaced)
