"""Dependency floors exclude releases with published vulnerabilities, and the XML hardening openpyxl relies
on (defusedxml) is a declared dependency rather than something that happens to be installed."""

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def _requirements() -> dict[str, Requirement]:
    if not PYPROJECT.exists():
        pytest.skip("run from a source checkout")
    listed = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    return {(r := Requirement(line)).name.lower(): r for line in listed}


@pytest.mark.parametrize(("package", "vulnerable", "patched"), [
    ("waitress", "3.0.0", "3.0.2"),  # CVE-2024-49768 request smuggling, CVE-2024-49769 DoS: fixed in 3.0.1
    ("django", "5.2.18", "5.2.19"),  # the latest 5.2 LTS security release when this was written
    ("duckdb", "1.4.1", "1.4.2"),  # CVE-2025-64429 (fixed 1.4.2); CVE-2024-41672 (fixed 1.1.0)
    ("pyarrow", "14.0.0", "16.0.0"),  # CVE-2023-47248 (fixed 14.0.1)
])
def test_floors_exclude_vulnerable_releases(package, vulnerable, patched):
    specifier = _requirements()[package].specifier
    assert vulnerable not in specifier and patched in specifier


def test_defusedxml_is_declared_and_used_by_openpyxl():
    assert "defusedxml" in _requirements()
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML  # openpyxl parses uploaded workbooks through defusedxml
