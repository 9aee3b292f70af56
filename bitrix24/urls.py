from django.urls import path, re_path

from . import pages, views

app_name = "bitrix24"

# The method may end in ".json" (b24pysdk, bitrix24-rest) or "/" (Bitrix24's own examples):
# both are accepted as they are, since a redirect would send b24pysdk to another host.
CALL = r"^rest/(?P<user_id>[0-9]{1,18})/(?P<secret>[^/]+)/(?P<name>[A-Za-z0-9_.]+?)(?:\.json)?/?$"

urlpatterns = [
    re_path(CALL, views.call, name="call"),
    path("profile/webhooks/", pages.webhook_list, name="webhooks"),
    path("profile/webhooks/<int:pk>/revoke/", pages.webhook_revoke_view, name="webhook_revoke"),
]
