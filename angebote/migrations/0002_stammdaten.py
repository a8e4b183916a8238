"""Seeds the residence statuses and offer categories (codes are stable identifiers other apps rely on)."""

from django.db import migrations

AUFENTHALTSSTATUS = [
    # code, label, short label, legal basis, usually SGB II/XII access
    ("gestattung", "Aufenthaltsgestattung", "Gestattung", "§ 55 AsylG", False),
    ("duldung", "Duldung", "Duldung", "§ 60a AufenthG", False),
    ("ausbildungsduldung", "Ausbildungsduldung", "Ausbildungsduldung", "§ 60c AufenthG", False),
    ("beschaeftigungsduldung", "Beschäftigungsduldung", "Beschäftigungsduldung", "§ 60d AufenthG", False),
    (
        "duldung_ungeklaerte_identitaet",
        "Duldung für Personen mit ungeklärter Identität",
        "Duldung § 60b",
        "§ 60b AufenthG",
        False,
    ),
    (
        "ae_humanitaer",
        "Aufenthaltserlaubnis aus humanitären Gründen",
        "AE § 25 Abs. 1–3",
        "§ 25 Abs. 1–3 AufenthG",
        True,
    ),
    ("ae_25_5", "Aufenthaltserlaubnis § 25 Abs. 5 AufenthG", "AE § 25 Abs. 5", "§ 25 Abs. 5 AufenthG", False),
    (
        "ae_25a_25b",
        "Aufenthaltserlaubnis § 25a/§ 25b AufenthG",
        "AE § 25a/25b",
        "§ 25a, § 25b AufenthG",
        True,
    ),
    ("chancen", "Chancen-Aufenthaltsrecht", "Chancen-AR", "§ 104c AufenthG", True),
    ("sonstiger", "sonstiger Status", "sonstiger", "", False),
]

KATEGORIEN = [
    # code, label, end point of a pathway
    ("deutsch", "Deutschförderung", False),
    ("schulabschluss", "Schulabschluss", False),
    ("ausbildungsvorbereitung", "Ausbildungsvorbereitung", False),
    ("abh", "ausbildungsbegleitende Hilfe", False),
    ("qualifizierung", "berufliche Qualifizierung", False),
    ("arbeit", "Arbeit und Beschäftigung", True),
    ("coaching", "Coaching und Beratung", False),
    ("jugendhilfe", "Jugendhilfe", False),
    ("ehrenamt", "ehrenamtliche Begleitung", False),
    ("wohnen", "Wohnen und Alltag", False),
    ("sonstiges", "Sonstiges", False),
]


def seed(apps, schema_editor):
    Aufenthaltsstatus = apps.get_model("angebote", "Aufenthaltsstatus")
    Kategorie = apps.get_model("angebote", "Kategorie")
    for i, (code, label, kurz, grundlage, sgb) in enumerate(AUFENTHALTSSTATUS, 1):
        Aufenthaltsstatus.objects.update_or_create(
            code=code,
            defaults={
                "bezeichnung": label,
                "kurzbezeichnung": kurz,
                "rechtsgrundlage": grundlage,
                "sgb_zugang": sgb,
                "reihenfolge": i * 10,
            },
        )
    for i, (code, label, ziel) in enumerate(KATEGORIEN, 1):
        Kategorie.objects.update_or_create(
            code=code, defaults={"bezeichnung": label, "ist_ziel": ziel, "reihenfolge": i * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("angebote", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
