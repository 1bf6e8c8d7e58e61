"""The dashboard's charts, drawn on the server as SVG by pygal (no JavaScript, no CDN).

Each chart is returned as a data URI for an <img>: nothing runs in the page, ids
cannot clash between charts, and it prints. The page puts the data table and a text
summary beside each one; the picture itself is the short version.
"""

import base64

import pygal
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pygal.style import Style

# Okabe & Ito's palette, readable with the common colour-vision deficiencies;
# girls and boys are vermillion and blue, told apart by dashes as well.
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=PALETTE,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
    title_font_size=16,
)
DASHES = ("", "6, 3", "2, 3", "8, 3, 2, 3", "12, 4", "4, 4", "1, 2")


def percent(value):
    return "" if value is None else f"{number_format(value * 100, 0)} %"


def points(value):
    return "" if value is None else number_format(value, 1)


def _config(**extra):
    return {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 720,
        "height": 360,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "print_values": False,
        "show_y_guides": True,
        "truncate_label": -1,
        "no_data_text": _("No data"),
        **extra,
    }


def _uri(chart):
    svg = chart.render(is_unicode=True).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def shares_by_stage(summary):
    """Share of women at each stage, this year and the previous one."""
    chart = pygal.Bar(**_config(range=(0, 1), value_formatter=percent, x_label_rotation=20))
    chart.x_labels = [s["label"] for s in summary["stages"]]
    chart.add(str(summary["year"]), [s["share_women"] for s in summary["stages"]])
    if summary["previous_year"]:
        chart.add(
            str(summary["previous_year"]),
            [(s["previous"] or {}).get("share_women") for s in summary["stages"]],
        )
    return _uri(chart)


def path_by_sex(summary):
    """Each stage over the previous one, for girls and boys."""
    chart = pygal.Line(**_config(value_formatter=percent, x_label_rotation=20, dots_size=5))
    chart.x_labels = [f"{p['previous_label']} → {p['label']}" for p in summary["path"]]
    chart.add(_("Girls"), [p["girls_ratio"] for p in summary["path"]], stroke_style={"width": 3})
    chart.add(
        _("Boys"), [p["boys_ratio"] for p in summary["path"]], stroke_style={"width": 3, "dasharray": DASHES[1]}
    )
    return _uri(chart)


def domains(stage_block):
    """Share of women in each domain at one stage, with the overall share as a line."""
    rows = stage_block["domains"]
    chart = pygal.HorizontalBar(
        **_config(range=(0, 1), value_formatter=percent, height=max(300, 28 * len(rows) + 120))
    )
    chart.x_labels = [f"{r['code']} – {r['label'][:40]}" for r in rows]
    chart.add(_("Share of women"), [r["share_women"] for r in rows])
    return _uri(chart)


def trend(summary):
    """Share of women at each stage, year by year."""
    chart = pygal.Line(**_config(range=(0, 1), value_formatter=percent, dots_size=4))
    chart.x_labels = [str(t["year"]) for t in summary["trend"]]
    for index, stage in enumerate(summary["stage_labels"]):
        code, label = stage
        chart.add(
            label,
            [t["share_women"][code] for t in summary["trend"]],
            stroke_style={"width": 3, "dasharray": DASHES[index % len(DASHES)]},
        )
    return _uri(chart)


def segregation(summary):
    """Duncan index (0–100) at each stage."""
    chart = pygal.Bar(**_config(range=(0, 100), value_formatter=points, x_label_rotation=20, show_legend=False))
    chart.x_labels = [s["label"] for s in summary["stages"]]
    chart.add(_("Segregation index"), [s["duncan_index"] for s in summary["stages"]])
    return _uri(chart)


def actions(years, levers, counts):
    """Actions by lever and year, stacked."""
    chart = pygal.StackedBar(**_config(show_legend=True))
    chart.x_labels = [str(y) for y in years]
    for code, label in levers:
        chart.add(label, [counts.get((y, code), 0) for y in years])
    return _uri(chart)
