import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import metrics


def test_it_computes_the_share_of_women_without_unknown():
    assert metrics.share_of_women(25, 75) == 0.25
    assert metrics.share_of_women(0, 0) is None


@pytest.mark.parametrize(
    "share, overall, expected",
    [
        (0.10, 0.25, "mixed"),  # exactly overall − 15 points: inclusive
        (0.0999, 0.25, "masculinised"),
        (0.40, 0.25, "mixed"),  # exactly overall + 15 points
        (0.4001, 0.25, "feminised"),
        (0.25, 0.25, "mixed"),
    ],
)
def test_it_classes_domains_by_dares15(share, overall, expected):
    assert metrics.mixite_class(share, rule="dares15", overall_share=overall) == expected


@pytest.mark.parametrize(
    "share, expected",
    [(0.40, "mixed"), (0.60, "mixed"), (0.3999, "masculinised"), (0.6001, "feminised"), (0.5, "mixed")],
)
def test_it_classes_domains_by_band40_60(share, expected):
    assert metrics.mixite_class(share, rule="band40-60") == expected


def test_it_has_no_class_without_a_share():
    assert metrics.mixite_class(None, rule="band40-60") is None
    with pytest.raises(ValueError):
        metrics.mixite_class(0.5, rule="nope")


def test_it_computes_the_duncan_index_by_hand():
    # Women 10 / 30 / 60 (of 100), men 60 / 30 / 10 (of 100):
    # 50 × (|0.1 − 0.6| + |0.3 − 0.3| + |0.6 − 0.1|) = 50 × 1.0 = 50.
    assert metrics.duncan_index([(10, 60), (30, 30), (60, 10)]) == pytest.approx(50)
    # Women 20 / 80 (of 100), men 150 / 50 (of 200): 50 × (0.55 + 0.55) = 55.
    assert metrics.duncan_index([(20, 150), (80, 50)]) == pytest.approx(55)
    assert metrics.duncan_index([(0, 5), (0, 5)]) is None


def test_it_computes_the_path_by_sex_by_hand():
    steps = metrics.path_by_sex([("formation", 100, 400), ("alternance", 50, 300), ("emploi", 10, 240)])
    assert [s.stage for s in steps] == ["alternance", "emploi"]
    assert steps[0].girls_ratio == 0.5 and steps[0].boys_ratio == 0.75
    assert steps[0].gap == pytest.approx(-0.25)
    assert steps[1].girls_ratio == 0.2 and steps[1].boys_ratio == 0.8
    assert metrics.path_by_sex([("a", 0, 10), ("b", 3, 5)])[0].girls_ratio is None


def test_it_computes_the_change_against_the_previous_year():
    assert metrics.change(0.30, 0.25) == pytest.approx(0.05)
    assert metrics.change(0.30, None) is None


def test_it_applies_the_small_cell_rule():
    assert [metrics.is_small_cell(n) for n in (0, 1, 10, 11)] == [False, True, True, False]
    assert metrics.share_is_shown(19, 11) is True  # 30 people
    assert metrics.share_is_shown(18, 11) is False  # 29 people
    assert metrics.share_is_shown(5, 300) is False  # a small cell
    assert metrics.share_is_shown(0, 300) is True


counts = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), min_size=1, max_size=20)


@given(counts)
def test_it_keeps_the_duncan_index_between_0_and_100(pairs):
    index = metrics.duncan_index(pairs)
    assert index is None or -1e-9 <= index <= 100 + 1e-9


@given(st.lists(st.integers(1, 1000), min_size=1, max_size=20), st.integers(1, 50))
def test_it_gives_0_when_women_and_men_are_spread_alike(weights, factor):
    pairs = [(w, w * factor) for w in weights]
    assert metrics.duncan_index(pairs) == pytest.approx(0, abs=1e-9)


@given(st.lists(st.integers(1, 1000), min_size=2, max_size=20), st.integers(1, 19))
def test_it_gives_100_when_no_domain_has_both(values, split):
    split = min(split, len(values) - 1)
    pairs = [(v, 0) for v in values[:split]] + [(0, v) for v in values[split:]]
    assert metrics.duncan_index(pairs) == pytest.approx(100)


@given(counts, st.integers(2, 1000))
def test_it_does_not_change_when_all_counts_are_scaled(pairs, factor):
    before = metrics.duncan_index(pairs)
    after = metrics.duncan_index([(w * factor, m * factor) for w, m in pairs])
    if before is None:
        assert after is None
    else:
        assert after == pytest.approx(before, abs=1e-9)
