"""Figures one server process computed are taken by the others from the shared cache, not computed again."""

import time

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from tinhso.ioc import services


def _two_processes(tmp_path):
    cache = FileBasedCache(str(tmp_path / "shared"), {})
    return services.SharedFigures(cache), services.SharedFigures(cache)


def test_a_second_process_takes_the_figures_the_first_computed(catalogue, province_admin, tmp_path):
    first, second = _two_processes(tmp_path)
    definition, _ = services.home_definition(province_admin)
    ctx = services.context_for(province_admin, definition)
    computed = first.get(("home", province_admin.pk), 60.0, lambda: services.compute(ctx, definition))
    assert computed.sections, "the role's default dashboard shows something"

    taken = second.get(("home", province_admin.pk), 60.0, lambda: pytest.fail("computed a second time"))
    assert second.computations == 0 and first.computations == 1
    assert taken.computation == computed.computation
    assert [(s.kind, str(s.title), len(s.tiles)) for s in taken.sections] == \
        [(s.kind, str(s.title), len(s.tiles)) for s in computed.sections]
    assert [a.key for a in taken.alerts] == [a.key for a in computed.alerts]


def test_figures_past_their_interval_are_computed_again_by_the_next_process(tmp_path):
    first, second = _two_processes(tmp_path)

    def figures():
        return services.Figures(ctx=None, definition={}, sections=[], alerts=[], computed_at=None)

    old = first.get(("k",), 0.2, figures)
    time.sleep(0.3)
    new = second.get(("k",), 60.0, figures)
    assert second.computations == 1 and new.computation != old.computation
    # the first process's own copy has expired too: it takes the newer figures the second one shared
    assert first.get(("k",), 60.0, lambda: pytest.fail("computed again")).computation == new.computation
