"""In Chromium at 1366×768: an invalid field is marked next to itself and the page lands on the first one;
disabled buttons and links look disabled and take no clicks."""

import pytest
from django.urls import reverse

from jixiao.conftest import screenshot
from jixiao.testing import feedback_issued

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Test#password2026"


@pytest.fixture
def page(browser_page, district):
    browser_page.set_viewport_size({"width": 1366, "height": 768})
    browser_page.login(district.s1_leader, PASSWORD)
    return browser_page


def test_the_page_lands_on_the_first_invalid_field(page):
    page.set_viewport_size({"width": 1366, "height": 420})  # the third field starts below the fold
    page.goto(f"{page.base_url}/accounts/password/")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "Another#password2026")
    page.fill("#id_new_password2", "Different#password2026")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    field = page.locator("#id_new_password2")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "id_new_password2"
    box = field.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 420, box
    message = page.locator("#id_new_password2_error")
    assert "不一致" in message.inner_text() or "不匹配" in message.inner_text()
    below = message.bounding_box()
    assert 0 <= below["y"] - (box["y"] + box["height"]) < 24, (box, below)
    assert field.evaluate("el => getComputedStyle(el).borderTopColor") == "rgb(198, 40, 40)"
    assert page.locator("#id_old_password").evaluate("el => getComputedStyle(el).borderTopColor") != (
        "rgb(198, 40, 40)"
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    screenshot(page, "polish-invalid-field")


def test_disabled_controls_look_disabled_and_take_no_clicks(page):
    page.goto(f"{page.base_url}/")
    page.evaluate(
        """() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend",
          '<button type="button" class="primary" id="live">报送</button>' +
          '<button type="button" class="primary" id="off" disabled>报送</button>' +
          '<a class="button" id="off-link" aria-disabled="true" href="/projects/">项目</a>');
    }"""
    )
    style = "el => [getComputedStyle(el).opacity, getComputedStyle(el).cursor]"
    assert page.locator("#live").evaluate(style) == ["1", "pointer"]
    opacity, cursor = page.locator("#off").evaluate(style)
    assert float(opacity) < 0.6 and cursor == "not-allowed"
    assert float(page.locator("#off-link").evaluate(style)[0]) < 0.6
    page.locator("#off-link").dispatch_event("click")
    page.wait_for_timeout(300)
    assert page.url == f"{page.base_url}/"
    screenshot(page, "polish-disabled-controls")


def test_a_form_sent_through_htmx_lands_on_its_first_invalid_field(browser_page, district):
    feedback = feedback_issued(district, district.town, problems=["支付进度滞后", "指标完成偏低", "资料不全"])
    last = feedback.items.order_by("position").last()
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.login(district.town_filler, PASSWORD)
    page.goto(f"{page.base_url}{reverse('rectification:feedback', args=[feedback.pk])}")
    item = page.locator(f"#item-{last.pk}")
    item.locator("button.primary").first.click()
    answer = page.locator(f"#item-{last.pk} textarea[aria-invalid=true]").first
    answer.wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'TEXTAREA'")
    assert answer.evaluate("el => el === document.activeElement")
    box = answer.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 768, box
