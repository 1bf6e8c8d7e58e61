"""The charts drawn for the dashboard, read back from their SVG."""

import base64

from indicators import charts


def _svg(uri):
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def test_it_draws_domain_labels_short_and_whole_words():
    block = {"domains": [{"code": "K", "label": "Services à la personne et à la collectivité", "share_women": 0.8}]}
    drawn = charts.domains(block)
    assert "K – Services à la personne…" in _svg(drawn["wide"])
    assert "K – Services à…" not in _svg(drawn["narrow"]) and "K – Services…" in _svg(drawn["narrow"])
    assert "collectiv<" not in _svg(drawn["wide"])


def test_it_draws_the_path_axis_over_every_point():
    axis, ticks = charts.ratio_range([0.64, 0.7, 0.91, 0.59, None])
    assert axis == (0.5, 1.0) and ticks == [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert charts.ratio_range([0.2, 1.3])[0] == (0.2, 1.4)


def test_it_counts_actions_on_whole_ticks():
    assert charts.count_ticks(2) == [0, 1, 2]
    assert charts.count_ticks(0) == [0, 1]
    assert charts.count_ticks(20) == [0, 4, 8, 12, 16, 20]
    svg = _svg(charts.actions([2024, 2025], [("sensibiliser", "Sensibiliser")], {(2024, "sensibiliser"): 2})["wide"])
    assert ">0.2<" not in svg and ">0,2<" not in svg and ">1<" in svg


def test_it_draws_larger_text_on_the_narrow_charts():
    drawn = charts.segregation({"stages": [{"label": "En emploi", "duncan_index": 40.0}]})
    assert 'width="400"' in _svg(drawn["narrow"]) or 'viewBox="0 0 400' in _svg(drawn["narrow"])
    assert "font-size:16px" in _svg(drawn["narrow"]).replace(" ", "")
