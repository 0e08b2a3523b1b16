"""Web forms of the catalogue screens (indicators, reporting forms, validation rules). They only parse
input; the rules live in services, whose errors come back onto the fields through core.forms.apply_errors."""

from django import forms

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

UNIT_KINDS = forms.MultipleChoiceField(label="Loại đơn vị áp dụng / Unit kinds", choices=UnitKind.choices,
                                       required=False, widget=forms.CheckboxSelectMultiple)


class IndicatorForm(forms.Form):
    code = forms.CharField(label="Mã / Code", max_length=40, help_text="A–Z, 0–9, _ (ví dụ TL_HS_TRUC_TUYEN)")
    name = forms.CharField(label="Tên chỉ tiêu / Name", max_length=300)
    noun = forms.CharField(label="Danh từ trong câu báo cáo / Noun for statements", max_length=120, required=False,
                           help_text="ví dụ 'sản phẩm OCOP' trong '156/163 sản phẩm OCOP (đạt 96%)'")
    unit_of_measure = forms.CharField(label="Đơn vị tính / Unit of measure", max_length=40, required=False)
    value_type = forms.ChoiceField(label="Kiểu giá trị / Value type", choices=ValueType.choices)
    aggregation = forms.ChoiceField(label="Tổng hợp theo cây đơn vị / Across units", choices=Aggregation.choices,
                                    help_text="tỷ lệ: 'ratio' — tính lại từ tổng tử số và tổng mẫu số")
    time_aggregation = forms.ChoiceField(label="Tổng hợp theo thời gian / Over time", choices=TimeAggregation.choices)
    direction = forms.ChoiceField(label="Chiều / Direction", choices=Direction.choices)
    periodicity = forms.ChoiceField(label="Kỳ báo cáo / Periodicity", choices=PeriodType.choices)
    unit_kinds = UNIT_KINDS
    numerator = forms.CharField(label="Tử số (mã) / Numerator code", max_length=40, required=False)
    denominator = forms.CharField(label="Mẫu số (mã) / Denominator code", max_length=40, required=False)
    factor = forms.DecimalField(label="Hệ số / Factor", initial=100, max_digits=12, decimal_places=4, required=False)
    formula = forms.CharField(label="Công thức / Formula", max_length=500, required=False,
                              help_text="ví dụ {HS_TT} + {HS_TRUC_TIEP}")
    min_value = forms.DecimalField(label="Giá trị nhỏ nhất / Minimum", max_digits=20, decimal_places=4,
                                   required=False)
    max_value = forms.DecimalField(label="Giá trị lớn nhất / Maximum", max_digits=20, decimal_places=4,
                                   required=False)
    decimals = forms.IntegerField(label="Số chữ số thập phân / Decimals", min_value=0, max_value=6, initial=0)
    rate_entry = forms.BooleanField(label="Biểu mẫu nhập trực tiếp tỷ lệ / Forms collect the rate itself",
                                    required=False,
                                    help_text="nguồn chỉ công bố tỷ lệ: tổng hợp avg, weighted, latest hoặc none")
    weight = forms.CharField(label="Trọng số (mã chỉ tiêu) / Weight code", max_length=40, required=False,
                             help_text="với 'weighted', ví dụ HS_TONG")
    source = forms.CharField(label="Căn cứ / Source", max_length=300, required=False)
    description = forms.CharField(label="Mô tả / Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label="Đang dùng / Active", required=False, initial=True)
    valid_from = forms.DateField(label="Định nghĩa mới áp dụng từ ngày / New definition applies from", required=False,
                                 input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                 help_text="dd/mm/yyyy; trống = 01/01 năm nay. Các kỳ trước giữ định nghĩa cũ.")
    reason = forms.CharField(label="Lý do thay đổi / Reason", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReportingFormForm(forms.Form):
    """A reporting form's header; its indicators come from the checklist table beside it."""

    code = forms.CharField(label="Mã biểu / Code", max_length=40)
    name = forms.CharField(label="Tên biểu mẫu / Name", max_length=300)
    period_type = forms.ChoiceField(label="Loại kỳ / Period type", choices=PeriodType.choices)
    unit_kinds = UNIT_KINDS
    deadline_days = forms.IntegerField(label="Hạn nộp: số ngày sau khi hết kỳ / Deadline: days after the period",
                                       min_value=0, max_value=365, initial=15)
    reminder_offsets = forms.CharField(label="Nhắc hạn: ngày so với hạn / Reminders: days from the deadline",
                                       required=False, help_text="cách nhau bởi dấu phẩy, âm = trước hạn: -3, 0, 2")
    approval_by = forms.ChoiceField(label="Phê duyệt bởi / Approved by", choices=ApprovalBy.choices)
    description = forms.CharField(label="Mô tả / Description", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label="Đang dùng / Active", required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_reminder_offsets(self) -> list[int]:
        text = self.cleaned_data["reminder_offsets"].strip()
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()] if text else []
        except ValueError as exc:
            raise forms.ValidationError("nhập các số nguyên cách nhau bởi dấu phẩy / whole numbers separated by "
                                        "commas") from exc


class RuleForm(forms.Form):
    code = forms.CharField(label="Mã quy tắc / Code", max_length=60)
    form = forms.ChoiceField(label="Biểu mẫu / Form", required=False,
                             help_text="trống = mọi biểu có đủ chỉ tiêu / empty = every form holding its indicators")
    left = forms.CharField(label="Vế trái / Left side", max_length=500, help_text="ví dụ {HS_TRUC_TUYEN}")
    operator = forms.ChoiceField(label="Phép so sánh / Operator",
                                 choices=[(o, o) for o in ("<=", "<", ">=", ">", "==", "!=")])
    right = forms.CharField(label="Vế phải / Right side", max_length=500, help_text="ví dụ {HS_TONG}")
    severity = forms.ChoiceField(label="Mức độ / Severity", choices=Severity.choices)
    message_vi = forms.CharField(label="Thông báo / Message (vi)", max_length=300)
    message_en = forms.CharField(label="Message (en)", max_length=300)
    cell = forms.CharField(label="Ô báo lỗi (mã chỉ tiêu) / Cell to flag", max_length=40, required=False)
    active = forms.BooleanField(label="Đang dùng / Active", required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, form_codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = [("", "— mọi biểu / every form —")] + [(c, c) for c in form_codes]


def offsets_text(offsets: list[int]) -> str:
    return ", ".join(str(o) for o in offsets)
