"""``/api/v1/webhooks/``: a user creates, lists and revokes their own incoming webhooks."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from crm.api import TimelinePagination
from crm.api_serializers import Serializer

from ..models import Webhook
from ..services import webhook_address, webhook_create, webhook_revoke


class WebhookCreateSerializer(Serializer):
    description = serializers.CharField(max_length=255, required=False, allow_blank=True,
                                        default="")  # fmt: skip


class WebhookSerializer(Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    description = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class WebhookCreatedSerializer(Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField()
    description = serializers.CharField()
    token = serializers.CharField(help_text="Shown this once: only its hash is stored.")
    url = serializers.URLField(help_text="<site>/rest/<user id>/<token>/")


class WebhookViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Incoming webhooks of the signed-in user."""

    serializer_class = WebhookSerializer
    pagination_class = TimelinePagination
    queryset = Webhook.objects.none()  # the schema's model; get_queryset() is the user's
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Webhook.objects.none()
        return Webhook.objects.filter(user=self.request.user).order_by("-id")

    @extend_schema(request=WebhookCreateSerializer, responses={201: WebhookCreatedSerializer})
    def create(self, request):
        given = WebhookCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        webhook, secret = webhook_create(user=request.user, **given.validated_data)
        url = webhook_address(request.build_absolute_uri("/"), webhook, secret)
        shown = {"id": webhook.pk, "user": webhook.user_id, "description": webhook.description,
                 "token": secret, "url": url}  # fmt: skip
        return Response(WebhookCreatedSerializer(shown).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        webhook = self.get_queryset().filter(pk=pk, revoked_at__isnull=True).first()
        if webhook is None:
            raise Http404
        webhook_revoke(webhook=webhook)
        return Response(status=status.HTTP_204_NO_CONTENT)
