app_name = "berichte"

urlpatterns = []
