from django.urls import path

from angebote import views, views_optionen, views_uebersetzung

app_name = "angebote"

urlpatterns = [
    path("", views.AngebotListView.as_view(), name="angebot-list"),
    path("neu/", views.AngebotCreateView.as_view(), name="angebot-create"),
    path("sammelaktion/", views.AngebotSammelaktionView.as_view(), name="angebot-sammelaktion"),
    path("<int:pk>/", views.AngebotDetailView.as_view(), name="angebot-detail"),
    path("<int:pk>/bearbeiten/", views.AngebotUpdateView.as_view(), name="angebot-update"),
    path(
        "<int:pk>/uebersetzungen/",
        views_uebersetzung.AngebotUebersetzungenView.as_view(),
        name="angebot-uebersetzungen",
    ),
    path(
        "<int:pk>/uebersetzungen/<str:sprache>/",
        views_uebersetzung.AngebotUebersetzungView.as_view(),
        name="angebot-uebersetzung",
    ),
    path("<int:pk>/aktion/<slug:aktion>/", views.angebot_aktion, name="angebot-aktion"),
    path("<int:pk>/pruefung/", views.angebot_pruefung, name="angebot-pruefung"),
    path("<int:pk>/bestaetigen/", views.angebot_bestaetigen, name="angebot-bestaetigen"),
    path("<int:pk>/bildungskette/", views.BildungsketteView.as_view(), name="bildungskette"),
    path("bildungsketten/sackgassen/", views.SackgassenView.as_view(), name="sackgassen"),
    path("zugangsmatrix/", views.ZugangsmatrixView.as_view(), name="zugangsmatrix"),
    path("export/", views.angebot_export, name="angebot-export"),
    path("import/", views.AngebotImportView.as_view(), name="angebot-import"),
    path("import/vorlage/", views.import_vorlage, name="import-vorlage"),
    path("optionen/<slug:art>.json", views_optionen.optionen, name="optionen"),
]
