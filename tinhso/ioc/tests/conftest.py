"""Fixtures of the IOC tests: the indicators' catalogue and report helpers, and a fresh figure store."""

import pytest

from tinhso.indicators.tests.conftest import catalogue, fill, monthly, quarterly  # noqa: F401 - shared fixtures
from tinhso.ioc import services


@pytest.fixture(autouse=True)
def _fresh_figures():
    services.FIGURES.clear()
    yield
    services.FIGURES.clear()


from tinhso.programme.tests.conftest import make_task, plan_2023, scheme  # noqa: E402, F401 - shared fixtures
