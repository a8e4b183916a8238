"""Data of the report panel on the dashboard; a fixed number of queries whatever the data size."""

from __future__ import annotations

from berichte.models import Bericht, Exportauftrag


def panel(user) -> dict:
    if user is None or not user.is_authenticated:
        return {"sichtbar": False}
    darf_lesen = user.has_perm("berichte.view_bericht")
    darf_exportieren = user.has_perm("berichte.export_daten")
    if not (darf_lesen or darf_exportieren):
        return {"sichtbar": False}
    return {
        "sichtbar": True,
        "darf_erzeugen": user.has_perm("berichte.add_bericht"),
        "darf_exportieren": darf_exportieren,
        "berichte": list(Bericht.objects.visible_to(user).for_list()[:5]) if darf_lesen else [],
        "auftraege": list(Exportauftrag.objects.visible_to(user).for_list()[:3]) if darf_exportieren else [],
    }
