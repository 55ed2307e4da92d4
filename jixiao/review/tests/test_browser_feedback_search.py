"""In Chromium: typing in an item's project field fills the one shared list with a few matches of the unit's
package, and the picked project is stored."""

import pytest

from jixiao.review.services import feedback_compose
from jixiao.review.tests.test_browser_feedback import town_at_the_bureau
from jixiao.testing import report_filed

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_offers_matches_and_stores_the_pick(browser_page, district, make_user, make_project):
    page = browser_page
    town_at_the_bureau(district, make_user)
    for n in range(3):
        report_filed(
            district, make_project(district.town, code=f"2026-TOWN-R{n:02d}", name=f"河道整治{n:02d}")
        )
    feedback = feedback_compose(cycle=district.cycle, unit=district.town, acting_user=district.counterpart_a)
    item = feedback.items.get(position=1)

    page.login(district.counterpart_a)
    page.goto(f"{page.base_url}/review/feedback/{feedback.pk}/")
    assert page.locator("#feedback-projects option").count() == 0
    field = page.locator(f"#id_item-{item.pk}-project")
    field.fill("")
    field.press_sequentially("河道整治", delay=30)
    page.wait_for_function("document.querySelectorAll('#feedback-projects option').length === 3")
    field.fill("2026-TOWN-R01 河道整治01")
    page.click("#save-items")
    page.get_by_text("问题清单已保存。").wait_for()
    item.refresh_from_db()
    assert item.project.code == "2026-TOWN-R01"
