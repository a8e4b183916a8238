"""Seeds the need categories of the survey and maps them to the offer categories (codes are stable)."""

from django.db import migrations

BEDARFSKATEGORIEN = [
    # code, label, offer category codes that meet the need
    ("deutsch", "Deutschförderung", ["deutsch"]),
    ("schulabschluss", "Nachträglicher Schulabschluss", ["schulabschluss"]),
    ("ausbildung", "Ausbildungsvorbereitung und -begleitung", ["ausbildungsvorbereitung", "abh"]),
    ("qualifizierung", "Berufliche Qualifizierung", ["qualifizierung"]),
    ("arbeit", "Arbeit und Beschäftigung", ["arbeit"]),
    ("beratung", "Coaching und Beratung", ["coaching", "jugendhilfe"]),
    ("begleitung", "Ehrenamtliche Begleitung", ["ehrenamt"]),
    ("wohnen", "Wohnen und Alltag", ["wohnen"]),
]


def seed(apps, schema_editor):
    Bedarfskategorie = apps.get_model("bedarf", "Bedarfskategorie")
    Kategorie = apps.get_model("angebote", "Kategorie")
    for i, (code, name, kategorien) in enumerate(BEDARFSKATEGORIEN, 1):
        obj, _ = Bedarfskategorie.objects.update_or_create(
            code=code, defaults={"name": name, "reihenfolge": i * 10}
        )
        obj.kategorien.set(Kategorie.objects.filter(code__in=kategorien))


class Migration(migrations.Migration):
    dependencies = [("bedarf", "0001_initial"), ("angebote", "0002_stammdaten")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
