app_name = "dti"
urlpatterns: list = []
