from django.urls import path

from bedarf import views

app_name = "bedarf"

urlpatterns = [
    path("", views.ErhebungListView.as_view(), name="erhebung-list"),
    path("erhebungen/neu/", views.ErhebungCreateView.as_view(), name="erhebung-create"),
    path("erhebungen/<int:pk>/", views.erhebung_detail, name="erhebung-detail"),
    path("erhebungen/<int:pk>/bearbeiten/", views.ErhebungUpdateView.as_view(), name="erhebung-update"),
    path("erhebungen/<int:pk>/meldung/vorlage/", views.meldung_vorlage, name="meldung-vorlage"),
    path("erhebungen/<int:pk>/meldung/import/", views.MeldungImportView.as_view(), name="meldung-import"),
    path("erhebungen/<int:pk>/abschliessen/", views.erhebung_abschliessen, name="erhebung-abschliessen"),
    path("erhebungen/<int:pk>/erinnern/", views.erhebung_erinnern, name="erhebung-erinnern"),
    path("erhebungen/<int:pk>/meldung/", views.meldung_bearbeiten, name="meldung-bearbeiten"),
    path("erhebungen/<int:pk>/luecken/", views.luecken, name="luecken"),
    path("erhebungen/<int:pk>/luecken/<slug:kategorie>/", views.luecke_angebote, name="luecke-angebote"),
    path("erhebungen/<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("vergleich/", views.vergleich, name="vergleich"),
    path("datenluecken/", views.DatenlueckeListView.as_view(), name="datenluecke-list"),
    path("datenluecken/neu/", views.datenluecke_vorschlagen, name="datenluecke-create"),
    path("datenluecken/<int:pk>/status/", views.datenluecke_status, name="datenluecke-status"),
]
