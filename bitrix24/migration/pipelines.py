"""The portal's deal pipelines (``crm.category.list`` with ``entityTypeId`` 2, or the older
``crm.dealcategory.*``) and their stages (``DEAL_STAGE`` / ``DEAL_STAGE_<id>`` rows of
``crm.status.list``), through ``dictionaries.services``.

The portal's default pipeline (id 0) is ours; another is found by the mapping or added
(with the default stages, prefixed ``C<our id>:``); a renamed one is renamed. Its stages
are then synchronised as a list (``lists.sync_entries``): a stage keeps the portal's code
after the prefix (``C3:PAID`` there is ``C7:PAID`` here), the default stages of a pipeline
just added that the portal's lacks are removed, and the pipelines take the portal's order.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from dictionaries import services
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Pipeline

from ..models import MappingKind
from .lists import REFUSALS, reason, statuses, sync_entries
from .report import Outcome
from .source import SourceError

DEALS = 2  # Bitrix24's entity type id of deals


def _categories(run) -> list[dict]:
    """``{"id", "name", "sort"}`` of each pipeline, the default one as id 0."""
    try:
        found = run.source.everything("crm.category.list", {"entityTypeId": DEALS})
        return [{"id": int(c["id"]) if c.get("isDefault") != "Y" else 0, "name": c["name"],
                 "sort": int(c.get("sort") or 0)} for c in found]  # fmt: skip
    except SourceError:  # an older portal: the legacy methods
        default = run.source.call("crm.dealcategory.default.get")
        found = run.source.everything("crm.dealcategory.list")
        return [{"id": 0, "name": default["NAME"], "sort": 0}] + [
            {"id": int(c["ID"]), "name": c["NAME"], "sort": int(c.get("SORT") or 0)} for c in found
        ]


class PipelinesStep:
    name = "pipelines"

    def run(self, run) -> None:
        outcome, stages = Outcome(), Outcome()
        mappings = run.mappings(MappingKind.PIPELINE)
        known = mappings.all()
        ours = {p.pk: p for p in Pipeline.objects.all()}
        default = next(p for p in ours.values() if p.is_default)
        by_list = statuses(run)
        pairs, order = {}, []
        for category in sorted(_categories(run), key=lambda c: (c["sort"], c["id"])):
            number = category["id"]
            name = str(category["name"] or "").strip()[:100] or _("Pipeline %s") % number
            pipeline = default if number == 0 else ours.get(known.get(str(number)))
            created = pipeline is None
            try:
                with transaction.atomic():
                    if created:
                        pipeline = services.pipeline_create(user=run.user, name=name)
                        outcome.created += 1
                    elif pipeline.name != name:
                        pipeline = services.pipeline_update(user=run.user, pipeline=pipeline,
                                                            name=name)  # fmt: skip
                        outcome.updated += 1
                    else:
                        outcome.kept(mapped=str(number) in known)
            except REFUSALS as error:
                outcome.refuse(number, reason(error))
                continue
            if known.get(str(number)) != pipeline.pk:
                pairs[str(number)] = pipeline.pk
            order.append(pipeline.pk)
            entity_id = DEAL_STAGE if number == 0 else f"{DEAL_STAGE}_{number}"
            sync_entries(run, stages, entity_id, by_list.get(entity_id, []), DEAL_STAGE,
                         pipeline, created=created)  # fmt: skip
        mappings.record(pairs, replaced=[k for k in pairs if k in known])
        self._order(run, outcome, order)
        run.report.add(self.name, outcome)
        run.report.add("stages", stages)

    def _order(self, run, outcome: Outcome, placed: list[int]) -> None:
        pipelines = list(Pipeline.objects.all())
        position = {pk: n for n, pk in enumerate(placed)}
        wanted = sorted(pipelines, key=lambda p: (p.pk not in position, position.get(p.pk, 0),
                                                  p.sort, p.pk))  # fmt: skip
        if wanted != pipelines:
            try:
                services.pipelines_reorder(user=run.user, ids=[p.pk for p in wanted])
            except REFUSALS as error:
                outcome.refuse(_("order"), reason(error))
