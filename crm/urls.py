from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import api, views
from .schema import CachedSchemaGenerator

api_v1 = [
    path("", include("dictionaries.api.urls")),
    path("", include("companies.api.urls")),
    path("", include("crm.rights_api.urls")),
    path("", include("requisites.api.urls")),
    path("", include("deals.api.urls")),
    path("", include("importexport.api.urls")),
    path("", include("importexport.api.export_urls")),
    path("", include("webforms.api.urls")),
    path("", include("bitrix24.api.urls")),
    path("", include("calllists.api.urls")),
    path("", include("quotes.api.urls")),
    path("", include("analytics.api_urls")),
    path("", include("people.api_urls")),
    path("", include("activities.api.urls")),
]

crm_urls = ([path("jobs/<int:pk>/", views.job, name="job")], "crm")

urlpatterns = [
    path("", views.home, name="home"),
    path("", include(crm_urls)),
    path("health/", views.health, name="health"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("companies.urls")),
    path("", include("requisites.urls")),
    path("", include("deals.urls")),
    path("", include("importexport.urls")),
    path("", include("importexport.export_urls")),
    path("", include("webforms.urls")),
    path("", include("bitrix24.urls")),
    path("", include("calllists.urls")),
    path("", include("quotes.urls")),
    path("", include("analytics.urls")),
    path("", include("people.urls")),
    path("", include("activities.urls")),
    path("settings/rights/", include("accessrights.urls")),
    path("settings/", include("dictionaries.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # Signed-in users only (SERVE_PERMISSIONS); the docs page sends visitors to the login.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(generator_class=CachedSchemaGenerator),
        name="api-schema",
    ),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # Last: an API address no route above answers (ending in a slash, so that APPEND_SLASH
    # still sends /api/v1/companies to /api/v1/companies/).
    re_path(r"^api/(?P<path>[\s\S]*/)?$", api.not_found),
]
