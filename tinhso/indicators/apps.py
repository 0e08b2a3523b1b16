from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "tinhso.indicators"
    label = "indicators"
    verbose_name = _("Chỉ tiêu, báo cáo")
    demo_loader = "tinhso.indicators.demo.load"
    demo_order = 40
    nav_entry = {"url_name": "indicators:index", "title": "Chỉ tiêu",
                 "description": "Báo cáo số liệu định kỳ, phê duyệt, tình hình nộp, chỉ tiêu kế hoạch và phân tích",
                 "order": 30}
