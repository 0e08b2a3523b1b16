"""Edit forms of the fleet registry: a transport business, a driver, a device. Each carries the version it
was read at; the services refuse a stale one (Conflict), and the page says so instead of overwriting."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.transport.models import Business


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    active = forms.BooleanField(label=_("Đang hoạt động"), required=False)


class BusinessForm(_Versioned):
    name = forms.CharField(label=_("Tên đơn vị kinh doanh vận tải"), max_length=255)
    licence_number = forms.CharField(label=_("Số giấy phép kinh doanh vận tải"), max_length=50)
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    field_order = ["name", "licence_number", "address", "active", "version"]


class DriverForm(_Versioned):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    business = forms.ModelChoiceField(label=_("Đơn vị kinh doanh"), queryset=Business.objects.order_by("name"),
                                      required=False, empty_label=_("(không thuộc đơn vị nào)"))
    field_order = ["full_name", "business", "active", "version"]


class DeviceForm(_Versioned):
    provider = forms.CharField(label=_("Đơn vị cung cấp thiết bị"), max_length=120, required=False)
    plate = forms.CharField(label=_("Lắp trên xe (biển số)"), max_length=20, required=False,
                            help_text=_("Để trống nếu thiết bị chưa lắp; biển số so khớp không phân biệt dấu và "
                                        "dấu ngăn cách (99D-957.83 = 99D95783)"))
    field_order = ["provider", "plate", "active", "version"]
