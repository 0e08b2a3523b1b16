from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.identity.models import SCOPES
from tinhso.units.models import Unit


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Tên ứng dụng"), max_length=255)
    owner_unit = forms.ModelChoiceField(label=_("Đơn vị chủ quản"), queryset=Unit.objects.none())
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    redirect_uris = forms.CharField(
        label=_("Địa chỉ chuyển hướng sau đăng nhập"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một địa chỉ, ví dụ https://truonghoc.thainguyen.gov.vn/oidc/callback"))
    post_logout_redirect_uris = forms.CharField(
        label=_("Địa chỉ chuyển hướng sau đăng xuất"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scopes = forms.MultipleChoiceField(
        label=_("Phạm vi thông tin được cấp"), widget=forms.CheckboxSelectMultiple, initial=["openid", "profile"],
        choices=[(key, f"{key} — {text}") for key, text in SCOPES.items()])
    confidential = forms.BooleanField(
        label=_("Ứng dụng chạy trên máy chủ (có khoá bí mật)"), required=False, initial=True,
        help_text=_("Bỏ chọn cho ứng dụng di động hoặc chạy trong trình duyệt: chỉ dùng PKCE, không có khoá bí mật"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, units=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units if units is not None else Unit.objects.none()
        if editing:
            del self.fields["confidential"]


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]
