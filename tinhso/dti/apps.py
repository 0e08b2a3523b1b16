from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DtiConfig(AppConfig):
    name = "tinhso.dti"
    label = "dti"
    verbose_name = _("Đánh giá DTI")
    demo_loader = "tinhso.dti.demo.load"
    demo_order = 50
    nav_entry = {"url_name": "dti:home", "title": "Chỉ số DTI",
                 "description": "Đánh giá, xếp hạng chuyển đổi số (DTI) của sở, ngành, xã, phường; phiếu điểm, "
                                "minh chứng và gợi ý nâng điểm", "order": 40}
