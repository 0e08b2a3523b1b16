from django import forms

from tinhso.accounts.services import editable_units_filter
from tinhso.units.models import Unit, UnitKind


class UnitForm(forms.Form):
    name = forms.CharField(label="Tên đầy đủ / Full name", max_length=255)
    short_name = forms.CharField(label="Tên ngắn / Short name", max_length=120, required=False)
    kind = forms.ChoiceField(label="Loại đơn vị / Kind", choices=UnitKind.choices)
    code = forms.CharField(label="Mã định danh điện tử / Electronic code", max_length=13, required=False,
                           help_text="V1V2V3.Z1Z2.Y1Y2.Xnn, ví dụ 000.00.00.H49")
    parent = forms.ModelChoiceField(label="Đơn vị cấp trên / Parent", queryset=Unit.objects.none(), required=False)
    stats_code = forms.CharField(label="Mã hành chính thống kê / Statistics code", max_length=10, required=False)
    valid_from = forms.DateField(label="Hiệu lực từ / Valid from", required=False,
                                 input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label="Hiệu lực đến / Valid to", required=False,
                               input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="Ghi chú / Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    aliases = forms.CharField(label="Tên gọi khác, viết tắt / Other names, abbreviations", required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                              help_text="Mỗi dòng một tên, ví dụ: Sở TT&TT / one a line")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (
            Unit.objects.live().filter(editable_units_filter(user)).order_by("path") if user else Unit.objects.none()
        )
        self.fields["parent"].label_from_instance = lambda u: f"{'· ' * u.depth}{u.name}"
        self.fields["valid_from"].widget.format = "%Y-%m-%d"
        self.fields["valid_to"].widget.format = "%Y-%m-%d"


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp CSV hoặc XLSX / CSV or XLSX file")
