"""``/<id>/shares/`` for CRM item viewsets: with whom an item is shared on top of roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accessrights import services
from accessrights.rights import SHARE_VERBS

from .serializers import ShareSerializer

TARGETS = ("user", "group")


def item_shares(item) -> list[dict]:
    """Who ``item`` is shared with: ``[{"user", "group", "actions"}]``, users first.

    Reads the model's direct django-guardian tables (``CompanyUserShare``, ...); permissions
    other than view/change/delete are not shares and are left out.
    """
    model = type(item)
    share_actions = {f"{verb}_{model._meta.model_name}": a for a, verb in SHARE_VERBS.items()}
    found: dict[tuple[str, int], set[str]] = {}
    for target, table in (
        ("user", get_user_obj_perms_model(model)),
        ("group", get_group_obj_perms_model(model)),
    ):
        rows = table.objects.filter(content_object=item).values_list(
            f"{target}_id", "permission__codename"
        )
        for target_id, codename in rows:
            if codename in share_actions:
                found.setdefault((target, target_id), set()).add(share_actions[codename])
    order = list(SHARE_VERBS)
    return [
        {
            "user": target_id if target == "user" else None,
            "group": target_id if target == "group" else None,
            "actions": sorted(actions, key=order.index),
        }
        for (target, target_id), actions in sorted(
            found.items(), key=lambda entry: (TARGETS.index(entry[0][0]), entry[0][1])
        )
    ]


def _share_of(item, target: str, target_id: int) -> dict | None:
    return next((s for s in item_shares(item) if s[target] == target_id), None)


class ItemSharesMixin:
    """Adds shares endpoints to a ``crm.api.RestrictedModelViewSet`` whose model has direct
    django-guardian share tables:

    - ``GET <id>/shares/``: who the item is shared with, and for what;
    - ``POST <id>/shares/``: share it with ``user`` or ``group`` for ``actions``;
    - ``DELETE <id>/shares/<user id>/`` and ``DELETE <id>/shares/groups/<group id>/``: stop.

    The item is found through ``restrict(user, "read")`` (a 404 otherwise); changes go through
    ``accessrights.services`` which need the right to update the item (a 403 otherwise).
    """

    @extend_schema(responses=ShareSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        restrict_action="read",
        pagination_class=None,
        filter_backends=[],
    )
    def shares(self, request, pk=None):
        """Who the item is shared with on top of their roles, and for which actions."""
        return Response(item_shares(self.get_object()))

    @extend_schema(request=ShareSerializer, responses={201: ShareSerializer})
    @shares.mapping.post
    def share(self, request, pk=None):
        """Share the item with a user or a group (needs the right to update the item).
        Actions add to those already shared; the answer lists them all."""
        item = self.get_object()
        serializer = ShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = "user" if data.get("user") is not None else "group"
        services.item_share(
            user=request.user, item=item, target=data[target], actions=data["actions"]
        )
        return Response(_share_of(item, target, data[target].pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("user_id", int, OpenApiParameter.PATH, description="Id of the user.")
        ],
        request=None,
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"shares/(?P<user_id>[0-9]+)",
        restrict_action="read",
        filter_backends=[],
    )
    def unshare_user(self, request, pk=None, user_id=None):
        """Stop sharing the item with a user (needs the right to update the item)."""
        return self._unshare(request, "user", get_user_model(), int(user_id))

    @extend_schema(
        parameters=[
            OpenApiParameter("group_id", int, OpenApiParameter.PATH, description="Id of the group.")
        ],
        request=None,
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"shares/groups/(?P<group_id>[0-9]+)",
        restrict_action="read",
        filter_backends=[],
    )
    def unshare_group(self, request, pk=None, group_id=None):
        """Stop sharing the item with a group (needs the right to update the item)."""
        return self._unshare(request, "group", Group, int(group_id))

    def _unshare(self, request, target: str, model, target_id: int) -> Response:
        item = self.get_object()
        if _share_of(item, target, target_id) is None:
            raise Http404
        services.item_unshare(user=request.user, item=item, target=model.objects.get(pk=target_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
