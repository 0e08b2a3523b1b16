from django.apps import AppConfig


class TransportConfig(AppConfig):
    name = "tinhso.transport"
    label = "transport"
    verbose_name = "Giám sát hành trình / Journey monitoring"
