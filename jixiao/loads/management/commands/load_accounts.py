"""`manage.py load_accounts FILE [--dry-run] [--json]`: the new accounts' one-time passwords are printed
once, to the operator's terminal (or in the JSON under `passwords`), and kept nowhere."""

from jixiao.loads.management.base import LoadCommand
from jixiao.loads.models import LoadKind


class Command(LoadCommand):
    kind = LoadKind.ACCOUNTS

    def loaded(self, run) -> dict:
        return {"passwords": run.one_time_passwords}

    def loaded_lines(self, extra: dict) -> list[str]:
        if not extra["passwords"]:
            return []
        lines = ["新账号的一次性密码（只显示这一次，首次登录须修改）："]
        lines += [
            f"    {entry['username']}\t{entry['full_name']}\t{entry['password']}"
            for entry in extra["passwords"]
        ]
        return lines
