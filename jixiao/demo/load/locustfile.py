"""The deadline day for locust (run by `make load`): fillers open their 附件1, preview and save it; leaders
open their package page and send or withdraw it.

Reads the plan `manage.py load_prepare` wrote (LOAD_PLAN) and appends to LOAD_ACKS one JSON line per save
or package step the server acknowledged, and per request whose outcome is unknown, for `manage.py load_check`.
Runs outside Django: it only speaks HTTP to the server.
"""

import json
import os
import re
import uuid
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from htmlform import form_fields  # beside this file, which locust puts on the path
from locust import FastHttpUser, between, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
ACKS = Path(os.environ["LOAD_ACKS"])
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUCCESS = re.compile(r'<li class="msg-success">([^<]*)</li>')
ERROR = re.compile(r'<li class="msg-error">([^<]*)</li>')
SAVED_MARK = "已保存。"
SENT_MARK = "已报送。"
WITHDRAWN_MARK = "已撤回"


def record(**entry) -> None:
    with ACKS.open("a", encoding="utf-8") as file:
        file.write(json.dumps(entry, ensure_ascii=False) + "\n")


def session_cookie(value: str, host: str) -> Cookie:
    return Cookie(
        version=0,
        name=PLAN["session_cookie"],
        value=value,
        port=None,
        port_specified=False,
        domain=host,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=False,
        comment=None,
        comment_url=None,
        rest={},
    )


_accounts = {"fillers": iter(PLAN["fillers"]), "leaders": iter(PLAN["leaders"])}


class DeadlineUser(FastHttpUser):
    abstract = True
    wait_time = between(1, 2)
    kind = ""

    def on_start(self):
        """Signed in already (the plan carries each account's session), as people are on the deadline day."""
        self.account = next(_accounts[self.kind], None)
        if self.account is None:
            raise StopUser
        self.client.cookiejar.set_cookie(
            session_cookie(self.account["session"], urlsplit(self.host).hostname)
        )


class Filler(DeadlineUser):
    """Opens the report, previews what is typed, saves it with the revision the form carried."""

    kind = "fillers"

    def on_start(self):
        super().on_start()
        self.url = f"/cycles/{PLAN['cycle']}/projects/{self.account['project']}/"

    @task
    def fill(self):
        with self.client.get(self.url, name="附件1", catch_response=True) as page:
            if page.status_code != 200 or 'id="report-form"' not in page.text:
                page.failure(f"附件1 页面不可填写：{page.status_code}")
                return
            fields = form_fields(page.text, "report-form")
        token = uuid.uuid4().hex
        fields = [(name, value) for name, value in fields if name != PLAN["token_field"]]
        fields.append((PLAN["token_field"], f"压测 {token}"))
        self.wait()
        self.client.post(self.url + "preview/", data=urlencode(fields), headers=FORM_TYPE, name="附件1 预览")
        self.wait()
        with self.client.post(
            self.url,
            data=urlencode(fields),
            headers=FORM_TYPE,
            name="附件1 保存",
            allow_redirects=False,
            catch_response=True,
        ) as saved:
            if saved.status_code == 302 and saved.headers.get("Location", "").endswith(self.url):
                record(kind="save", project=self.account["project"], token=token)
            elif saved.status_code in (400, 409):
                record(kind="refused", project=self.account["project"], status=saved.status_code)
                saved.failure(f"保存被拒绝：{saved.status_code}")
            else:
                record(kind="unknown", project=self.account["project"], status=saved.status_code)
                saved.failure(f"保存结果不明：{saved.status_code}")


class Leader(DeadlineUser):
    """Opens the package page and sends the package, or withdraws it when it is sent."""

    fixed_count = len(PLAN["leaders"])
    kind = "leaders"

    def on_start(self):
        super().on_start()
        self.url = f"/workflow/{PLAN['cycle']}/units/{self.account['unit']}/"
        self.page = None

    def _open(self, action: str = "") -> str | None:
        """The package page; after an action, its message says whether the action was done."""
        with self.client.get(self.url, name="报送页", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"报送页：{page.status_code}")
                record(kind="unknown", unit=self.account["unit"], action=action or "open")
                return None
            if action:
                mark = SENT_MARK if action == "submit" else WITHDRAWN_MARK
                if any(mark in message for message in SUCCESS.findall(page.text)):
                    record(kind=action, unit=self.account["unit"])
                else:
                    refused = ERROR.findall(page.text)
                    record(kind="refused", unit=self.account["unit"], action=action, messages=refused)
                    page.failure(f"{action} 被拒绝：{'；'.join(refused)}")
            return page.text

    @task
    def send_or_withdraw(self):
        html = self.page or self._open()
        self.page = None
        if html is None:
            return
        if 'name="action" value="submit"' in html:
            action = "submit"
        elif 'name="action" value="withdraw"' in html:
            action = "withdraw"
        else:
            record(kind="unknown", unit=self.account["unit"], action="none")
            return
        self.wait()
        fields = {"csrfmiddlewaretoken": CSRF.search(html).group(1), "action": action, "confirmed": "1"}
        with self.client.post(
            self.url,
            data=urlencode(fields),
            headers=FORM_TYPE,
            name="报送" if action == "submit" else "撤回",
            allow_redirects=False,
            catch_response=True,
        ) as sent:
            if sent.status_code != 302:
                sent.failure(f"{action}：{sent.status_code}")
                record(kind="unknown", unit=self.account["unit"], action=action, status=sent.status_code)
                return
        # Followed at once, as a browser follows the redirect (no wait in which the run could stop).
        self.page = self._open(action)
