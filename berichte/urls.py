from django.urls import path

from berichte import views, views_land, views_ziele

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
    # Steering: the Land's view of all Bündnisse (views_land; class-based views may replace these functions)
    path("land/", views_land.land_uebersicht, name="land-uebersicht"),
    path("land/vergleich/", views_land.land_vergleich, name="land-vergleich"),
    path("land/export.<str:fmt>", views_land.land_export, name="land-export"),
    path("land/<int:pk>/", views_land.land_buendnis, name="land-buendnis"),
    # Steering: targets of a Bündnis and their indicators (views_ziele)
    path("ziele/", views_ziele.zielsetzung_list, name="zielsetzung-list"),
    path("ziele/neu/", views_ziele.zielsetzung_create, name="zielsetzung-create"),
    path("ziele/<int:pk>/", views_ziele.zielsetzung_detail, name="zielsetzung-detail"),
    path("ziele/<int:pk>/bearbeiten/", views_ziele.zielsetzung_update, name="zielsetzung-update"),
    path("ziele/<int:pk>/aktion/<str:aktion>/", views_ziele.zielsetzung_aktion, name="zielsetzung-aktion"),
    path("ziele/<int:pk>/indikatoren/neu/", views_ziele.indikator_create, name="indikator-create"),
    path("ziele/indikatoren/<int:pk>/bearbeiten/", views_ziele.indikator_update, name="indikator-update"),
    path("ziele/indikatoren/<int:pk>/loeschen/", views_ziele.indikator_delete, name="indikator-delete"),
    path("ziele/indikatoren/<int:pk>/wert/", views_ziele.indikatorwert_create, name="indikatorwert-create"),
]
