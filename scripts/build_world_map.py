"""Turn Natural Earth's country outlines (the npm package world-atlas, TopoJSON) into the SVG
paths the portal's world map draws, once, at build time: `src/icilabas/portal/data/world.json`.

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python scripts/build_world_map.py package/countries-110m.json

Equirectangular projection from 84° N to 60° S (Antarctica left out), 1000 units wide,
integer coordinates in relative moves, simplified (Douglas–Peucker, 0.7 unit): about 30 KB
for the world's 173 countries."""

import json
import sys
from pathlib import Path

import django
from django.conf import settings

settings.configure()
django.setup()

from django_countries import countries  # noqa: E402  (needs settings)

WIDTH = 1000
NORTH, SOUTH = 84.0, -60.0
SCALE = WIDTH / 360
HEIGHT = round((NORTH - SOUTH) * SCALE)
TOLERANCE = 0.7  # map units (1000 across the world): below what a screen shows
OUTPUT = Path(__file__).resolve().parents[1] / "src/icilabas/portal/data/world.json"


def project(lon: float, lat: float) -> tuple[int, int]:
    lat = max(SOUTH, min(NORTH, lat))
    return round((lon + 180) * SCALE), round((NORTH - lat) * SCALE)


def decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def simplified(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Douglas–Peucker: drop the points closer than `tolerance` (map units) to the line
    through their neighbours kept."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    farthest, index = -1.0, 0
    for i, (x, y) in enumerate(points[1:-1], start=1):
        if length:
            distance = abs((y2 - y1) * x - (x2 - x1) * y + x2 * y1 - y2 * x1) / length
        else:
            distance = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
        if distance > farthest:
            farthest, index = distance, i
    if farthest <= tolerance:
        return [points[0], points[-1]]
    return simplified(points[: index + 1], tolerance)[:-1] + simplified(points[index:], tolerance)


def ring_path(points) -> str:
    projected = []
    for point in points:
        xy = project(*point)
        if not projected or xy != projected[-1]:
            projected.append(xy)
    projected = simplified(projected, TOLERANCE)
    if len(projected) < 3:
        return ""
    (x0, y0), moves = projected[0], []
    previous = projected[0]
    for x, y in projected[1:]:
        moves.append(f"{x - previous[0]} {y - previous[1]}")
        previous = (x, y)
    return f"M{x0} {y0}l" + " ".join(moves) + "z"


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text())
    arcs = decoded_arcs(topology)
    shapes, skipped = {}, []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        code = countries.alpha2(geometry.get("id", "")) if geometry.get("id") else ""
        if not code or name == "Antarctica":
            skipped.append(name)
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = "".join(
            ring_path(ring_points(ring, arcs)) for polygon in polygons for ring in polygon
        )
        if path:
            shapes[code] = shapes.get(code, "") + path
    OUTPUT.write_text(
        json.dumps(
            {
                "source": "Natural Earth 1:110m (public domain) via world-atlas 2.0.2 (ISC)",
                "width": WIDTH,
                "height": HEIGHT,
                "north": NORTH,
                "south": SOUTH,
                "countries": shapes,
            },
            separators=(",", ":"),
            sort_keys=True,
        )
    )
    print(f"{len(shapes)} countries, {OUTPUT.stat().st_size // 1024} KB; left out: {skipped}")


if __name__ == "__main__":
    main(sys.argv[1])
