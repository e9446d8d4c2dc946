from django.contrib import admin
from django.urls import include, path

from riposte.api import api
from riposte.core import views as core_views
from riposte.directory import views as directory_views

admin.site.site_header = "Riposte"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("notifications/", core_views.notifications, name="notifications"),
    path("notifications/read/", core_views.notifications_read, name="notifications-read"),
    path("language/", core_views.set_language, name="set-language"),
    path("m/<slug:slug>/", core_views.module, name="module"),
    path("auth/login/", directory_views.login_view, name="login"),
    path("auth/logout/", directory_views.logout_view, name="logout"),
    path("auth/oidc/login/", directory_views.oidc_login, name="oidc-login"),
    path("auth/oidc/callback/", directory_views.oidc_callback, name="oidc-callback"),
    path("me/", directory_views.profile, name="profile"),
    path("me/tokens/", directory_views.token_create, name="token-create"),
    path("me/tokens/<int:pk>/revoke/", directory_views.token_revoke, name="token-revoke"),
    path("directory/", include("riposte.directory.urls")),
    path("initiatives/", include("riposte.initiatives.urls")),
    path("cooperations/", include("riposte.cooperations.urls")),
    path("norms/", include("riposte.norms.urls")),
    path("coffee/", include("riposte.coffee.urls")),
    path("workshops/", include("riposte.workshops.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
