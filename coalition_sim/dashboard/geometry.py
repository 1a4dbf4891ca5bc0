"""The map layout: packaged country outlines projected once into SVG path strings.

The outlines are Natural Earth 1:110m (public domain, see ``data/SOURCES.md``), shipped in
``coalition_sim/data/europe_110m.geojson`` so the map needs no network and no tile server.
Projection, rounding and string building happen once per process (``europe_layout`` is
cached); a step of the dashboard only chooses colours for these ready-made shapes.

States without an outline at this scale (Malta) are drawn as a dot at their capital, taken
from ``data/european_states.csv``.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

#: Standard parallel of the equirectangular projection: longitudes are scaled by
#: cos(52 deg), which keeps shapes between the Mediterranean and Scandinavia close to true.
STANDARD_PARALLEL_DEG = 52.0

#: Geographic window of the map (degrees): Iceland to the Caucasus, Crete to the North Cape.
LON_MIN, LON_MAX = -25.0, 45.5
LAT_MIN, LAT_MAX = 34.0, 71.5

#: Width of the SVG user space; the height follows from the projection.
MAP_WIDTH = 640.0

#: Radius (SVG units) of the dot drawn for a state without an outline.
POINT_RADIUS = 4.5


@dataclass(frozen=True)
class Shape:
    """One state on the map.

    Attributes:
        iso3: ISO 3166-1 alpha-3 code (``XKX`` for Kosovo).
        name: English short name.
        path: SVG path data of the outline, or ``""`` when the state is drawn as a dot.
        point: Projected capital ``(x, y)``, used for dots and labels.
    """

    iso3: str
    name: str
    path: str
    point: tuple[float, float]

    @property
    def is_point(self) -> bool:
        """Whether the state has no outline at this scale and is drawn as a dot."""
        return not self.path


@dataclass(frozen=True)
class MapLayout:
    """Every shape of the map with the size of its SVG user space."""

    width: float
    height: float
    shapes: tuple[Shape, ...]

    @functools.cached_property
    def by_iso3(self) -> dict[str, Shape]:
        """Shapes keyed by ISO3 code."""
        return {shape.iso3: shape for shape in self.shapes}


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection scaled at the standard parallel, y pointing down.

    Args:
        lon: Longitude in degrees east.
        lat: Latitude in degrees north.

    Returns:
        ``(x, y)`` in SVG user units, with ``(0, 0)`` at the north-west corner of the window.
    """
    scale = MAP_WIDTH / ((LON_MAX - LON_MIN) * _COS_PARALLEL)
    x = (lon - LON_MIN) * _COS_PARALLEL * scale
    y = (LAT_MAX - lat) * scale
    return x, y


_COS_PARALLEL = math.cos(math.radians(STANDARD_PARALLEL_DEG))


def map_height() -> float:
    """Height of the SVG user space for the configured window."""
    return project(LON_MIN, LAT_MIN)[1]


def ring_to_path(ring: Sequence[Sequence[float]]) -> str:
    """SVG path data for one closed ring of ``[lon, lat]`` points (one decimal place)."""
    points = [project(lon, lat) for lon, lat in ring]
    head, *tail = points
    parts = [f"M{head[0]:.1f} {head[1]:.1f}"]
    parts.extend(f"L{x:.1f} {y:.1f}" for x, y in tail)
    parts.append("Z")
    return "".join(parts)


def geometry_to_path(geometry: dict) -> str:
    """SVG path data for a GeoJSON Polygon or MultiPolygon (holes included, even-odd)."""
    kind = geometry["type"]
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"unsupported geometry type {kind!r}: expected Polygon or MultiPolygon")
    return "".join(ring_to_path(ring) for polygon in polygons for ring in polygon)


def _data_text(name: str) -> str:
    return resources.files("coalition_sim").joinpath("data", name).read_text(encoding="utf-8")


def read_capitals(text: str | None = None) -> dict[str, tuple[str, float, float]]:
    """Name and capital coordinates of every state in ``european_states.csv``.

    Args:
        text: CSV text to parse; the packaged file when omitted.

    Returns:
        ``{iso3: (name, lat, lon)}``.
    """
    rows = csv.DictReader(
        io.StringIO(text if text is not None else _data_text("european_states.csv"))
    )
    return {
        row["iso3"]: (row["name"], float(row["capital_lat"]), float(row["capital_lon"]))
        for row in rows
        if row.get("capital_lat") and row.get("capital_lon")
    }


def build_layout(
    features: Iterable[dict], capitals: dict[str, tuple[str, float, float]]
) -> MapLayout:
    """Project outlines and capitals into a layout.

    Every state with an outline gets a path; every state of ``capitals`` inside the map
    window without an outline gets a dot at its capital.

    Args:
        features: GeoJSON features with an ``iso3`` property.
        capitals: ``{iso3: (name, lat, lon)}`` as returned by :func:`read_capitals`.
    """
    shapes: list[Shape] = []
    seen: set[str] = set()
    for feature in features:
        props = feature["properties"]
        iso3 = props["iso3"]
        name, lat, lon = capitals.get(iso3, (props.get("name", iso3), math.nan, math.nan))
        point = project(lon, lat) if not math.isnan(lat) else (math.nan, math.nan)
        shapes.append(Shape(iso3, name, geometry_to_path(feature["geometry"]), point))
        seen.add(iso3)
    for iso3, (name, lat, lon) in capitals.items():
        inside = LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX
        if iso3 not in seen and inside:
            shapes.append(Shape(iso3, name, "", project(lon, lat)))
    shapes.sort(key=lambda shape: (shape.is_point, shape.iso3))
    return MapLayout(width=MAP_WIDTH, height=map_height(), shapes=tuple(shapes))


@functools.cache
def europe_layout() -> MapLayout:
    """The packaged map of Europe, projected once per process."""
    collection = json.loads(_data_text("europe_110m.geojson"))
    return build_layout(collection["features"], read_capitals())
