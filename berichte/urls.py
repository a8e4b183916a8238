from django.urls import path

from berichte import views

app_name = "berichte"

urlpatterns = [
    path("", views.BerichtListView.as_view(), name="bericht-list"),
    path("neu/", views.BerichtCreateView.as_view(), name="bericht-create"),
    path("<int:pk>/", views.BerichtDetailView.as_view(), name="bericht-detail"),
    path("<int:pk>/datei/<str:fmt>/", views.bericht_download, name="bericht-download"),
    path("<int:pk>/status/", views.bericht_status, name="bericht-status"),
    path("<int:pk>/erneut/", views.BerichtWiederholenView.as_view(), name="bericht-wiederholen"),
    path("protokoll/<int:pk>/<str:fmt>/", views.protokoll, name="protokoll"),
    path("exporte/", views.export_uebersicht, name="export-uebersicht"),
    path("exporte/datenpaket/", views.DatenpaketView.as_view(), name="datenpaket"),
    path("exporte/auftraege/<int:pk>/", views.exportauftrag_detail, name="exportauftrag-detail"),
    path("exporte/auftraege/<int:pk>/status/", views.exportauftrag_status, name="exportauftrag-status"),
    path("exporte/auftraege/<int:pk>/datei/", views.exportauftrag_download, name="exportauftrag-download"),
    path("exporte/<str:app_label>/<str:model_name>/", views.export, name="export"),
    path("opendata/angebote.json", views.opendata_json, name="opendata-json"),
    path("opendata/angebote-hsds.zip", views.opendata_hsds, name="opendata-hsds"),
]
