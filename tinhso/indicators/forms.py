"""Web forms of the catalogue screens (indicators, reporting forms, validation rules). They only parse
input; the rules live in services, whose errors come back onto the fields through core.forms.apply_errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.indicators.models import (
    Aggregation,
    ApprovalBy,
    Direction,
    PeriodType,
    Severity,
    TimeAggregation,
    ValueType,
)
from tinhso.units.models import UnitKind

UNIT_KINDS = forms.MultipleChoiceField(label=_("Loại đơn vị áp dụng"), choices=UnitKind.choices,
                                       required=False, widget=forms.CheckboxSelectMultiple)


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=40, help_text=_("A–Z, 0–9, _ (ví dụ TL_HS_TRUC_TUYEN)"))
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=300)
    noun = forms.CharField(label=_("Danh từ trong câu báo cáo"), max_length=120, required=False,
                           help_text=_("ví dụ 'sản phẩm OCOP' trong '156/163 sản phẩm OCOP (đạt 96%)'"))
    unit_of_measure = forms.CharField(label=_("Đơn vị tính"), max_length=40, required=False)
    value_type = forms.ChoiceField(label=_("Kiểu giá trị"), choices=ValueType.choices)
    aggregation = forms.ChoiceField(label=_("Tổng hợp theo cây đơn vị"), choices=Aggregation.choices,
                                    help_text=_("tỷ lệ: 'ratio' — tính lại từ tổng tử số và tổng mẫu số"))
    time_aggregation = forms.ChoiceField(label=_("Tổng hợp theo thời gian"), choices=TimeAggregation.choices)
    direction = forms.ChoiceField(label=_("Chiều"), choices=Direction.choices)
    periodicity = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodType.choices)
    unit_kinds = UNIT_KINDS
    numerator = forms.CharField(label=_("Tử số (mã)"), max_length=40, required=False)
    denominator = forms.CharField(label=_("Mẫu số (mã)"), max_length=40, required=False)
    factor = forms.DecimalField(label=_("Hệ số"), initial=100, max_digits=12, decimal_places=4, required=False)
    formula = forms.CharField(label=_("Công thức"), max_length=500, required=False,
                              help_text=_("ví dụ {HS_TT} + {HS_TRUC_TIEP}"))
    min_value = forms.DecimalField(label=_("Giá trị nhỏ nhất"), max_digits=20, decimal_places=4,
                                   required=False)
    max_value = forms.DecimalField(label=_("Giá trị lớn nhất"), max_digits=20, decimal_places=4,
                                   required=False)
    decimals = forms.IntegerField(label=_("Số chữ số thập phân"), min_value=0, max_value=6, initial=0)
    rate_entry = forms.BooleanField(label=_("Biểu mẫu nhập trực tiếp tỷ lệ"),
                                    required=False,
                                    help_text=_("nguồn chỉ công bố tỷ lệ: tổng hợp avg, weighted, latest hoặc none"))
    weight = forms.CharField(label=_("Trọng số (mã chỉ tiêu)"), max_length=40, required=False,
                             help_text=_("với 'weighted', ví dụ HS_TONG"))
    source = forms.CharField(label=_("Căn cứ"), max_length=300, required=False)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)
    valid_from = forms.DateField(label=_("Định nghĩa mới áp dụng từ ngày"), required=False,
                                 input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                 help_text=_("dd/mm/yyyy; trống = 01/01 năm nay. Các kỳ trước giữ định nghĩa cũ."))
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReportingFormForm(forms.Form):
    """A reporting form's header; its indicators come from the checklist table beside it."""

    code = forms.CharField(label=_("Mã biểu"), max_length=40)
    name = forms.CharField(label=_("Tên biểu mẫu"), max_length=300)
    period_type = forms.ChoiceField(label=_("Loại kỳ"), choices=PeriodType.choices)
    unit_kinds = UNIT_KINDS
    deadline_days = forms.IntegerField(label=_("Hạn nộp: số ngày sau khi hết kỳ"),
                                       min_value=0, max_value=365, initial=15)
    reminder_offsets = forms.CharField(label=_("Nhắc hạn: ngày so với hạn"),
                                       required=False, help_text=_("cách nhau bởi dấu phẩy, âm = trước hạn: -3, 0, 2"))
    approval_by = forms.ChoiceField(label=_("Phê duyệt bởi"), choices=ApprovalBy.choices)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_reminder_offsets(self) -> list[int]:
        text = self.cleaned_data["reminder_offsets"].strip()
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()] if text else []
        except ValueError as exc:
            raise forms.ValidationError(_("nhập các số nguyên cách nhau bởi dấu phẩy")) from exc


class RuleForm(forms.Form):
    code = forms.CharField(label=_("Mã quy tắc"), max_length=60)
    form = forms.ChoiceField(label=_("Biểu mẫu"), required=False,
                             help_text=_("trống = mọi biểu có đủ chỉ tiêu"))
    left = forms.CharField(label=_("Vế trái"), max_length=500, help_text=_("ví dụ {HS_TRUC_TUYEN}"))
    operator = forms.ChoiceField(label=_("Phép so sánh"),
                                 choices=[(o, o) for o in ("<=", "<", ">=", ">", "==", "!=")])
    right = forms.CharField(label=_("Vế phải"), max_length=500, help_text=_("ví dụ {HS_TONG}"))
    severity = forms.ChoiceField(label=_("Mức độ"), choices=Severity.choices)
    message_vi = forms.CharField(label=_("Thông báo"), max_length=300)
    message_en = forms.CharField(label="Message (en)", max_length=300)
    cell = forms.CharField(label=_("Ô báo lỗi (mã chỉ tiêu)"), max_length=40, required=False)
    active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, form_codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = [("", _("— mọi biểu —"))] + [(c, c) for c in form_codes]


def offsets_text(offsets: list[int]) -> str:
    return ", ".join(str(o) for o in offsets)
