from django.apps import AppConfig


class DtiConfig(AppConfig):
    name = "tinhso.dti"
    label = "dti"
    verbose_name = "Đánh giá DTI / DTI assessment"
