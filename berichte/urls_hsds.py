"""Read-only Open Referral HSDS 3.0 API for municipal information apps (mounted at `/api/hsds/`)."""

from django.urls import path

from berichte import views_hsds

app_name = "hsds"
urlpatterns = [
    path("", views_hsds.wurzel, name="wurzel"),
    path("openapi.json", views_hsds.openapi, name="openapi"),
    path("services", views_hsds.services, name="services"),
    path("services/<str:id>", views_hsds.service, name="service"),
    path("organizations", views_hsds.organizations, name="organizations"),
    path("organizations/<str:id>", views_hsds.organization, name="organization"),
    path("taxonomies", views_hsds.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", views_hsds.taxonomy, name="taxonomy"),
    path("taxonomy_terms", views_hsds.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", views_hsds.taxonomy_term, name="taxonomy_term"),
]
