from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.services import editable_units_filter
from tinhso.units.models import Unit, UnitKind


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Tên đầy đủ"), max_length=255)
    short_name = forms.CharField(label=_("Tên ngắn"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=UnitKind.choices)
    code = forms.CharField(label=_("Mã định danh điện tử"), max_length=13, required=False,
                           help_text=_("V1V2V3.Z1Z2.Y1Y2.Xnn, ví dụ 000.00.00.H49"))
    parent = forms.ModelChoiceField(label=_("Đơn vị cấp trên"), queryset=Unit.objects.none(), required=False)
    stats_code = forms.CharField(label=_("Mã hành chính thống kê"), max_length=10, required=False)
    valid_from = forms.DateField(label=_("Hiệu lực từ"), required=False,
                                 input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Hiệu lực đến"), required=False,
                               input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    aliases = forms.CharField(label=_("Tên gọi khác, viết tắt"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                              help_text=_("Mỗi dòng một tên, ví dụ: Sở TT&TT"))
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
    file = forms.FileField(label=_("Tệp CSV hoặc XLSX"))
