import datetime as dt
import os
from pathlib import Path

import pytest

from indicators.demo import seed_demo_indicators
from meetings.tests.factories import ActionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_passes_axe_on_the_dashboard(page, membre, browser_login, axe):
    seed_demo_indicators()
    browser_login(page, membre)
    page.goto("/indicators/?territory=53&domain=F")
    assert page.get_by_role("heading", level=1).inner_text() == "Indicateurs de mixité"
    assert page.get_by_text("Données fictives.").is_visible()
    # Every chart is an image with a text alternative, and has its table beside it.
    images = page.locator("figure img")
    assert images.count() == 5
    for i in range(images.count()):
        assert images.nth(i).get_attribute("alt")
    axe(page)


def test_it_passes_axe_on_the_import_page(page, coordinatrice, browser_login, axe):
    browser_login(page, coordinatrice)
    page.goto("/indicators/import/")
    assert page.get_by_label("Fichier CSV").count() == 1
    axe(page)


SHOTS = Path(os.getenv("WEKKER_SHOTS", "/tmp/ind2-shots"))

NO_PAGE_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"
# Each wide table scrolls inside a focusable, labelled box, never the page.
TABLE_BOXES = """() => [...document.querySelectorAll('table')].map(t => {
  const box = t.closest('.table-responsive');
  return {
    boxed: !!box && box.tabIndex === 0 && !!(box.getAttribute('aria-label') || box.getAttribute('aria-labelledby')),
    fits: !!box && box.scrollWidth <= box.clientWidth + 1,
    caption: t.caption ? t.caption.getBoundingClientRect().right <= window.innerWidth + 1 : true,
  };
})"""


def _shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"{name}-top.png"))
    sections = page.locator("main section")
    for i in range(sections.count()):
        sections.nth(i).screenshot(path=str(SHOTS / f"{name}-section{i}.png"))


def with_reach(group):
    """The group's Semaine de la mixité, two editions, with the young people they reached."""
    for year, women, men in ((2024, 151, 118), (2025, 214, 163)):
        ActionFactory(
            group=group, lever="sensibiliser", kind="event", title=f"Semaine {year}", status="done",
            due_date=dt.date(year, 3, 15), reached_women=women, reached_men=men, reached_unknown=9,
        )  # fmt: skip


REACH_CAPTION = "Actions par levier et par année, et jeunes touchés"


def test_it_shows_every_stage_column_at_1280_px(page, membre, mixite, browser_login, axe):
    seed_demo_indicators()
    with_reach(mixite)
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, membre)
    page.goto("/indicators/")
    assert page.get_by_text("Données partielles :").is_visible()
    assert page.evaluate(NO_PAGE_OVERFLOW)
    boxes = page.evaluate(TABLE_BOXES)
    assert all(b["boxed"] for b in boxes)
    # The domain and year tables show every stage without scrolling.
    for caption in (
        "Part de femmes et classe de mixité de chaque domaine à chaque étape",
        "Part de femmes à chaque étape, par année",
    ):
        table = page.locator("table", has=page.locator("caption", has_text=caption))
        last = table.locator("thead th").last
        assert last.inner_text() == "En emploi"
        box = last.bounding_box()
        assert box["x"] + box["width"] <= 1280
        assert table.evaluate(
            "t => t.closest('.table-responsive').scrollWidth <= t.closest('.table-responsive').clientWidth + 1"
        )
    # The reach sits in the trend's section, on its years, and its table fits.
    trend = page.locator("section", has=page.locator("#trend-title"))
    assert trend.locator("figure img").count() == 3  # the trend, the actions, the reach
    work = page.locator("table", has=page.locator("caption", has_text=REACH_CAPTION))
    assert work.locator("tbody th").all_inner_texts()[:5] == ["2021", "2022", "2023", "2024", "2025"]
    assert work.evaluate(
        "t => t.closest('.table-responsive').scrollWidth <= t.closest('.table-responsive').clientWidth + 1"
    )
    # The wide charts (720 px, or 600 px beside their table) are shown at 85 % of that or more.
    for width in page.locator("figure img").evaluate_all("imgs => imgs.map(i => i.clientWidth / i.naturalWidth)"):
        assert width >= 0.85
    _shoot(page, "dashboard-1280")
    axe(page)


def test_it_fits_the_dashboard_on_a_phone(phone_page, membre, mixite, browser_login, axe):
    seed_demo_indicators()
    with_reach(mixite)
    browser_login(phone_page, membre)
    phone_page.goto("/indicators/?territory=53")
    assert phone_page.evaluate(NO_PAGE_OVERFLOW)
    boxes = phone_page.evaluate(TABLE_BOXES)
    assert all(b["boxed"] for b in boxes)
    assert all(b["caption"] for b in boxes)
    # The narrow pictures are shown: text drawn at 16 px in a 400 px picture reads at 12 px or more.
    images = phone_page.locator("figure img")
    assert images.count() == 7  # with the actions and the reach on the trend's years
    assert phone_page.get_by_text("Jeunes femmes touchées").count() == 1
    for shown, natural in images.evaluate_all("imgs => imgs.map(i => [i.clientWidth, i.naturalWidth])"):
        assert natural == 400 and 16 * shown / natural >= 12
    _shoot(phone_page, "dashboard-375")
    axe(phone_page)


def test_it_shows_the_import_preview_on_a_phone(phone_page, coordinatrice, browser_login, axe, tmp_path, eager_tasks):
    from indicators.tests.test_dashboard import obs

    obs("35", "F", "formation", 40, 60)
    path = tmp_path / "maj.csv"
    path.write_text("période;territoire;domaine;étape;femmes;hommes\n2024;35;F;formation;45;60\n2024;35;K;emploi;3;4\n")
    browser_login(phone_page, coordinatrice)
    phone_page.goto("/indicators/import/")
    phone_page.get_by_label("Fichier CSV").set_input_files(str(path))
    phone_page.get_by_role("button", name="Aperçu").click()
    assert phone_page.get_by_text("Statut : Vérifié : en attente de confirmation").is_visible()
    assert phone_page.get_by_text("Lignes dont les effectifs changent : ancien → nouveau").is_visible()
    assert phone_page.evaluate(NO_PAGE_OVERFLOW)
    boxes = phone_page.evaluate(TABLE_BOXES)
    assert all(b["boxed"] and b["caption"] for b in boxes)
    _shoot(phone_page, "import-preview-375")
    axe(phone_page)


def test_it_searches_the_long_territory_picker(page, membre, browser_login, axe):
    browser_login(page, membre)
    page.goto("/indicators/")
    search = page.get_by_role("searchbox", name="Rechercher dans la liste : Territoire")
    search.fill("mayen")
    visible = page.locator("#id_territory option:not([hidden])").all_inner_texts()
    assert visible == ["Mayenne (53)"]
    hidden = page.locator("#id_territory optgroup").evaluate_all("gs => gs.map(g => [g.label, g.hidden])")
    assert hidden == [["Pays", True], ["Régions", True], ["Départements", False]]
    axe(page)
