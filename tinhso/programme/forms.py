import datetime as dt

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import ValidationFailed
from tinhso.core.forms import FigureField
from tinhso.programme import services
from tinhso.programme.deadlines import parse_deadline
from tinhso.programme.models import DerivedState, FundingSource, Origin, Pillar, Plan, Scheme, Status, TaskKind
from tinhso.units.models import Unit, UnitKind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label: str, required: bool = False) -> forms.DateField:
    field = forms.DateField(label=label, required=required, input_formats=DATE_FORMATS,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    return field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    reported_on = _date_field(_("Ngày báo cáo"), required=True)
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[
        (s.value, s.label) for s in (Status.IN_PROGRESS, Status.DONE, Status.NOT_STARTED, Status.CANCELLED)])
    text = forms.CharField(label=_("Nội dung đã thực hiện"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Tệp minh chứng"), required=False,
                              help_text=_("PDF, Word, Excel, ảnh, ZIP; tối đa 20 MB mỗi tệp"))


def plan_units(plan: Plan) -> "forms.models.QuerySet[Unit]":
    """Units that may lead or coordinate a task of the plan: valid during its period, in its province."""
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.end_year, 12, 31)
    return (Unit.objects.below(plan.province)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
            .exclude(kind=UnitKind.PROVINCE).order_by("depth", "name"))


class TaskForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=40)
    title = forms.CharField(label=_("Tên nhiệm vụ, dự án"), max_length=500)
    description = forms.CharField(label=_("Mô tả"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    pillar = forms.ChoiceField(label=_("Trụ cột, lĩnh vực"), choices=Pillar.choices)
    kind = forms.ChoiceField(label=_("Loại"), choices=TaskKind.choices)
    origin = forms.ChoiceField(label=_("Nguồn gốc"), choices=Origin.choices)
    carried_from = forms.ModelChoiceField(label=_("Chuyển tiếp từ nhiệm vụ"), required=False,
                                          queryset=None)
    lead_unit = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), queryset=None)
    coordinating_units = forms.ModelMultipleChoiceField(label=_("Đơn vị phối hợp"), queryset=None,
                                                        required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    parent = forms.ModelChoiceField(label=_("Nhiệm vụ cha"), required=False, queryset=None)
    start_date = _date_field(_("Bắt đầu"))
    due_date = _date_field(_("Hạn hoàn thành"))
    due_text = forms.CharField(label=_("Hạn theo văn bản"), max_length=60, required=False,
                               help_text=_("Quý IV/2023; Tháng 6/2023; 6 tháng đầu năm 2023; Năm 2023; 2023–2025; "
                                           "Thường xuyên. Nếu có, thay cho ngày ở trên"))
    output = forms.CharField(label=_("Sản phẩm đầu ra"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[
        c for c in Status.choices if c[0] != Status.CARRIED_OVER])
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100, initial=0)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan: Plan, task=None, manager: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        units = plan_units(plan)
        if task is not None:
            units = units | Unit.objects.filter(pk__in=[task.lead_unit_id, *task.coordinating_units.values_list(
                "pk", flat=True)])
        self.fields["lead_unit"].queryset = units.distinct().order_by("depth", "name")
        self.fields["coordinating_units"].queryset = units.distinct().order_by("depth", "name")
        parents = plan.tasks.filter(parent__isnull=True)
        earlier = services.previous_plan(plan)
        carried = services.carry_candidates(earlier) if earlier else plan.tasks.none()
        if task is not None:
            parents = parents.exclude(pk=task.pk)
            if task.status == Status.CARRIED_OVER:
                self.fields["status"].choices = Status.choices
            if task.carried_from_id:
                carried = carried | type(task).objects.filter(pk=task.carried_from_id)
        self.fields["parent"].queryset = parents.order_by("code")
        self.fields["carried_from"].queryset = carried
        self.fields["carried_from"].label_from_instance = lambda t: f"{t.plan.year} · {t.code}. {t.title}"
        for name in ("lead_unit", "coordinating_units"):
            self.fields[name].label_from_instance = lambda u: u.name
        if not manager:
            for name in services.MANAGER_ONLY_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True


    def clean(self):
        data = super().clean()
        text = (data.get("due_text") or "").strip()
        data["due_text"], data["recurring"] = "", False
        if text:
            try:
                found = parse_deadline(text, "due_text")
            except ValidationFailed as exc:
                self.add_error("due_text", exc.errors[0].vi + " / " + exc.errors[0].en)
            else:
                data["due_date"], data["due_text"], data["recurring"] = found.due_date, found.text, found.recurring
        data["output"] = data.get("output") or ""
        return data


class BudgetForm(forms.Form):
    source = forms.ChoiceField(label=_("Nguồn vốn"), choices=[("", "—")] + FundingSource.choices,
                               required=False)
    planned = FigureField(label=_("Kế hoạch"), min_value=0, max_digits=14, decimal_places=3,
                                 required=False)
    allocated = FigureField(label=_("Được giao"), min_value=0, max_digits=14, decimal_places=3,
                                   required=False)
    disbursed = FigureField(label=_("Đã giải ngân"), min_value=0, max_digits=14, decimal_places=3,
                                   required=False)


BudgetFormSet = forms.formset_factory(BudgetForm, extra=2, max_num=len(FundingSource.values))


class SchemeForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=40)
    name = forms.CharField(label=_("Tên Đề án"), max_length=500)
    province = forms.ModelChoiceField(label=_("Tỉnh"), queryset=None)
    start_year = forms.IntegerField(label=_("Từ năm"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Đến năm"), min_value=2000, max_value=2100)
    vision_year = forms.IntegerField(label=_("Định hướng đến năm"), min_value=2000, max_value=2100,
                                     required=False)
    decision = forms.CharField(label=_("Quyết định phê duyệt"), max_length=255, required=False)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = services.managed_provinces(user).order_by("valid_to", "name")
        self.fields["province"].label_from_instance = lambda u: (
            f"{u.name}" + (f" ({_('đến')} {u.valid_to:%d/%m/%Y})" if u.valid_to else ""))


class PlanForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=40)
    name = forms.CharField(label=_("Tên kế hoạch"), max_length=500)
    scheme = forms.ModelChoiceField(label=_("Thuộc Đề án"), queryset=None, required=False)
    province = forms.ModelChoiceField(label=_("Tỉnh (khi không thuộc Đề án)"),
                                      queryset=None, required=False)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Đến năm (kế hoạch nhiều năm)"), min_value=2000, max_value=2100,
                                  required=False)
    decision = forms.CharField(label=_("Văn bản ban hành"), max_length=255, required=False)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = services.managed_provinces(user)
        self.fields["province"].queryset = provinces.order_by("valid_to", "name")
        self.fields["province"].label_from_instance = lambda u: (
            f"{u.name}" + (f" ({_('đến')} {u.valid_to:%d/%m/%Y})" if u.valid_to else ""))
        self.fields["scheme"].queryset = Scheme.objects.filter(province__in=provinces).select_related("province")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp XLSX kế hoạch"))


class CarryOverForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Chuyển sang kế hoạch"), queryset=None)

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        targets = [p.pk for p in services.next_plans(plan) if services.can_manage_plan(user, p)]
        self.fields["target"].queryset = Plan.objects.filter(pk__in=targets).order_by("year", "name")


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm (không dấu cũng được)"), required=False, max_length=200)
    state = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=[("", _("— tất cả —"))]
                              + DerivedState.choices)
    origin = forms.ChoiceField(label=_("Nguồn gốc"), required=False, choices=[("", _("— tất cả —"))]
                               + Origin.choices)
    pillar = forms.ChoiceField(label=_("Trụ cột"), required=False, choices=[("", _("— tất cả —"))]
                               + Pillar.choices)
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", _("— tất cả —"))] + TaskKind.choices)
    lead_unit = forms.TypedChoiceField(label=_("Đơn vị chủ trì"), required=False, coerce=int,
                                       empty_value=None)

    def __init__(self, *args, lead_units: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].choices = [("", _("— tất cả —")), *lead_units]

    def task_filter(self) -> services.TaskFilter:
        if not self.is_valid():
            return services.TaskFilter()
        data = self.cleaned_data
        return services.TaskFilter(q=data["q"], state=data["state"], origin=data["origin"], pillar=data["pillar"],
                                   kind=data["kind"], lead_unit=data["lead_unit"])
