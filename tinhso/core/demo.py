"""Loads every app's demo data in order. Apps declare `demo_loader` (a dotted path) and `demo_order`
on their AppConfig, so the core does not import domain apps."""

from django.apps import apps
from django.utils.module_loading import import_string


def load_all(stdout=None) -> None:
    configs = [c for c in apps.get_app_configs() if getattr(c, "demo_loader", None)]
    for config in sorted(configs, key=lambda c: getattr(c, "demo_order", 50)):
        if stdout:
            stdout.write(f"- {config.verbose_name}\n")
        import_string(config.demo_loader)(stdout=stdout)
