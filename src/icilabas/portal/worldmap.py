"""Maps drawn on the server as SVG, with no tile server and no script: Natural Earth's
country outlines (shipped in `data/world.json`, built by `scripts/build_world_map.py`), shaded
by classes so the strict CSP holds, with points for places. The same outlines, framed on a
region's points, make the map of "ici"."""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django_countries import countries

DATA = Path(__file__).parent / "data" / "world.json"
SHADES = 5  # classes shade-0 (none) … shade-4 (most)


@lru_cache(maxsize=1)
def outlines() -> dict:
    return json.loads(DATA.read_text())


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """Equirectangular, as the outlines were drawn."""
    world = outlines()
    scale = world["width"] / 360
    latitude = max(world["south"], min(world["north"], latitude))
    return round((longitude + 180) * scale, 1), round((world["north"] - latitude) * scale, 1)


@dataclass
class Place:
    label: str
    url: str
    latitude: float
    longitude: float
    detail: str = ""
    x: float = 0
    y: float = 0


@dataclass
class Map:
    view_box: str
    shapes: list[dict]
    places: list[Place]
    radius: float
    unmapped: list[dict] = field(default_factory=list)  # counted countries with no outline
    legend: list[dict] = field(default_factory=list)


def shade(count: int, most: int) -> int:
    """0 for none, then four steps up to the busiest country."""
    if count <= 0 or most <= 0:
        return 0
    return min(SHADES - 1, 1 + (count - 1) * (SHADES - 1) // most)


def legend(most: int) -> list[dict]:
    steps = []
    for level in range(1, SHADES):
        counts = [c for c in range(1, most + 1) if shade(c, most) == level]
        if counts:
            steps.append({"shade": level, "low": counts[0], "high": counts[-1]})
    return steps


def world_map(*, counts: dict[str, int], urls: dict[str, str], places: list[Place]) -> Map:
    """The world, countries shaded by `counts` (ISO alpha-2 → number) and linked by `urls`."""
    world = outlines()
    most = max(counts.values(), default=0)
    shapes = []
    for code, path in world["countries"].items():
        count = counts.get(code, 0)
        shapes.append(
            {
                "code": code,
                "path": path,
                "shade": shade(count, most),
                "count": count,
                "name": countries.name(code),
                "url": urls.get(code, "") if count else "",
            }
        )
    unmapped = [
        {"code": code, "name": countries.name(code) or code, "count": n, "url": urls.get(code, "")}
        for code, n in counts.items()
        if code not in world["countries"] and n
    ]
    for place in places:
        place.x, place.y = project(place.latitude, place.longitude)
    return Map(
        view_box=f"0 0 {world['width']} {world['height']}",
        shapes=shapes,
        places=places,
        radius=3,
        unmapped=unmapped,
        legend=legend(most),
    )


def local_map(*, places: list[Place], country: str = "FR", margin: float = 0.15) -> Map | None:
    """The outline of `country` framed on the places (a region's communes and organisations);
    None when no place has coordinates."""
    located = [p for p in places if p.latitude is not None and p.longitude is not None]
    if not located:
        return None
    for place in located:
        place.x, place.y = project(place.latitude, place.longitude)
    xs, ys = [p.x for p in located], [p.y for p in located]
    # A square frame around the places' centre, never narrower than a département.
    side = max(max(xs) - min(xs), max(ys) - min(ys), 4) * (1 + 2 * margin)
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    view_box = f"{centre_x - side / 2:.1f} {centre_y - side / 2:.1f} {side:.1f} {side:.1f}"
    outline = outlines()["countries"].get(country, "")
    shapes = [{"code": country, "path": outline, "shade": 1, "count": 0, "name": "", "url": ""}]
    return Map(
        view_box=view_box,
        shapes=shapes if outline else [],
        places=located,
        radius=round(side / 90, 2),
    )


def outline_box(path: str) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of an outline drawn as the shipped ones are: `M` absolute,
    `l` relative, `z`."""
    xs, ys = [], []
    x = y = 0.0
    for command, numbers in re.findall(r"([Mlz])([^Mlz]*)", path):
        values = [float(v) for v in numbers.split()]
        for index, (a, b) in enumerate(zip(values[0::2], values[1::2], strict=False)):
            x, y = (a, b) if command == "M" and index == 0 else (x + a, y + b)
            xs.append(x)
            ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def places_map(*, places: list[Place], country: str, margin: float = 0.12) -> Map | None:
    """A small map of a few places (a project's localities) framed on their country's
    outline, so that one sees where in the country they lie; None without coordinates."""
    located = [p for p in places if p.latitude is not None and p.longitude is not None]
    if not located:
        return None
    for place in located:
        place.x, place.y = project(place.latitude, place.longitude)
    outline = outlines()["countries"].get(country, "")
    box = outline_box(outline) if outline else None
    xs = [p.x for p in located] + ([box[0], box[2]] if box else [])
    ys = [p.y for p in located] + ([box[1], box[3]] if box else [])
    side = max(max(xs) - min(xs), max(ys) - min(ys), 4) * (1 + 2 * margin)
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    shapes = [{"code": country, "path": outline, "shade": 1, "count": 0, "name": "", "url": ""}]
    return Map(
        view_box=f"{centre_x - side / 2:.1f} {centre_y - side / 2:.1f} {side:.1f} {side:.1f}",
        shapes=shapes if outline else [],
        places=located,
        radius=round(side / 40, 2),
    )
