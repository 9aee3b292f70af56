import django_filters

from .models import Submission, SubmissionStatus


class SubmissionFilterSet(django_filters.FilterSet):
    """The one definition of a filtered list of submissions: the page's and the API's."""

    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices)

    class Meta:
        model = Submission
        fields = ["status"]
