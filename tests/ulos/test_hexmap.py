"""The hex map of England's council areas, as the coverage page draws it."""

import itertools
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from tests.leaders.factories import council
from tests.ulos.factories import UloFactory
from ulos.hexmap import hex_layout, hex_map
from ulos.models import LocalAuthority, Stage
from ulos.selectors import Area, coverage

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
LEEDS = "E08000035"
NEIGHBOUR_DISTANCE = math.sqrt(3) * 10


def render(hexes):
    return render_to_string("ulos/includes/hex_map.html", {"map": hexes})


def drawn_map(html):
    """The map's <svg>, parsed as XML (so it must be well-formed)."""
    svg = re.search(r'<svg[^>]*class="app-hex-map__svg".*?</svg>', html, re.DOTALL)
    assert svg, "no map drawn"
    return ET.fromstring(svg.group())


def links(svg):
    return svg.findall(f".//{SVG}a")


def by_code(hexes):
    return {hexagon.gss_code: hexagon for hexagon in hexes.hexes}


def neighbours(q, r):
    """Cells next to (q, r) in an odd-r layout."""
    shift = r % 2
    return [(q - 1, r), (q + 1, r)] + [
        (q + dq, r + dr) for dr in (-1, 1) for dq in (shift - 1, shift)
    ]


def test_every_council_is_a_hexagon_linking_to_its_page():
    svg = drawn_map(render(hex_map(coverage().areas)))

    hrefs = [link.get("href") for link in links(svg)]

    assert len(hrefs) == 153
    assert set(hrefs) == {
        f"/authorities/{code}/"
        for code in LocalAuthority.objects.values_list("gss_code", flat=True)
    }


def test_each_hexagon_is_named_after_its_council_for_screen_readers_and_mouse_users():
    names = dict(LocalAuthority.objects.values_list("gss_code", "name"))
    svg = drawn_map(render(hex_map(coverage().areas)))

    for link in links(svg):
        code = link.get("href").split("/")[-2]
        label = link.get("aria-label")
        assert label.startswith(f"{names[code]}: ")
        assert link.find(f"{SVG}title").text == label

    leeds = next(link for link in links(svg) if link.get("href") == f"/authorities/{LEEDS}/")
    assert leeds.get("aria-label") == "Leeds: no ULO, no strategy"


def test_the_map_and_its_hexagons_are_named():
    svg = drawn_map(render(hex_map(coverage().areas)))

    title = svg.find(f"{SVG}title")
    assert svg.get("role") == "group"
    assert svg.get("aria-labelledby") == title.get("id")
    assert title.text == "Hex map of England’s council areas"
    assert svg.find(f"{SVG}desc").get("id") == svg.get("aria-describedby")


def test_hexagons_do_not_overlap_and_neighbours_sit_side_by_side():
    hexes = hex_map(coverage().areas)
    placed = by_code(hexes)
    cells = {cell: code for code, cell in hex_layout().items()}

    for one, other in itertools.combinations(hexes.hexes, 2):
        assert math.dist((one.x, one.y), (other.x, other.y)) > NEIGHBOUR_DISTANCE - 0.2

    pairs = 0
    for (q, r), code in cells.items():
        for cell in neighbours(q, r):
            if cell in cells:
                here, there = placed[code], placed[cells[cell]]
                assert math.dist((here.x, here.y), (there.x, there.y)) == pytest.approx(
                    NEIGHBOUR_DISTANCE, abs=0.2
                )
                pairs += 1
    assert pairs > 300


def test_every_hexagon_fits_inside_the_picture():
    hexes = hex_map(coverage().areas)

    for hexagon in hexes.hexes:
        corners = [tuple(map(float, corner.split(","))) for corner in hexagon.points.split()]
        assert len(corners) == 6
        for x, y in corners:
            assert 0 < x < hexes.width
            assert 0 < y < hexes.height
    assert hexes.view_box == f"0 0 {hexes.width:g} {hexes.height:g}"


def test_the_map_is_north_up_and_east_right():
    placed = by_code(hex_map(coverage().areas))
    northumberland, cornwall = placed["E06000057"], placed["E06000052"]
    norfolk, scilly = placed["E10000020"], placed["E06000053"]

    assert northumberland.y < cornwall.y
    assert cornwall.x < norfolk.x
    assert scilly.y == max(hexagon.y for hexagon in placed.values())


def test_keyboard_users_move_through_the_map_from_north_to_south():
    hexes = hex_map(coverage().areas)
    svg = drawn_map(render(hexes))

    order = [link.get("href") for link in links(svg)]

    assert order[0] == "/authorities/E08000022/"  # North Tyneside, the top row
    assert order == [hexagon.href for hexagon in hexes.hexes]
    assert [hexagon.y for hexagon in hexes.hexes] == sorted(hexagon.y for hexagon in hexes.hexes)


def test_with_no_ulos_every_area_shows_as_having_none():
    hexes = hex_map(coverage().areas)

    assert {hexagon.category for hexagon in hexes.hexes} == {"none"}
    assert [(entry.label, entry.count) for entry in hexes.legend] == [
        ("No ULO", 153),
        ("Emerging ULO", 0),
        ("Established ULO", 0),
        ("Established and networked ULO", 0),
    ]


def test_a_leeds_ulo_colours_leeds_and_counts_in_the_key():
    UloFactory(councils=[council(LEEDS)], stage=Stage.ESTABLISHED)

    hexes = hex_map(coverage().areas)
    html = render(hexes)

    assert by_code(hexes)[LEEDS].category == "established"
    counts = {entry.category: entry.count for entry in hexes.legend}
    assert counts == {"none": 152, "emerging": 0, "established": 1, "networked": 0}
    leeds = next(
        link for link in links(drawn_map(html)) if link.get("href") == f"/authorities/{LEEDS}/"
    )
    assert leeds.find(f"{SVG}polygon").get("fill") == "url(#hex-map-pattern-established)"
    assert "Established ULO: 1 area<" in html
    assert "No ULO: 152 areas<" in html


def test_an_area_shows_its_most_developed_ulo():
    leeds = council(LEEDS)
    UloFactory(councils=[leeds], stage=Stage.EMERGING)
    UloFactory(councils=[leeds], stage=Stage.NETWORKED)

    assert by_code(hex_map(coverage().areas))[LEEDS].category == "networked"


def test_every_category_has_its_own_pattern_in_the_map_and_the_key():
    html = render(hex_map(coverage().areas))
    defs = drawn_map(html).find(f"{SVG}defs")
    patterns = {pattern.get("id"): pattern for pattern in defs.findall(f"{SVG}pattern")}

    categories = ["none", "emerging", "established", "networked"]
    assert set(patterns) == {f"hex-map-pattern-{category}" for category in categories}
    drawings = {ET.tostring(pattern).decode().split(">", 1)[1] for pattern in patterns.values()}
    assert len(drawings) == 4
    fills = {pattern.find(f"{SVG}rect").get("fill") for pattern in patterns.values()}
    assert len(fills) == 4
    for category in categories:
        swatch = re.search(rf'data-category="{category}">\s*<svg.*?</svg>', html, re.DOTALL)
        assert f'fill="url(#hex-map-pattern-{category})"' in swatch.group()


def test_the_map_uses_no_inline_styles_and_scales_to_its_container():
    html = render(hex_map(coverage().areas))
    svg = drawn_map(html)

    assert "style=" not in html
    assert "<style" not in html
    assert svg.get("viewBox").startswith("0 0 ")
    assert svg.get("width") == "100%"
    assert svg.get("height") is None


def test_the_layout_is_credited_with_a_link_to_the_data_page():
    html = render(hex_map(coverage().areas))

    assert "Hex layout adapted from Open Innovations (MIT licence)" in html
    assert 'href="/data/"' in html


def test_an_area_the_layout_has_no_place_for_is_left_off_the_map():
    future = LocalAuthority(gss_code="E06000999", name="Future Council")
    areas = [*coverage().areas, Area(council=future)]

    hexes = hex_map(areas)
    html = render(hexes)

    assert [area.council for area in hexes.unplaced] == [future]
    assert len(hexes.hexes) == 153
    assert "/authorities/E06000999/" not in html
    assert "Not on the map" in html
    assert "Future Council" in html


def test_the_compiled_css_gives_hexagons_a_visible_focus_state():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()

    assert ".app-hex-map__link:focus .app-hex-map__hex{fill:" in css
