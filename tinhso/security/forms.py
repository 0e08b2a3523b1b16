from django import forms

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
    code = forms.CharField(label="Mã hệ thống / Code", max_length=40)
    name = forms.CharField(label="Tên hệ thống / Name", max_length=255)
    owner = forms.ModelChoiceField(label="Chủ quản / Owner agency", queryset=Unit.objects.none())
    operator = forms.ModelChoiceField(label="Đơn vị vận hành / Operating unit", queryset=Unit.objects.none(),
                                      required=False)
    category = forms.ChoiceField(label="Loại hệ thống / Category", choices=Category.choices)
    status = forms.ChoiceField(label="Trạng thái / Status", choices=SystemStatus.choices,
                               initial=SystemStatus.OPERATING)
    purpose = forms.CharField(label="Mục đích / Purpose", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    users_count = forms.IntegerField(label="Số người dùng / Users", min_value=0, required=False)
    data_subjects = forms.IntegerField(label="Số chủ thể dữ liệu cá nhân / Personal-data subjects", min_value=0,
                                       required=False)
    sensitive_subjects = forms.IntegerField(label="Số chủ thể dữ liệu nhạy cảm / Sensitive-data subjects",
                                            min_value=0, required=False)
    hosting = forms.ChoiceField(label="Nơi đặt / Hosting", choices=Hosting.choices)
    migration_status = forms.ChoiceField(label="Chuyển về TTDL tỉnh / Migration", choices=MigrationStatus.choices,
                                         required=False)
    migration_date = forms.DateField(label="Ngày chuyển / Migration date", widget=_date_widget(), **DATE)
    connects_lgsp = forms.BooleanField(label="Kết nối LGSP / Connected to LGSP", required=False)
    national_connections = forms.CharField(label="Kết nối hệ thống quốc gia / National connections", max_length=500,
                                           required=False, help_text="Cách nhau bằng dấu ;")
    addresses = forms.CharField(label="Máy chủ, dải IP, tên miền / Hosts, IP ranges, domains", required=False,
                                widget=forms.Textarea(attrs={"rows": 3}), help_text="Mỗi dòng một địa chỉ")
    in_service_since = forms.DateField(label="Đưa vào sử dụng / In service since", widget=_date_widget(), **DATE)
    note = forms.CharField(label="Ghi chú / Note", widget=forms.Textarea(attrs={"rows": 2}), required=False)
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
    code = forms.CharField(label="Mã tài sản / Code", max_length=40)
    kind = forms.ChoiceField(label="Loại / Kind", choices=AssetKind.choices)
    subtype = forms.CharField(label="Phân loại / Subtype", max_length=20, required=False,
                              help_text="camera: traffic, security, ioc · máy chủ: physical, virtual · "
                                        "điểm cầu: province, department, commune")
    name = forms.CharField(label="Tên / Name", max_length=255)
    unit = forms.ModelChoiceField(label="Đơn vị / Unit", queryset=Unit.objects.none())
    system = forms.ModelChoiceField(label="Thuộc hệ thống / System",
                                    queryset=InformationSystem.objects.order_by("code"), required=False)
    status = forms.ChoiceField(label="Trạng thái / Status", choices=AssetStatus.choices)
    location = forms.CharField(label="Vị trí / Location", max_length=255, required=False)
    address = forms.CharField(label="Địa chỉ IP, tên máy / IP address, host", max_length=255, required=False)
    latitude = forms.DecimalField(label="Vĩ độ / Latitude", max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label="Kinh độ / Longitude", max_digits=9, decimal_places=6, required=False)
    commissioned_on = forms.DateField(label="Đưa vào sử dụng / Commissioned", widget=_date_widget(), **DATE)
    note = forms.CharField(label="Ghi chú / Note", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        _units(user, self.fields["unit"])
        if instance is not None:
            self.fields["unit"].queryset = self.fields["unit"].queryset | Unit.objects.filter(pk=instance.unit_id)


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp XLSX hoặc CSV / XLSX or CSV file")
