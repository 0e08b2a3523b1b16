"""The demo banner names each account's role as the README does."""

import re
from pathlib import Path

from tinhso.accounts.demo import logins


def test_the_unitless_admin_is_called_system_administrator_as_in_the_readme():
    what = dict((u, w) for u, _, w in logins())
    assert what["admin"].startswith("Quản trị hệ thống / System administrator")
    assert "cấp tỉnh" not in what["admin"]
    assert what["quantri.thainguyen"].startswith("Quản trị cấp tỉnh")  # the provincial office keeps its title
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    assert re.search(r"\| `admin` \| system administrator", readme)
