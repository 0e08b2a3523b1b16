"""Web pages of the unit registry. Thin: read the request, call services, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from tinhso.accounts.services import can_edit_unit, home_province, is_system_admin, require_edit_unit, upload_by_writer
from tinhso.core.downloads import attach
from tinhso.core.errors import DomainError, ValidationFailed
from tinhso.core.forms import apply_errors
from tinhso.core.memo import Memo
from tinhso.core.tabular import read_table
from tinhso.core.text import vi_sort_key
from tinhso.core.uploads import upload_guard
from tinhso.units import services
from tinhso.units.forms import ImportForm, UnitForm
from tinhso.units.models import Unit, UnitKind


def _as_of(request: HttpRequest, default: dt.date | None = None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return default


def _int(value, default: int = 0) -> int:
    text = str(value or "")
    return min(int(text), 10**9) if text.isdigit() else default


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The registry: its top level as of a day, each branch loaded when opened (`unit_children`), or one page
    of search results — never the whole registry in one page (#15, finding 12)."""
    chosen_day = _as_of(request)  # a search without a date looks through every period
    as_of = chosen_day or dt.date.today()
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind") if request.GET.get("kind") in UnitKind.values else None
    context = {"as_of": as_of, "chosen_day": chosen_day, "q": query, "kind": kind, "kinds": UnitKind.choices,
               "can_create": can_edit_unit(request.user, request.user.unit) or request.user.is_superuser}
    if query or kind:
        page_number = max(1, _int(request.GET.get("page"), 1))
        results, total = services.search_page(query, as_of=chosen_day, kind=kind,
                                              offset=(page_number - 1) * services.SEARCH_PAGE)
        chains = services.ancestors_of(results)
        context["results"] = [(u, chains[u.pk]) for u in results]
        pages = max(1, -(-total // services.SEARCH_PAGE))
        params = request.GET.copy()
        params.pop("page", None)
        context["paging"] = {"total": total, "page": page_number, "pages": pages, "query": params.urlencode(),
                             "previous": page_number - 1 if page_number > 1 else None,
                             "next": page_number + 1 if page_number < pages else None}
    else:
        level = services.children_as_of(as_of, None)
        # the home province first and open: the one the platform serves, not whichever the alphabet puts first
        home = home_province(request.user, as_of)
        roots = sorted(level.units, key=lambda unit: home is None or unit.pk != home.pk)
        home_children = services.children_as_of(as_of, home) \
            if roots and home is not None and roots[0].pk == home.pk else None
        context["tree_html"] = _tree_html(as_of, roots, home_children)
    return render(request, "units/tree.html", context)


# The tree's HTML — the same for every account on a day, in a language — per process until the registry
# changes (memo.changed("units")): rendering a hundred communes' links was most of the page's cost.
_TREE_HTML = Memo(300, max_entries=200, depends_on=("units",))


def _tree_html(as_of: dt.date, roots: list[Unit], home_children: services.Level | None) -> str:
    key = (as_of, tuple(unit.pk for unit in roots), home_children is not None, get_language())
    return _TREE_HTML.get(key, lambda: mark_safe(render_to_string(  # noqa: S308 - rendered by our template
        "units/_tree.html", {"roots": roots, "home_children": home_children, "as_of": as_of})))


@login_required
def unit_children(request: HttpRequest) -> HttpResponse:
    """One step of one branch of the tree, as list items the tree page inserts when a branch is opened."""
    as_of = _as_of(request, dt.date.today())
    parent = Unit.objects.filter(pk=_int(request.GET.get("parent"))).first() if request.GET.get("parent") else None
    level = services.children_as_of(as_of, parent, _int(request.GET.get("offset")))
    return render(request, "units/_level.html", {"level": level, "parent": parent, "as_of": as_of})


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = services.get_unit(unit_id)
    return render(request, "units/detail.html", {
        "unit": unit,
        "ancestors": services.ancestors(unit),
        "children": sorted(unit.children.all(), key=lambda u: (u.valid_to is not None, vi_sort_key(u.name))),
        "lineage": services.lineage(unit),
        "can_edit": can_edit_unit(request.user, unit),
    })


@login_required
def unit_history(request: HttpRequest, unit_id: int) -> HttpResponse:
    entries = services.unit_history(unit_id)
    unit = Unit.objects.filter(pk=unit_id).first()
    return render(request, "units/history.html", {"unit": unit, "unit_id": unit_id, "entries": entries,
                                                  "deleted_name": None if unit else _deleted_name(unit_id)})


def _deleted_name(unit_id: int) -> str:
    last = Unit.history.filter(id=unit_id).order_by("-history_date").first()
    return last.name if last else str(unit_id)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    if not is_system_admin(request.user):
        require_edit_unit(request.user, request.user.unit)  # leaders/viewers create nothing: 403 page
    initial = {}
    if parent_id := request.GET.get("parent"):
        initial["parent"] = Unit.objects.filter(pk=parent_id).first()
    form = UnitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = services.UnitData(**{k: v for k, v in form.cleaned_data.items() if k != "version"})
        data.code = (data.code or "").strip().upper() or None
        try:
            unit = services.create_unit(request.user, data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã tạo đơn vị: %(name)s") % {"name": unit.name})
            return redirect("units:detail", unit_id=unit.pk)
    return render(request, "units/form.html", {"form": form, "title": gettext("Tạo đơn vị")})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = services.get_unit(unit_id)
    require_edit_unit(request.user, unit)
    initial = {name: getattr(unit, name) for name in services.EDITABLE_FIELDS} | {"version": unit.version}
    form = UnitForm(request.POST or None, user=request.user, initial=initial)
    if unit.parent and not form.fields["parent"].queryset.filter(pk=unit.parent_id).exists():
        form.fields["parent"].queryset = form.fields["parent"].queryset | Unit.objects.filter(pk=unit.parent_id)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        changes["code"] = (changes.get("code") or "").strip().upper() or None
        try:
            services.update_unit(request.user, unit.pk, changes, form.cleaned_data["version"] or 0)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã lưu"))
            return redirect("units:detail", unit_id=unit.pk)
    return render(request, "units/form.html", {"form": form, "unit": unit,
                                               "title": gettext("Sửa: %(name)s") % {"name": unit.name}})


@login_required
@require_http_methods(["GET", "POST"])
@upload_guard(upload_by_writer)
def unit_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_units(request.user, read_table(upload.read(), upload.name,
                                                                    services.HEADER_ALIASES))
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            errors = result.errors
            if not errors:
                messages.success(request, gettext("Đã nhập: %(created)s đơn vị mới, %(updated)s đơn vị cập nhật") % {
                    "created": result.created, "updated": result.updated})
                return redirect("units:tree")
    return render(request, "units/import.html", {"form": form, "errors": errors,
                                                 "columns": services.COLUMN_TITLES.values()})


@login_required
def unit_export(request: HttpRequest) -> HttpResponse:
    try:
        content, filename, mime = services.export_units(request.GET.get("format", "xlsx"), _as_of(request))
    except ValidationFailed as exc:
        return render(request, "core/error.html", {"error": exc}, status=400)
    response = HttpResponse(content, content_type=mime)
    attach(response, filename)
    return response
