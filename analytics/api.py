"""``GET /api/v1/analytics/<report>/``: a report's table as JSON, for the parameters the page
takes (``period``, ``date_from``, ``date_to``, ``pipeline``, ``responsible``, ``department``,
``interval``), through the pages' read path (``reports.read_report``)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .parameters import INTERVALS, PERIODS
from .reports import REPORTS, UnknownReport, read_report

_TABLE = inline_serializer(
    "AnalyticsTable",
    {
        "report": serializers.ChoiceField(list(REPORTS)),
        "title": serializers.CharField(),
        "columns": inline_serializer(
            "AnalyticsColumn",
            {
                "key": serializers.CharField(),
                "label": serializers.CharField(),
                "kind": serializers.ChoiceField(["text", "count", "money", "percent", "days"]),
            },
            many=True,
        ),
        "rows": serializers.ListField(child=serializers.DictField()),
        "summary": serializers.ListField(child=serializers.DictField()),
        "as_of": serializers.DateTimeField(
            help_text="When the figures were read: they hold every change saved before it."
        ),
        "chart": serializers.DictField(),
    },
)


class AnalyticsReportView(APIView):
    """A report's table: ``columns`` (``money`` cells are ``{currency: "amount"}``, ``percent``
    and ``days`` decimal strings or null), ``rows`` keyed by column, over the items the caller
    may read. An unknown report is a 404, bad parameters a 400 naming them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="analytics_report",
        parameters=[
            OpenApiParameter("report", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(REPORTS)),
            OpenApiParameter("period", OpenApiTypes.STR, enum=[key for key, _l in PERIODS],
                             description="Default: month (this month)."),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="With period=custom."),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="With period=custom."),
            OpenApiParameter("pipeline", OpenApiTypes.INT),
            OpenApiParameter("responsible", OpenApiTypes.INT),
            OpenApiParameter("department", OpenApiTypes.INT,
                             description="With its sub-departments."),
            OpenApiParameter("interval", OpenApiTypes.STR, enum=[key for key, _l in INTERVALS]),
        ],
        responses=_TABLE,
    )  # fmt: skip
    def get(self, request, report: str):
        try:
            _found, form, table = read_report(request.user, report, request.query_params)
        except UnknownReport:
            raise exceptions.NotFound(_("There is no such report.")) from None
        if table is None:
            raise exceptions.ValidationError(
                {name: list(errors) for name, errors in form.errors.items()}
            )
        return Response(table.as_data())
