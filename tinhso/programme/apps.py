from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "tinhso.programme"
    label = "programme"
    verbose_name = "Chương trình, kế hoạch / Programme"
