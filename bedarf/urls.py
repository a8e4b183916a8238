app_name = "bedarf"

urlpatterns = []
