from django.urls import path

from riposte.norms import consultation_urls, debate_views, views

app_name = "norms"

urlpatterns = [
    # -- the register (views.py)
    path("", views.norm_list, name="list"),
    path("new/", views.norm_propose, name="propose"),
    path("<int:pk>/", views.norm_detail, name="detail"),
    path("<int:pk>/edit/", views.norm_edit, name="edit"),
    path("<int:pk>/versions/", views.norm_versions, name="versions"),
    path("<int:pk>/follow/", views.norm_follow, name="follow"),
    path("<int:pk>/debate/", views.norm_put_to_debate, name="put-to-debate"),
    path("<int:pk>/link/", views.norm_link, name="link"),
    # -- evidence and debate (debate_views.py)
    path("<int:pk>/testimonies/", debate_views.testimony_add, name="testimony"),
    path("testimonies/<int:pk>/hide/", debate_views.testimony_hide, name="testimony-hide"),
    path("<int:pk>/arguments/", debate_views.argument_add, name="argument"),
    path("arguments/<int:pk>/endorse/", debate_views.argument_endorse, name="endorse"),
    path("arguments/<int:pk>/reply/", debate_views.argument_reply, name="reply"),
    path("arguments/<int:pk>/hide/", debate_views.argument_hide, name="argument-hide"),
]
urlpatterns += consultation_urls.urlpatterns
