"""The legal texts on connecting and sharing data, as dated data (see data/legal_basis.json)."""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "legal_basis.json"


def load(apps, schema_editor):
    LegalBasis = apps.get_model("sharing", "LegalBasis")
    items = json.loads(DATA.read_text(encoding="utf-8"))
    created = {}
    for item in items:
        fields = {k: v for k, v in item.items() if k not in ("code", "replaced_by")}
        for name in ("issued_on", "valid_from", "valid_to"):
            fields[name] = dt.date.fromisoformat(fields[name]) if fields.get(name) else None
        created[item["code"]], _ = LegalBasis.objects.update_or_create(code=item["code"], defaults=fields)
    for item in items:
        if item.get("replaced_by"):
            basis = created[item["code"]]
            basis.replaced_by = created[item["replaced_by"]]
            basis.save()


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
