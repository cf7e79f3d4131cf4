"""Plots of analysis frames, written to PNG or SVG (matplotlib's Agg renderer, no display needed).

Uses ``matplotlib.figure.Figure`` directly, so nothing touches pyplot's global state or needs a
display; the file type follows the output suffix (``.png``, ``.svg``, ``.pdf``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from eventcoder.errors import ConfigError, EventcoderError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Colormap, Normalize
    from matplotlib.figure import Figure

_SUFFIXES = (".png", ".svg", ".pdf")
_QUAD_LABELS = {"quad_1": "verbal cooperation", "quad_2": "material cooperation",
                "quad_3": "verbal conflict", "quad_4": "material conflict"}


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise EventcoderError("plots need matplotlib: pip install 'eventcoder[analysis]'") from exc
    return Figure(figsize=(width, height), dpi=120, layout="constrained")


def _save(fig: Figure, out: str | Path) -> Path:
    target = Path(out).expanduser()
    if target.suffix.lower() not in _SUFFIXES:
        raise ConfigError(f"plot file must end in {', '.join(_SUFFIXES)}: {out}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(target)
    except OSError as exc:
        raise EventcoderError(f"cannot write {out}: {exc}") from exc
    return target


def plot_series(
    series: pd.DataFrame, *, out: str | Path, value: str = "events", title: str | None = None
) -> Path:
    """A line per dyad (or country) of ``value`` over ``period``; ``value="quad"`` draws the
    four quad-class counts as stacked bars instead. Returns the written path."""
    if series.empty:
        raise EventcoderError("nothing to plot: no events match")
    keys = [c for c in ("source", "target", "country") if c in series.columns]
    fig = _figure(8, 4.2)
    ax = fig.add_subplot()
    if value == "quad":
        bottom = None
        totals = series.groupby("period")[list(_QUAD_LABELS)].sum()
        colors = ("#4c9a2a", "#1f6f3f", "#e08a1e", "#b2182b")
        for (column, label), color in zip(_QUAD_LABELS.items(), colors, strict=True):
            ax.bar(totals.index, totals[column], width=_bar_width(totals.index), bottom=bottom,
                   label=label, color=color)
            bottom = totals[column] if bottom is None else bottom + totals[column]
        ax.set_ylabel("events")
    else:
        if value not in series.columns:
            choices = ", ".join(series.columns[len(keys) + 1:])
            raise ConfigError(f"no column {value!r} in the series; choose one of {choices}, quad")
        groups = list(series.groupby(keys, sort=True))
        if len(groups) == 1:
            _bars(ax, groups[0], value)
        else:
            for name, group in groups:
                ax.plot(group["period"], group[value], marker="o", markersize=3, label=_label(name))
        ax.set_ylabel(value.replace("_", " "))
        if "goldstein" in value or "plover" in value:
            ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("period")
    ax.set_title(title or f"{value} per period")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    fig.autofmt_xdate()
    return _save(fig, out)


def _label(name: object) -> str:
    return "→".join(map(str, name)) if isinstance(name, tuple) else str(name)


def _bars(ax: Axes, group: tuple[object, pd.DataFrame], value: str) -> None:
    """One series as labelled bars over period labels (readable even for a single period)."""
    name, frame = group
    labels = [f"{p:%Y-%m-%d}" for p in frame["period"]]
    values = frame[value].tolist()
    colors = ["#b2182b" if v < 0 else "#2c7fb8" for v in values]
    bars = ax.bar(labels, values, width=0.6, color=colors, label=_label(name))
    ax.set_xlim(-0.5 - max(0, 3 - len(labels)) / 2, len(labels) - 0.5 + max(0, 3 - len(labels)) / 2)
    ax.bar_label(bars, fmt="%g", fontsize="small")
    if len(labels) > 24:
        step = math.ceil(len(labels) / 24)
        ax.set_xticks(range(0, len(labels), step), labels[::step])


def _bar_width(index: pd.Index) -> float:
    if len(index) < 2:
        return 20.0
    gaps = (index[1:] - index[:-1]).days
    return max(0.8 * float(min(gaps)), 0.8)


def plot_network(
    edges: pd.DataFrame, *, out: str | Path, title: str | None = None, max_nodes: int = 40
) -> Path:
    """Actors on a circle, an arrow per directed edge: width by ``weight`` (absolute), colour by
    mean Goldstein score (red conflict … green cooperation). Keeps the ``max_nodes`` busiest."""
    if edges.empty:
        raise EventcoderError("nothing to plot: no dyadic events match")
    totals = edges.groupby(["source", "target"], as_index=False).agg(
        weight=("weight", "sum"), goldstein_mean=("goldstein_mean", "mean"), events=("events", "sum"))
    degree = (totals.groupby("source")["events"].sum().add(totals.groupby("target")["events"].sum(), fill_value=0)
              .sort_values(ascending=False))
    nodes = sorted(degree.index[:max_nodes])
    totals = totals[totals["source"].isin(nodes) & totals["target"].isin(nodes)]
    pos = {n: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes)))
           for i, n in enumerate(nodes)}
    fig = _figure(6.5, 6.5)
    ax = fig.add_subplot()
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    cmap, norm = colormaps["RdYlGn"], Normalize(vmin=-10, vmax=10)
    top = max(float(totals["weight"].abs().max()), 1e-9)
    for e in totals.itertuples(index=False):
        ax.annotate("", xy=pos[e.target], xytext=pos[e.source], arrowprops={
            "arrowstyle": "-|>", "color": cmap(norm(e.goldstein_mean)), "shrinkA": 14, "shrinkB": 14,
            "linewidth": 0.8 + 4 * abs(float(e.weight)) / top, "connectionstyle": "arc3,rad=0.12"})
    for n, (x, y) in pos.items():
        size = 200 + 60 * float(degree.get(n, 0))
        ax.scatter([x], [y], s=size, color="#dde6f0", edgecolors="#345", zorder=3)
        ax.text(x, y, n, ha="center", va="center", fontsize=8, zorder=4)
    fig.colorbar(_mappable(cmap, norm), ax=ax, shrink=0.6, label="mean Goldstein score")
    ax.set_title(title or "actor network")
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return _save(fig, out)


def _mappable(cmap: Colormap, norm: Normalize) -> ScalarMappable:
    from matplotlib.cm import ScalarMappable

    return ScalarMappable(norm=norm, cmap=cmap)
