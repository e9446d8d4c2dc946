from django.urls import path

from riposte.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.directory, name="search"),
    path("agents/<int:pk>/", views.agent_detail, name="agent"),
    path("services/<str:code>/", views.service_detail, name="service"),
    path("import/", views.import_directory, name="import"),
]
