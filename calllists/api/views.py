"""``/api/v1/call-lists/``: call lists with their clients and calls, under the same rules as
the pages (``calllists.services``): a list its people may see, clients only if readable."""

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.api import TimelinePagination
from crm.api_serializers import Serializer

from .. import services
from ..models import CallList, CallListItem
from ..views import call_rows


class StatusCountSerializer(Serializer):
    status = serializers.CharField(help_text="A code of the CALL_LIST reference list.")
    count = serializers.IntegerField()


class CallListSerializer(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    purpose = serializers.CharField()
    responsible = serializers.IntegerField(source="responsible_id")
    created_at = serializers.DateTimeField()
    called = serializers.IntegerField()
    left = serializers.IntegerField()
    statuses = StatusCountSerializer(many=True)


class CallSerializer(Serializer):
    id = serializers.IntegerField(help_text="The call list entry.")
    entity = serializers.CharField(help_text="company, contact or lead")
    item_id = serializers.IntegerField()
    name = serializers.CharField()
    phones = serializers.ListField(child=serializers.CharField(), help_text="E.164")
    status = serializers.CharField(allow_null=True)
    comment = serializers.CharField()
    called_at = serializers.DateTimeField(allow_null=True)
    do_not_call = serializers.BooleanField()


class CallListDetailSerializer(CallListSerializer):
    calls = CallSerializer(many=True)


class ClientsSerializer(Serializer):
    # Checked by the services (company, contact or lead), as on the pages.
    entity = serializers.CharField(max_length=20, help_text="company, contact or lead")
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=10_000)


class CallListCreateSerializer(ClientsSerializer):
    name = serializers.CharField(max_length=255)
    purpose = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True)
    )


class CallResultSerializer(Serializer):
    entry = serializers.IntegerField(help_text="The call list entry (``calls[].id``).")
    status = serializers.CharField(max_length=50)
    comment = serializers.CharField(max_length=20_000, required=False, default="", allow_blank=True)


class AddedSerializer(Serializer):
    added = serializers.IntegerField()


def _shown(call_list, calls=None) -> dict:
    progress = services.progress(call_list)
    shown = {
        "id": call_list.pk, "name": call_list.name, "purpose": call_list.purpose,
        "responsible_id": call_list.responsible_id, "created_at": call_list.created_at,
        "called": progress["called"], "left": progress["left"],
        "statuses": [{"status": s.code, "count": n} for s, n in progress["statuses"]],
    }  # fmt: skip
    if calls is not None:
        shown["calls"] = calls
    return shown


def _call(row) -> dict:
    entry = row["entry"]
    return {
        "id": entry.pk, "entity": entry.item_type.model, "item_id": entry.item_id,
        "name": str(row["client"]), "phones": [dial for _shown, dial in row["phones"]],
        "status": entry.status.code if entry.status else None, "comment": entry.comment,
        "called_at": entry.called_at, "do_not_call": row["stop"],
    }  # fmt: skip


class CallListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Call lists the signed-in user works on or made."""

    serializer_class = CallListSerializer
    pagination_class = TimelinePagination
    queryset = CallList.objects.none()  # the schema's model; get_queryset() is the user's
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CallList.objects.none()
        return CallList.objects.visible_to(self.request.user).order_by("-id")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_shown(one) for one in page])

    def _call_list(self, pk) -> CallList:
        call_list = self.get_queryset().filter(pk=pk).first()
        if call_list is None:
            raise Http404
        return call_list

    @extend_schema(responses=CallListDetailSerializer)
    def retrieve(self, request, pk=None):
        call_list = self._call_list(pk)
        calls = [_call(row) for row in call_rows(request.user, call_list)]
        return Response(CallListDetailSerializer(_shown(call_list, calls)).data)

    @extend_schema(request=CallListCreateSerializer, responses={201: CallListSerializer})
    def create(self, request):
        given = CallListCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        call_list = services.call_list_create(
            user=request.user, name=data["name"], purpose=data["purpose"],
            responsible=data["responsible"], entity_key=data["entity"], ids=data["ids"],
        )  # fmt: skip
        return Response(CallListSerializer(_shown(call_list)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClientsSerializer, responses=AddedSerializer)
    @action(detail=True, methods=["post"])
    def clients(self, request, pk=None):
        """Adds clients (those the user may read, not yet on the list)."""
        call_list = self._call_list(pk)
        given = ClientsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        added = services.call_list_add(
            user=request.user, call_list=call_list, entity_key=given.validated_data["entity"],
            ids=given.validated_data["ids"],
        )  # fmt: skip
        return Response({"added": added})

    @extend_schema(request=CallResultSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def calls(self, request, pk=None):
        """Records the result of one call (into the client's history too)."""
        call_list = self._call_list(pk)
        given = CallResultSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        entry = CallListItem.objects.filter(
            call_list=call_list, pk=given.validated_data["entry"]
        ).first()
        if entry is None or services.client_of(request.user, entry) is None:
            raise Http404
        services.call_record(
            user=request.user, entry=entry, comment=given.validated_data["comment"],
            status=services.call_status(given.validated_data["status"]),
        )  # fmt: skip
        [row] = call_rows(request.user, call_list, call_list.items.filter(pk=entry.pk))
        return Response(CallSerializer(_call(row)).data)
