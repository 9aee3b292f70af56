from dictionaries.models import Entry, Pipeline


def snapshot() -> list[tuple]:
    """Every reference-list entry and pipeline, to prove a refused action changed nothing."""
    entries = list(
        Entry.objects.order_by("pk").values_list(
            "pk",
            "list_code",
            "pipeline_id",
            "code",
            "name",
            "sort",
            "color",
            "is_system",
            "semantics",
        )
    )
    pipelines = list(
        Pipeline.objects.order_by("pk").values_list("pk", "name", "sort", "is_default")
    )
    return entries + pipelines


def entry(list_code: str, code: str) -> Entry:
    return Entry.objects.get(list_code=list_code, code=code)


def codes(list_code: str, pipeline=None) -> list[str]:
    return list(Entry.objects.of_list(list_code, pipeline).values_list("code", flat=True))
