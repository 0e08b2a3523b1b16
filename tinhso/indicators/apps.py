from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "tinhso.indicators"
    label = "indicators"
    verbose_name = "Chỉ tiêu, báo cáo / Indicators"
