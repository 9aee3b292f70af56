"""The requisites of the companies and contacts migrated (``crm.requisite.list``), each in
our preset of the same name (else the first of its country), its ``RQ_*`` fields under our
preset's codes (``bitrix24.requisites.rq_codes``, as the facade shows them).

New requisites are checked by their preset (``requisites.services.requisite_build``) and
added in one statement per kind of owner (``requisites_bulk_add``, which keeps an owner from
getting the same requisites twice); those the mapping knows are updated through
``requisite_update`` when the portal changed them. A row whose owner was not migrated (or
is out of the user's reach), or whose preset has no counterpart here, is refused.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from companies.models import Company, Contact
from requisites.models import Preset, Requisite
from requisites.services import requisite_build, requisite_update, requisites_bulk_add

from ..models import MappingKind
from ..requisites import COUNTRY_IDS, rq_codes
from .lists import REFUSALS, reason
from .report import Outcome
from .values import blank

OWNERS = {"4": (MappingKind.COMPANY, Company), "3": (MappingKind.CONTACT, Contact)}
COUNTRIES = {number: code for code, number in COUNTRY_IDS.items()}


class RequisitesStep:
    name = "requisites"

    def run(self, run) -> None:
        presets = self._presets(run)
        slices = run.slices(self.name, "crm.requisite.list", {})
        with contextlib.closing(slices):  # closed, its reader stopped, however the run ends
            for rows in slices:
                with transaction.atomic():
                    outcome = self.write(run, presets, rows)
                    run.save(self.name, cursor=int(rows[-1]["ID"]))
                run.report.add(self.name, outcome)

    def _presets(self, run) -> dict[str, Preset | None]:
        """The portal's preset ids -> ours: by name, else the first of the same country."""
        ours = list(Preset.objects.filter(is_active=True).prefetch_related("fields"))
        found = {}
        for row in run.source.everything("crm.requisite.preset.list"):
            name = str(row.get("NAME") or "").strip().casefold()
            country = COUNTRIES.get(int(row.get("COUNTRY_ID") or 0))
            found[str(row["ID"])] = next(
                (p for p in ours if p.name.casefold() == name),
                next((p for p in ours if p.country == country), None),
            )
        return found

    def _owners(self, run, rows) -> dict[str, dict[str, object]]:
        """For each kind of owner, the portal's ids -> our owners the user may change."""
        wanted: dict[str, set[str]] = {}
        for row in rows:
            wanted.setdefault(str(row.get("ENTITY_TYPE_ID")), set()).add(str(row["ENTITY_ID"]))
        found = {}
        for number, ids in wanted.items():
            if number not in OWNERS:
                continue
            kind, model = OWNERS[number]
            ours = run.mappings(kind).of(ids)
            items = model.objects.restrict(run.user, "update").in_bulk(set(ours.values()))
            found[number] = {b: items[pk] for b, pk in ours.items() if pk in items}
        return found

    def write(self, run, presets, rows) -> Outcome:
        outcome, tally = Outcome(), run.report.tally(self.name)
        owners = self._owners(run, rows)
        mappings = run.mappings(MappingKind.REQUISITE)
        known = mappings.of(row["ID"] for row in rows)
        stored = Requisite.objects.select_related("preset").in_bulk(set(known.values()))
        new: dict[type, list[tuple]] = {}  # by the owners' model
        for row in rows:
            bitrix_id = str(row["ID"])
            owner = owners.get(str(row.get("ENTITY_TYPE_ID")), {}).get(str(row.get("ENTITY_ID")))
            preset = presets.get(str(row.get("PRESET_ID")))
            if owner is None:
                outcome.refuse(bitrix_id, _("Its company or contact was not migrated, or you "
                                            "may not change it."))  # fmt: skip
                continue
            if preset is None:
                outcome.refuse(bitrix_id, _("No preset here is like the portal's preset %s.")
                               % row.get("PRESET_ID"))  # fmt: skip
                continue
            by_rq = {rq: code for code, rq in rq_codes(preset).items()}
            values = {}
            for name, value in row.items():
                if str(name).startswith("RQ_") and not blank(value):
                    if name in by_rq:
                        values[by_rq[name]] = str(value).strip()
                    else:
                        tally.left_out[name] += 1
            name = str(row.get("NAME") or "").strip()
            requisite = stored.get(known.get(bitrix_id))
            try:
                with transaction.atomic():
                    if requisite is not None and requisite.owner == owner:
                        self._update(run, outcome, requisite, name, values)
                        continue
                    built = requisite_build(preset=preset, name=name, values=values)
            except REFUSALS as error:
                outcome.refuse(bitrix_id, reason(error))
                continue
            new.setdefault(type(owner), []).append((bitrix_id, owner, built))
        made = {}
        for pairs in new.values():
            requisites_bulk_add(user=run.user, pairs=[(owner, built) for _b, owner, built in pairs])
            for bitrix_id, owner, built in pairs:
                made[bitrix_id] = built.pk or self._same(owner, built)
        mappings.record(made, replaced=[pk for pk in made if pk in known])
        outcome.created += len(made)
        return outcome

    def _update(self, run, outcome, requisite: Requisite, name: str, values: dict) -> None:
        if requisite.values == values and requisite.name == (name or requisite.preset.name):
            outcome.unchanged += 1
            return
        requisite_update(user=run.user, requisite=requisite, name=name, values=values,
                         allow_duplicate=True)  # fmt: skip
        outcome.updated += 1

    def _same(self, owner, built: Requisite) -> int:
        """The requisites ``owner`` had already that ``built`` repeats (the bulk service
        leaves those out)."""
        field = owner._meta.model_name
        same = Requisite.objects.filter(**{field: owner}, preset=built.preset)
        same = same.filter(tax_id=built.tax_id) if built.tax_id else same.filter(
            values=built.values)  # fmt: skip
        found = same.values_list("pk", flat=True).first()
        if found is None:  # pragma: no cover - the service adds what it does not find
            raise ValidationError(_("The requisites were neither added nor found."))
        return found
