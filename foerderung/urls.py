app_name = "foerderung"

urlpatterns = []
