from django.urls import path

from riposte.norms import consultation_urls, views

app_name = "norms"

urlpatterns = [
    path("", views.norm_list, name="list"),
    path("new/", views.norm_propose, name="propose"),
    path("<int:pk>/", views.norm_detail, name="detail"),
]
urlpatterns += consultation_urls.urlpatterns
