"""The dashboard's charts, drawn on the server as SVG by pygal (no JavaScript, no CDN).

Each chart is returned as two data URIs, {"wide": …, "narrow": …}, for a <picture>:
nothing runs in the page, ids cannot clash between charts, and it prints. The narrow
one is drawn for a phone (about 360 px), with larger text relative to the picture, so
that its labels stay readable once scaled down. The page puts the data table and a
text summary under each chart; the picture itself is the short version.
"""

import base64
import hashlib
import json
import math

import pygal
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

from . import caching

# Okabe & Ito's palette, readable with the common colour-vision deficiencies;
# girls and boys are vermillion and blue, told apart by dashes as well.
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def _style(font_size):
    return Style(
        background="white",
        plot_background="white",
        foreground="#212529",
        foreground_strong="#212529",
        foreground_subtle="#6c757d",
        colors=PALETTE,
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
        label_font_size=font_size,
        major_label_font_size=font_size,
        legend_font_size=font_size + 1,
        value_font_size=font_size - 1,
        title_font_size=font_size + 3,
        tooltip_font_size=font_size,
    )


# (width, height, style, legend columns, label length): the wide picture is shown at up
# to 720 px; the narrow one at about 340 px on a phone, so its text is drawn larger.
SIZES = {
    "wide": {"width": 720, "height": 360, "style": _style(13), "legend_at_bottom_columns": 3},
    "narrow": {"width": 400, "height": 400, "style": _style(16), "legend_at_bottom_columns": 2},
}
DASHES = ("", "6, 3", "2, 3", "8, 3, 2, 3", "12, 4", "4, 4", "1, 2")
PERCENT_TICKS = (0, 0.25, 0.5, 0.75, 1)


def percent(value):
    return "" if value is None else f"{number_format(value * 100, 0)} %"


def points(value):
    return "" if value is None else number_format(value, 1)


def whole(value):
    return "" if value is None else str(int(round(value)))


DANGLING = {"à", "au", "aux", "de", "des", "du", "d'", "en", "et", "la", "le", "les", "l'", "ou", "sur"}


def short(text, length):
    """A label cut at a word under `length` characters, with an ellipsis: the table gives it in full."""
    if len(text) <= length:
        return text
    words = text[: length - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–").split(" ")
    while len(words) > 1 and words[-1].lower() in DANGLING:
        words.pop()  # "Services à la personne et…" reads better without "et"
    return " ".join(words).rstrip(" ,;:-–") + "…"


def _config(size, **extra):
    return {
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": True,  # width and height on the <svg>: the picture knows its natural size
        "legend_at_bottom": True,
        "print_values": False,
        "show_y_guides": True,
        "truncate_label": -1,
        "truncate_legend": -1,
        "no_data_text": _("No data"),
        **SIZES[size],
        **extra,
    }


def _beside(size):
    """A wide chart with its table beside it gets half the page at 1280 px: drawn at 600 px."""
    return {"width": 600, "height": 340} if size == "wide" else {}


def _uri(chart):
    svg = chart.render(is_unicode=True).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _both(draw):
    """The wide and the narrow picture of one chart: draw(size) returns a pygal chart."""
    return {size: _uri(draw(size)) for size in SIZES}


def ratio_range(values):
    """An axis for ratios: whole tens of percent around every value, ticks every 10 or 20 points."""
    known = [v for v in values if v is not None]
    if not known:
        return (0, 1), list(PERCENT_TICKS)
    low = math.floor(min(min(known), 1) * 10) / 10
    high = math.ceil(max(max(known), low + 0.1) * 10) / 10
    step = 0.1 if high - low <= 0.6 else 0.2
    ticks = [low]
    while ticks[-1] < high - 1e-9:  # the last tick at or above the highest value
        ticks.append(round(ticks[-1] + step, 1))
    return (ticks[0], ticks[-1]), ticks


def count_ticks(highest, most=6):
    """Whole ticks from 0 covering `highest`, at most about `most` of them."""
    step = max(1, math.ceil(highest / most))
    top = max(step, math.ceil(highest / step) * step)
    return list(range(0, top + 1, step))


def shares_by_stage(summary):
    """Share of women at each stage, this year and the previous one."""

    def draw(size):
        chart = pygal.Bar(
            **_config(
                size,
                **_beside(size),
                range=(0, 1),
                y_labels=PERCENT_TICKS,
                value_formatter=percent,
                x_label_rotation=20 if size == "wide" else 40,
            )
        )
        chart.x_labels = [s["label"] for s in summary["stages"]]
        chart.add(str(summary["year"]), [s["share_women"] for s in summary["stages"]])
        if summary["previous_year"]:
            chart.add(
                str(summary["previous_year"]),
                [(s["previous"] or {}).get("share_women") for s in summary["stages"]],
            )
        return chart

    return _both(draw)


def path_by_sex(summary):
    """Each stage over the previous one, for girls and boys."""
    girls = [p["girls_ratio"] for p in summary["path"]]
    boys = [p["boys_ratio"] for p in summary["path"]]
    axis, ticks = ratio_range(girls + boys)

    def draw(size):
        chart = pygal.Line(
            **_config(
                size,
                **_beside(size),
                range=axis,
                y_labels=ticks,
                value_formatter=percent,
                x_label_rotation=20 if size == "wide" else 40,
                dots_size=5,
            )
        )
        if size == "wide":
            chart.x_labels = [f"{p['previous_label']} → {p['label']}" for p in summary["path"]]
        else:  # each step named by the stage it reaches; the table names both
            chart.x_labels = [f"→ {p['label']}" for p in summary["path"]]
        chart.add(_("Girls"), girls, stroke_style={"width": 3})
        chart.add(_("Boys"), boys, stroke_style={"width": 3, "dasharray": DASHES[1]})
        return chart

    return _both(draw)


def domains(stage_block):
    """Share of women in each domain at one stage: code and short label; the table has the full one."""
    rows = stage_block["domains"]

    def draw(size):
        wide = size == "wide"
        chart = pygal.HorizontalBar(
            **_config(
                size,
                range=(0, 1),
                y_labels=PERCENT_TICKS if wide else (0, 0.5, 1),  # narrow: three ticks that never touch
                value_formatter=percent,
                show_legend=False,
                height=max(300, (28 if wide else 34) * len(rows) + 90),
            )
        )
        chart.x_labels = [f"{r['code']} – {short(r['label'], 28 if wide else 16)}" for r in rows]
        chart.add(_("Share of women"), [r["share_women"] for r in rows])
        return chart

    return _both(draw)


def trend(summary):
    """Share of women at each stage, year by year."""

    def draw(size):
        chart = pygal.Line(**_config(size, range=(0, 1), y_labels=PERCENT_TICKS, value_formatter=percent, dots_size=4))
        chart.x_labels = [str(t["year"]) for t in summary["trend"]]
        for index, stage in enumerate(summary["stage_labels"]):
            code, label = stage
            chart.add(
                label,
                [t["share_women"][code] for t in summary["trend"]],
                stroke_style={"width": 3, "dasharray": DASHES[index % len(DASHES)]},
            )
        return chart

    return _both(draw)


def segregation(summary):
    """Duncan index (0–100) at each stage."""

    def draw(size):
        chart = pygal.Bar(
            **_config(
                size,
                **_beside(size),
                range=(0, 100),
                y_labels=[0, 20, 40, 60, 80, 100],
                value_formatter=points,
                x_label_rotation=20 if size == "wide" else 40,
                show_legend=False,
            )
        )
        chart.x_labels = [s["label"] for s in summary["stages"]]
        chart.add(_("Segregation index"), [s["duncan_index"] for s in summary["stages"]])
        return chart

    return _both(draw)


def actions(years, levers, counts):
    """Actions by lever and year, stacked, on whole ticks."""
    highest = max((sum(counts.get((y, code), 0) for code, _label in levers) for y in years), default=0)
    ticks = count_ticks(highest)

    def draw(size):
        chart = pygal.StackedBar(
            **_config(
                size, **_beside(size), range=(0, ticks[-1]), y_labels=ticks, value_formatter=whole, show_legend=True
            )
        )
        chart.x_labels = [str(y) for y in years]
        for code, label in levers:
            chart.add(label, [counts.get((y, code), 0) for y in years])
        return chart

    return _both(draw)


def reach(work):
    """The young people the groups' actions and events reached, by sex, stacked, year by year."""
    labels = {"women": _("Young women"), "men": _("Young men"), "unknown": _("Sex not recorded")}
    highest = max((sum(n or 0 for n in r.values()) for r in work.reach.values()), default=0)
    ticks = count_ticks(highest)

    def draw(size):
        chart = pygal.StackedBar(
            **_config(size, **_beside(size), range=(0, ticks[-1]), y_labels=ticks, value_formatter=whole)
        )
        chart.x_labels = [str(y) for y in work.axis]
        for sex, label in labels.items():
            chart.add(label, [(work.reach.get(y) or {}).get(sex) for y in work.axis])
        return chart

    return _both(draw)


CACHE_SECONDS = 24 * 3600


def cached(name, data, draw):
    """A chart's pictures, drawn once for the same data and language (pygal is the page's slowest part).

    The key is a digest of everything the chart shows: the figures come from the rollup, so a new
    import (a new rollup version) changes the data, hence the key.
    """
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]
    key = f"indicators:chart:{name}:{get_language()}:{digest}"
    return caching.cached(key, draw, CACHE_SECONDS)
