from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "tinhso.sharing"
    label = "sharing"
    verbose_name = _("Chia sẻ dữ liệu")
    demo_loader = "tinhso.sharing.demo.load"
    demo_order = 70
    nav_entry = {"url_name": "sharing:catalogue", "title": "Chia sẻ dữ liệu",
                 "description": "Danh mục dịch vụ chia sẻ dữ liệu giữa các cơ quan, quyền khai thác, khóa API, "
                                "nhật ký giao dịch và đối soát", "order": 65}
