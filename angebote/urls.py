app_name = "angebote"

urlpatterns = []
