import pytest

from indicators.demo import seed_demo_indicators
from indicators.models import Domain, Territory
from indicators.reference import load_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """A transactional test before this one may have flushed the migration's reference rows."""
    load_reference_data(Territory, Domain)


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
