"""What a run did: counts for each step, the Bitrix24 fields whose values have nowhere to go
here, and every row refused with its reason (also written to ``--failures``, as CSV)."""

import csv
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class Tally:
    """One step's counts; ``left_out``: Bitrix24 fields given values that we have no field
    for, with how many rows gave one."""

    created: int = 0
    matched: int = 0  # found here already (a user by e-mail, a list entry by code)
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    left_out: Counter = field(default_factory=Counter)
    seconds: float = 0.0  # the step's time in this run


@dataclass
class Outcome:
    """What writing one slice (or one small step) did, given to the report once it is
    committed: a slice rolled back reports nothing of what it had done."""

    created: int = 0
    matched: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (Bitrix24 id, reason)

    def refuse(self, bitrix_id, reason) -> None:
        self.refused.append(("" if bitrix_id is None else str(bitrix_id), str(reason)))

    def kept(self, *, mapped: bool) -> None:
        """A row already here as the portal has it: known to the mapping (``mapped``), or
        found now (by its code, its e-mail...)."""
        if mapped:
            self.unchanged += 1
        else:
            self.matched += 1


class Report:
    """The tallies of a run and its refused rows, written to ``failures`` (an open text file,
    or None) as they come: ``step, Bitrix24 id, reason``."""

    def __init__(self, failures=None):
        self.tallies: dict[str, Tally] = {}
        self.refusals: list[tuple[str, str, str]] = []
        self.writer = csv.writer(failures) if failures is not None else None
        if self.writer is not None:
            self.writer.writerow([_("step"), _("Bitrix24 id"), _("reason")])
        self.failures = failures

    def tally(self, step: str) -> Tally:
        return self.tallies.setdefault(step, Tally())

    def add(self, step: str, outcome: Outcome) -> None:
        """Count what ``outcome`` did; each row it refused is kept and written to the
        failures file."""
        tally = self.tally(step)
        for name in ("created", "matched", "updated", "unchanged"):
            setattr(tally, name, getattr(tally, name) + getattr(outcome, name))
        tally.refused += len(outcome.refused)
        for bitrix_id, reason in outcome.refused:
            entry = (step, bitrix_id, reason)
            self.refusals.append(entry)
            if self.writer is not None:
                self.writer.writerow(entry)
        if self.writer is not None and outcome.refused:
            self.failures.flush()  # what was refused stays known if the run is killed

    def lines(self) -> list[str]:
        """The summary, one line per step and one per field left out."""
        lines = []
        for step, tally in self.tallies.items():
            counts = [(tally.created, _("created")), (tally.matched, _("found here")),
                      (tally.updated, _("updated")), (tally.unchanged, _("unchanged")),
                      (tally.refused, _("refused"))]  # fmt: skip
            shown = ", ".join(f"{count:,} {label}" for count, label in counts if count)
            took = " " + _("(%.1f s)") % tally.seconds if tally.seconds else ""
            lines.append(f"{step}: {shown or _('nothing to do')}{took}")
            if tally.left_out:
                fields = ", ".join(f"{code} ({count:,})" for code, count in
                                   sorted(tally.left_out.items()))  # fmt: skip
                lines.append("  " + _("fields with no place here, left out: %s") % fields)
        return lines
