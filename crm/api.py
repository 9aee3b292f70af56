"""Shared API plumbing: the exception handler that turns domain errors into 400/403."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Services raise Django's ValidationError and PermissionDenied; answer them as DRF would.

    A ValidationError with a field dict becomes ``{"field": ["message"]}``; one without fields
    becomes ``{"detail": "message"}``. Both are 400s; PermissionDenied is a 403.
    """
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": " ".join(exc.messages)})
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class ServiceWriteMixin:
    """For viewsets whose writes go through services: shape-check the input with a serializer."""

    def validated_input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
