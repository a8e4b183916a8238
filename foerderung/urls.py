from django.urls import path

from . import views

app_name = "foerderung"

urlpatterns = [
    path("", views.BudgetuebersichtView.as_view(), name="uebersicht"),
    path("programm/<int:pk>/", views.ProgrammDetailView.as_view(), name="programm-detail"),
    path("programm/<int:pk>/bearbeiten/", views.ProgrammUpdateView.as_view(), name="programm-update"),
    path("baustein/<int:pk>/", views.BausteinDetailView.as_view(), name="baustein-detail"),
    path("baustein/<int:pk>/bearbeiten/", views.BausteinUpdateView.as_view(), name="baustein-update"),
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
