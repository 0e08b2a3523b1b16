"""Targets whose value overflows its column (20 digits, 4 decimals) could be stored on SQLite before they were
validated; reading them then failed for every user. Such a target is removed (it reads as "no target", and can
be set again, now validated); its audit entries keep the row with value 0 and say why."""

from django.db import migrations

LIMIT = 1e15  # indicators.services.MAX_ABS_VALUE


def remove_out_of_range(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    # Compared as floating point in SQL: the ORM itself cannot read these rows.
    with connection.cursor() as cursor:
        target = quote("indicators_target")
        cursor.execute(f"DELETE FROM {target} WHERE ABS(CAST(value AS REAL)) >= %s", [LIMIT])
        history = quote("indicators_historicaltarget")
        cursor.execute(f"UPDATE {history} SET value = 0, history_change_reason = %s "
                       f"WHERE ABS(CAST(value AS REAL)) >= %s",
                       ["Giá trị vượt giới hạn đã bị xoá / out-of-range value removed", LIMIT])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_rate_entry")]
    # elidable: a squashed migration creates the table empty, under the validation, so nothing to remove
    operations = [migrations.RunPython(remove_out_of_range, migrations.RunPython.noop, elidable=True)]
