"""Serving many users (#15): several worker processes on Linux, hashed and compressed static files, and the
answers every page asks for (menu, home province) computed once per process and minute, not per request."""

import re

import pytest
from django.templatetags.static import static

from tinhso.accounts.services import home_province
from tinhso.core import serving
from tinhso.core.navigation import modules_for


def test_linux_is_served_by_gunicorn_with_several_processes_and_windows_by_waitress(monkeypatch):
    monkeypatch.setattr(serving.os, "name", "posix")
    assert serving.choose_server() == "gunicorn"
    assert serving.choose_server("waitress") == "waitress"
    monkeypatch.setattr(serving.os, "name", "nt")
    assert serving.choose_server() == "waitress"
    monkeypatch.delenv("TINHSO_WORKERS", raising=False)
    monkeypatch.setattr(serving.os, "cpu_count", lambda: 2)
    assert serving.default_workers() == 2
    monkeypatch.setenv("TINHSO_WORKERS", "5")
    assert serving.default_workers() == 5


def test_static_files_are_collected_once_with_hashed_names_and_gzip_copies(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    assert serving.collect_static() is True
    assert serving.collect_static() is False  # up to date: nothing to do at the next start
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.utils.functional import empty

    staticfiles_storage._wrapped = empty  # read the manifest just written
    url = static("core/behaviour.js")
    assert re.fullmatch(r"/static/core/behaviour\.[0-9a-f]{12}\.js", url), url
    hashed = settings.STATIC_ROOT / url.removeprefix("/static/")
    assert hashed.exists() and hashed.with_name(hashed.name + ".gz").exists()


def test_uncollected_static_files_keep_their_plain_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path  # nothing collected here: tests, `tinhso manage runserver`
    assert static("core/behaviour.js") == "/static/core/behaviour.js"  # (settings changes reset the storage)


@pytest.mark.django_db
def test_the_home_province_is_counted_once_not_on_every_page(root_admin, make_unit, django_assert_num_queries):
    from tinhso.accounts.models import Role, User

    province = make_unit("Tỉnh Thái Nguyên", "province", code="000.00.00.H55")
    User.objects.create_user("tn", password="x", role=Role.FOCAL, unit=province)
    first = home_province(root_admin)
    assert first == province
    with django_assert_num_queries(0):
        assert home_province(root_admin) == province


@pytest.mark.django_db
def test_the_menu_is_built_once_per_account_and_role(viewer_user, root_admin, django_assert_num_queries):
    menu = modules_for(viewer_user)
    with django_assert_num_queries(0):
        assert modules_for(viewer_user) == menu
    assert modules_for(root_admin)


def test_a_gunicorn_worker_holding_more_connections_lets_the_others_accept_first(monkeypatch):
    import types

    from gunicorn.app.base import BaseApplication
    from gunicorn.workers.gthread import ThreadWorker

    from tinhso.core.balanced_worker import LONGEST_WAIT, BalancedThreadWorker

    configured = []
    monkeypatch.setattr(BaseApplication, "run", lambda app: configured.append(app.cfg.worker_class))
    serving._gunicorn("127.0.0.1", 8000, threads=8, connections=1000, workers=3)
    assert configured == [BalancedThreadWorker]

    waits, accepted = [], []
    monkeypatch.setattr("tinhso.core.balanced_worker.time.sleep", waits.append)
    monkeypatch.setattr(ThreadWorker, "accept", lambda worker, listener: accepted.append(worker.nr_conns))
    worker = object.__new__(BalancedThreadWorker)
    for processes, held in ((3, 0), (3, 10), (3, 1000), (1, 40)):
        worker.cfg, worker.nr_conns = types.SimpleNamespace(workers=processes), held
        worker.accept(listener=None)
    assert accepted == [0, 10, 1000, 40]  # every connection is still taken, by this process if no other does
    assert waits == [10 * 0.0001, LONGEST_WAIT]  # none when it holds none, none when it is the only process


def test_page_addresses_are_reversed_once_per_process_and_the_url_tag_behaves_as_django_s(monkeypatch):
    from django.template import Context, Template
    from django.urls import NoReverseMatch, reverse

    from tinhso.core import addresses

    reversed_ = []
    monkeypatch.setattr(addresses, "reverse", lambda *a, **kw: reversed_.append(a) or reverse(*a, **kw))
    addresses._ADDRESSES.clear()
    page = Template("{% url 'units:detail' unit_id %}|{% url 'units:detail' unit_id as link %}{{ link }}|"
                    "{% url 'no-such-page' as missing %}[{{ missing }}]")
    first = page.render(Context({"unit_id": 42}))
    assert first == f"{reverse('units:detail', args=[42])}|{reverse('units:detail', args=[42])}|[]"
    assert page.render(Context({"unit_id": 42})) == first
    assert reversed_ == [("units:detail",), ("no-such-page",), ("no-such-page",)]  # a failure is not kept
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-page' %}").render(Context())
