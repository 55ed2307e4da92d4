"""The people loader: an account sheet (单位编码, 姓名, 用户名, 角色, 手机, 邮箱) read, checked and compared
with the stored accounts, then written through the account services.

A person is keyed by username and may have several rows, one per post; the posts the file lists become the
person's posts. A new account gets a one-time password, kept on the run object only for the page or command
that shows it once — never in the database, the history or the audit log.
"""

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl import Workbook
from openpyxl.styles import Font

from jixiao.core.xlsx import put_value, workbook_bytes
from jixiao.loads.models import LoadKind, LoadRun
from jixiao.loads.parsing import LoadRefused, Problem, Table
from jixiao.loads.plans import Plan, _Reader, chunks
from jixiao.organisations.models import (
    EXCLUSIVE_ROLES,
    ROLE_ORGANISATION_KINDS,
    Membership,
    Organisation,
    Role,
    User,
)
from jixiao.organisations.services import user_create, user_update

ROLES = {str(label): value for value, label in Role.choices} | {value: value for value in Role.values}
CONTACT_FIELDS = ("full_name", "phone", "email")
LABELS = {"full_name": "姓名", "phone": "手机", "email": "邮箱", "posts": "岗位"}
USERNAME_MAX = User._meta.get_field("username").max_length
validate_username = UnicodeUsernameValidator()
PASSWORD_SHEET_COLUMNS = [("用户名", 16), ("姓名", 12), ("岗位", 48), ("一次性密码", 18)]


def _post_label(organisation: Organisation, role: str) -> str:
    return f"{organisation.name}（{organisation.code}）{Role(role).label}"


def _posts_shown(posts) -> str:
    return "、".join(sorted(_post_label(organisation, role) for organisation, role in posts)) or "—"


def _read_people(reader: _Reader) -> dict[str, dict]:
    """Each person's details (the same on every row of theirs) and posts, by username."""
    people: dict[str, dict] = {}
    for number, values in reader.rows():
        username = values["username"]
        try:
            validate_username(username)
            if len(username) > USERNAME_MAX:
                raise ValidationError(f"用户名不能超过 {USERNAME_MAX} 个字符。")
        except ValidationError as exc:
            reader.problem(f"用户名“{username}”不可用：{exc.messages[0]}", number, "username")
            continue
        role = ROLES.get(values["role"])
        if role is None:
            names = "、".join(str(label) for label in Role.labels)
            reader.problem(f"角色“{values['role']}”不是系统中的角色（应为 {names}）。", number, "role")
            continue
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                reader.problem(f"“{values['email']}”不是有效的邮箱地址。", number, "email")
                continue
        person = people.setdefault(username, {"row": number, "posts": []})
        for name in CONTACT_FIELDS:
            value = values.get(name)
            if value is None:
                continue
            if person.get(name) is None:
                person[name] = value
            elif person[name] != value:
                reader.problem(
                    f"与第{person['row']}行同一用户的{LABELS[name]}“{person[name]}”不一致。", number, name
                )
        if any(post[:2] == (values["unit_code"], role) for post in person["posts"]):
            reader.problem(f"用户“{username}”的这一岗位在文件中重复。", number, "role")
            continue
        person["posts"].append((values["unit_code"], role, number))
    return people


def _check_posts(reader: _Reader, people: dict[str, dict]) -> dict[str, Organisation]:
    """Every post's organisation exists and is active, the role may be held there, and the administrator
    and the auditor hold no other post (三权分立)."""
    codes = sorted({code for person in people.values() for code, _role, _n in person["posts"]})
    units = {o.code: o for part in chunks(codes) for o in Organisation.objects.filter(code__in=part)}
    for username, person in people.items():
        for code, role, number in person["posts"]:
            unit = units.get(code)
            if unit is None:
                reader.problem(f"找不到编码为“{code}”的机构。", number, "unit_code")
            elif not unit.is_active:
                reader.problem(f"机构“{unit.name}”已停用，不能在其中设置岗位。", number, "unit_code")
            elif unit.kind not in ROLE_ORGANISATION_KINDS[role]:
                reader.problem(
                    f"“{Role(role).label}”不能在“{unit.get_kind_display()}”（{unit.name}）中担任。",
                    number,
                    "role",
                )
        roles = {role for _code, role, _n in person["posts"]}
        if roles & EXCLUSIVE_ROLES and len(person["posts"]) > 1:
            reader.problem(
                f"用户“{username}”：系统管理员、审计管理员须由专人担任，不能兼任其他岗位（三权分立）。",
                person["posts"][1][2],
                "role",
            )
    return units


def _stored_accounts(usernames: list[str]) -> tuple[dict[str, User], dict[int, list]]:
    users = {u.username: u for part in chunks(usernames) for u in User.objects.filter(username__in=part)}
    posts: dict[int, list] = {user.pk: [] for user in users.values()}
    for part in chunks(sorted(posts)):
        for membership in Membership.objects.filter(user_id__in=part).select_related("organisation"):
            posts[membership.user_id].append((membership.organisation, membership.role))
    return users, posts


def plan_accounts(table: Table, options: dict) -> Plan:
    reader = _Reader(table, LoadKind.ACCOUNTS)
    people = _read_people(reader)
    units = _check_posts(reader, people)
    reader.check()
    users, stored_posts = _stored_accounts(sorted(people))
    plan = Plan(LoadKind.ACCOUNTS)
    create, update = [], []
    for username, person in people.items():
        posts = [(units[code], role) for code, role, _n in person["posts"]]
        post_keys = sorted((organisation.pk, role) for organisation, role in posts)
        user = users.get(username)
        if user is None:
            values = {name: person.get(name) or "" for name in CONTACT_FIELDS}
            create.append((username, values, post_keys))
            plan.add_created(
                {
                    "key": username,
                    "label": values["full_name"],
                    "posts": _posts_shown(posts),
                    "phone": values["phone"] or "—",
                    "email": values["email"] or "—",
                }
            )
            continue
        # A blank phone or email keeps the stored one; the name is always given.
        values = {name: person[name] for name in CONTACT_FIELDS if person.get(name) is not None}
        differences = {
            LABELS[name]: [getattr(user, name) or "—", value or "—"]
            for name, value in values.items()
            if getattr(user, name) != value
        }
        held = stored_posts[user.pk]
        if sorted((organisation.pk, role) for organisation, role in held) != post_keys:
            if any(role == Role.SYSADMIN for _organisation, role in held):
                # The administrators keep the system reachable: their posts change one by one, on the screen.
                reader.problem(
                    f"“{username}”是系统管理员，其岗位不能通过表格修改，请在用户页面调整。",
                    person["posts"][0][2],
                    "role",
                )
                continue
            differences[LABELS["posts"]] = [_posts_shown(held), _posts_shown(posts)]
        if not differences:
            plan.unchanged += 1
            continue
        entry = {"key": username, "label": user.full_name or username, "fields": differences}
        if not user.is_active:
            entry["note"] = "该账号已停用，加载不会启用它。"
        update.append((user.pk, values, post_keys, LABELS["posts"] in differences))
        plan.add_changed(entry)
    reader.check()
    plan.writes = {"create": create, "update": update}
    return plan


def apply_accounts(plan: Plan, *, run: LoadRun, acting_user) -> int:
    """Write the accounts through the account services; the new accounts' one-time passwords are left on
    `run.one_time_passwords` for the one page or command output that shows them."""
    organisation_ids = {pk for item in plan.writes["create"] for pk, _role in item[2]}
    organisation_ids |= {pk for item in plan.writes["update"] for pk, _role in item[2]}
    organisations = Organisation.objects.in_bulk(sorted(organisation_ids))
    passwords = []
    try:
        for username, values, post_keys in plan.writes["create"]:
            posts = [(organisations[pk], role) for pk, role in post_keys]
            user, password = user_create(username=username, **values, posts=posts, acting_user=acting_user)
            passwords.append(
                {
                    "username": username,
                    "full_name": user.full_name,
                    "posts": _posts_shown(posts),
                    "password": password,
                }
            )
        stored = User.objects.in_bulk([item[0] for item in plan.writes["update"]])
        for pk, values, post_keys, posts_changed in plan.writes["update"]:
            posts = [(organisations[o], role) for o, role in post_keys] if posts_changed else None
            user_update(user=stored[pk], values=values, posts=posts, acting_user=acting_user)
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "message_dict") else {"": exc.messages}
        raise LoadRefused([Problem(message) for texts in messages.values() for message in texts]) from exc
    run.one_time_passwords = passwords
    return 0


def passwords_xlsx(passwords: list[dict]) -> bytes:
    """The new accounts and their one-time passwords, for handing out; made on the page, never stored."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "一次性密码"
    for column, (header, width) in enumerate(PASSWORD_SHEET_COLUMNS, start=1):
        cell = put_value(sheet.cell(row=1, column=column), header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    for row, entry in enumerate(passwords, start=2):
        for column, key in enumerate(["username", "full_name", "posts", "password"], start=1):
            put_value(sheet.cell(row=row, column=column), entry[key])
    sheet.cell(row=len(passwords) + 3, column=1, value="首次登录后须修改密码。请妥善保管本表，发放后删除。")
    return workbook_bytes(workbook)
