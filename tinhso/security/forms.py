from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.services import editable_units_filter
from tinhso.security.models import (
    AssetKind,
    AssetStatus,
    Category,
    Hosting,
    InformationSystem,
    MigrationStatus,
    SystemStatus,
)
from tinhso.units.models import Unit

DATE = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"], "required": False}


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _units(user, field: forms.ModelChoiceField) -> None:
    field.queryset = (Unit.objects.live().filter(editable_units_filter(user)).order_by("path")
                      if user else Unit.objects.none())
    field.label_from_instance = lambda u: f"{'· ' * u.depth}{u.name}"


class SystemForm(forms.Form):
    code = forms.CharField(label=_("Mã hệ thống"), max_length=40)
    name = forms.CharField(label=_("Tên hệ thống"), max_length=255)
    owner = forms.ModelChoiceField(label=_("Chủ quản"), queryset=Unit.objects.none())
    operator = forms.ModelChoiceField(label=_("Đơn vị vận hành"), queryset=Unit.objects.none(),
                                      required=False)
    category = forms.ChoiceField(label=_("Loại hệ thống"), choices=Category.choices)
    status = forms.ChoiceField(label=_("Trạng thái"), choices=SystemStatus.choices,
                               initial=SystemStatus.OPERATING)
    purpose = forms.CharField(label=_("Mục đích"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    users_count = forms.IntegerField(label=_("Số người dùng"), min_value=0, required=False)
    data_subjects = forms.IntegerField(label=_("Số chủ thể dữ liệu cá nhân"), min_value=0,
                                       required=False)
    sensitive_subjects = forms.IntegerField(label=_("Số chủ thể dữ liệu nhạy cảm"),
                                            min_value=0, required=False)
    hosting = forms.ChoiceField(label=_("Nơi đặt"), choices=Hosting.choices)
    migration_status = forms.ChoiceField(label=_("Chuyển về TTDL tỉnh"), choices=MigrationStatus.choices,
                                         required=False)
    migration_date = forms.DateField(label=_("Ngày chuyển"), widget=_date_widget(), **DATE)
    connects_lgsp = forms.BooleanField(label=_("Kết nối LGSP"), required=False)
    national_connections = forms.CharField(label=_("Kết nối hệ thống quốc gia"), max_length=500,
                                           required=False, help_text="Cách nhau bằng dấu ;")
    addresses = forms.CharField(label=_("Máy chủ, dải IP, tên miền"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}), help_text="Mỗi dòng một địa chỉ")
    in_service_since = forms.DateField(label=_("Đưa vào sử dụng"), widget=_date_widget(), **DATE)
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, instance: InformationSystem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("owner", "operator"):
            _units(user, self.fields[name])
        if instance is not None:  # keep the current units selectable even if outside the user's scope
            extra = [u.pk for u in (instance.owner, instance.operator) if u is not None]
            for name in ("owner", "operator"):
                self.fields[name].queryset = self.fields[name].queryset | Unit.objects.filter(pk__in=extra)


class AssetForm(forms.Form):
    code = forms.CharField(label=_("Mã tài sản"), max_length=40)
    kind = forms.ChoiceField(label=_("Loại"), choices=AssetKind.choices)
    subtype = forms.CharField(label=_("Phân loại"), max_length=20, required=False,
                              help_text="camera: traffic, security, ioc · máy chủ: physical, virtual · "
                                        "điểm cầu: province, department, commune")
    name = forms.CharField(label=_("Tên"), max_length=255)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    system = forms.ModelChoiceField(label=_("Thuộc hệ thống"),
                                    queryset=InformationSystem.objects.order_by("code"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), choices=AssetStatus.choices)
    location = forms.CharField(label=_("Vị trí"), max_length=255, required=False)
    address = forms.CharField(label=_("Địa chỉ IP, tên máy"), max_length=255, required=False)
    latitude = forms.DecimalField(label=_("Vĩ độ"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Kinh độ"), max_digits=9, decimal_places=6, required=False)
    commissioned_on = forms.DateField(label=_("Đưa vào sử dụng"), widget=_date_widget(), **DATE)
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        _units(user, self.fields["unit"])
        if instance is not None:
            self.fields["unit"].queryset = self.fields["unit"].queryset | Unit.objects.filter(pk=instance.unit_id)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp XLSX hoặc CSV"))
