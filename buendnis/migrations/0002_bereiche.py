from django.db import migrations

BEREICHE = [
    ("migration-integration", "Migration und Integration", 1),
    ("arbeit-wirtschaft", "Arbeit und Wirtschaft", 2),
    ("soziales", "Soziales", 3),
    ("bildung", "Bildung", 4),
]


def seed(apps, schema_editor):
    Bereich = apps.get_model("buendnis", "Bereich")
    for schluessel, name, reihenfolge in BEREICHE:
        Bereich.objects.update_or_create(schluessel=schluessel, defaults={"name": name, "reihenfolge": reihenfolge})


class Migration(migrations.Migration):
    dependencies = [("buendnis", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
