from django.urls import include, path

from . import views, views_abrechnung, views_f6, views_land, views_regeln

app_name = "foerderung"

urlpatterns = [
    path("", views.BudgetuebersichtView.as_view(), name="uebersicht"),
    path("programm/<int:pk>/", views.ProgrammDetailView.as_view(), name="programm-detail"),
    path("programm/<int:pk>/bearbeiten/", views.ProgrammUpdateView.as_view(), name="programm-update"),
    path("baustein/<int:pk>/", views.BausteinDetailView.as_view(), name="baustein-detail"),
    path("baustein/<int:pk>/bearbeiten/", views.BausteinUpdateView.as_view(), name="baustein-update"),
    path("baustein/<int:parent_pk>/regeln/", views_regeln.RegelListView.as_view(), name="regel-list"),
    path(
        "regeln/<int:pk>/neue-version/",
        views_regeln.RegelNeueVersionView.as_view(),
        name="regel-neue-version",
    ),
    path("verteilungen/", views.VerteilungListView.as_view(), name="verteilung-list"),
    path("verteilungen/neu/", views.VerteilungCreateView.as_view(), name="verteilung-create"),
    path("verteilungen/<int:pk>/", views.VerteilungDetailView.as_view(), name="verteilung-detail"),
    path("verteilungen/<int:pk>/bearbeiten/", views.VerteilungUpdateView.as_view(), name="verteilung-update"),
    path("verteilungen/<int:pk>/berechnen/", views.verteilung_berechnen, name="verteilung-berechnen"),
    path("verteilungen/<int:pk>/budgets/", views.verteilung_uebernehmen, name="verteilung-uebernehmen"),
    path("verteilungen/<int:pk>/export/", views.verteilung_export, name="verteilung-export"),
    path("verteilungen/<int:pk>/import/", views.IndikatorImportView.as_view(), name="verteilung-import"),
    path("antraege/", views.AntragListView.as_view(), name="antrag-list"),
    path("antraege/export/", views.antrag_export, name="antrag-export"),
    path("antraege/import/", views.AntragImportView.as_view(), name="antrag-import"),
    path("antraege/vorlage/", views.antrag_vorlage, name="antrag-vorlage"),
    path("mittelabrufe/export/", views.mittelabruf_export, name="mittelabruf-export"),
    path("mittelabrufe/import/", views.MittelabrufImportView.as_view(), name="mittelabruf-import"),
    path("mittelabrufe/vorlage/", views.mittelabruf_vorlage, name="mittelabruf-vorlage"),
    path("antraege/neu/", views.antrag_bearbeiten, name="antrag-create"),
    path("antraege/<int:pk>/", views.AntragDetailView.as_view(), name="antrag-detail"),
    path("antraege/<int:pk>/bearbeiten/", views.antrag_bearbeiten, name="antrag-update"),
    path("antraege/<int:pk>/status/", views.antrag_status, name="antrag-status"),
    path("antraege/<int:pk>/bewilligen/", views.antrag_bewilligen, name="antrag-bewilligen"),
    path("antraege/<int:pk>/ablehnen/", views.antrag_ablehnen, name="antrag-ablehnen"),
    path("antraege/<int:pk>/mittelabruf/", views.mittelabruf_erfassen, name="antrag-mittelabruf"),
    path("antraege/<int:pk>/verwendungsnachweis/", views.verwendungsnachweis_erfassen, name="antrag-vn"),
    path("antraege/<int:pk>/monitoring/", views.monitoring_erfassen, name="antrag-monitoring"),
    path("teilhabemanagement/", views.TeilhabeListView.as_view(), name="teilhabe-list"),
    path("teilhabemanagement/neu/", views.TeilhabeCreateView.as_view(), name="teilhabe-create"),
    path("teilhabemanagement/<int:pk>/", views.TeilhabeDetailView.as_view(), name="teilhabe-detail"),
    path(
        "teilhabemanagement/<int:pk>/bearbeiten/", views.TeilhabeUpdateView.as_view(), name="teilhabe-update"
    ),
    path("teilhabemanagement/<int:pk>/fallzahl/", views.fallzahl_melden, name="teilhabe-fallzahl"),
    path("innovationsfonds/", views.IdeeListView.as_view(), name="idee-list"),
    path("innovationsfonds/neu/", views.IdeeCreateView.as_view(), name="idee-create"),
    path("innovationsfonds/<int:pk>/", views.IdeeDetailView.as_view(), name="idee-detail"),
    path("innovationsfonds/<int:pk>/status/", views.idee_status, name="idee-status"),
]

# Baustein F6: participation in "Gemeinsam klappt's", budget consolidation, the F6 staffing key.
urlpatterns += [
    path("teilhabemanagement/teilnahme/", views_f6.TeilnahmeListView.as_view(), name="teilnahme-list"),
    path("teilhabemanagement/teilnahme/<int:pk>/", views_f6.TeilnahmeView.as_view(), name="teilnahme-detail"),
    path(
        "teilhabemanagement/teilnahme/<int:pk>/dokument/",
        views_f6.TeilnahmeDokumentView.as_view(),
        name="teilnahme-dokument",
    ),
    path(
        "teilhabemanagement/teilnahme/<int:pk>/haushaltssicherung/",
        views_f6.HaushaltssicherungAnlegenView.as_view(),
        name="haushaltssicherung-create",
    ),
    path(
        "teilhabemanagement/haushaltssicherung/<int:pk>/bearbeiten/",
        views_f6.HaushaltssicherungUpdateView.as_view(),
        name="haushaltssicherung-update",
    ),
    path(
        "teilhabemanagement/stellenschluessel/",
        views_f6.StellenschluesselView.as_view(),
        name="stellenschluessel",
    ),
]

# Settlement: the deadlines of proofs of use and repayment claims.
urlpatterns += [
    path("fristen/", views_abrechnung.FristenView.as_view(), name="fristen"),
]

# Decisions of the Land: grant notices to the Kreise, calls of the Innovationsfonds.
urlpatterns += [
    path("zuwendungsbescheide/", views_land.zuwendungsbescheid_list, name="zuwendungsbescheid-list"),
    path("zuwendungsbescheide/neu/", views_land.zuwendungsbescheid_create, name="zuwendungsbescheid-create"),
    path("aufrufe/", views_land.aufruf_list, name="aufruf-list"),
    path("aufrufe/neu/", views_land.aufruf_create, name="aufruf-create"),
    path("aufrufe/<int:pk>/", views_land.aufruf_detail, name="aufruf-detail"),
    path("aufrufe/<int:pk>/status/", views_land.aufruf_status, name="aufruf-status"),
    path("", include("foerderung.urls_budget")),
]
