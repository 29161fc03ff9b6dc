"""The history (pghistory) of the audited models, with update triggers that stay linear.

The history triggers are statement-level (`PGHISTORY_LEVEL`): an update of N rows
records its N events in one INSERT that joins the trigger's `old_values` and
`new_values` transition tables on the primary key. PL/pgSQL plans that INSERT once per
database session, with the row counts of the first update it sees, and keeps the plan:
a session whose first update touched one agreement joins the next 25,000 by a nested
loop — 25,000 x 25,000 comparisons (measured on PostgreSQL 15: 2,500 rows took 7.3 s
after a one-row update, 0.1 s otherwise; 25,000 did not finish in 10 minutes). So the
update triggers plan their join with nested loops (and JIT) disabled, for that
statement only: the settings are restored right after: the cached plan is a hash join, linear in the
rows updated whatever came first in the session.

`track()` is `pghistory.track()` with these triggers; models use it instead.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from pghistory import trigger as pghistory_trigger

from core.sql import SET_BASED_SETTINGS

# (setting, value while the INSERT is planned, the variable keeping the previous value).
# JIT off as well: with nested loops disabled, the one that remains (the cross join
# with the one-row context) costs 10^10 on paper, and a one-row update would spend
# 0.4 s compiling its INSERT.
# The same settings as the nightly jobs' set-based statements (core.sql).
_VARIABLES = {"enable_nestloop": "_pgh_nestloop", "jit": "_pgh_jit"}
_SETTINGS = tuple(
    (name, SET_BASED_SETTINGS[name], variable) for name, variable in _VARIABLES.items()
)


class _LinearEvent(pghistory_trigger.Event):
    """pghistory's event trigger; a statement-level update plans without nested loops."""

    def _joins(self) -> bool:
        return self.level == pgtrigger.Statement and self.operation == pgtrigger.Update

    def get_declare(self, model):
        declare = list(super().get_declare(model))
        if self._joins():
            declare.extend((variable, "TEXT") for _setting, _value, variable in _SETTINGS)
        return declare

    def get_func(self, model):
        func = super().get_func(model)
        if not self._joins():
            return func
        indent = "\n                "
        before = "".join(
            f"{variable} := current_setting('{setting}');{indent}"
            f"PERFORM set_config('{setting}', '{value}', true);{indent}"
            for setting, value, variable in _SETTINGS
        )
        after = "".join(
            f"PERFORM set_config('{setting}', {variable}, true);{indent}"
            for setting, _value, variable in _SETTINGS
        )
        return pgtrigger.Func(before + func.func.replace("RETURN NULL;", after + "RETURN NULL;"))


class _LinearMixin:
    def add_event_trigger(self, event_model):
        pgtrigger.register(
            _LinearEvent(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=self.level,
            )
        )(event_model.pgh_tracked_model)


class InsertEvent(_LinearMixin, pghistory.InsertEvent):
    pass


class UpdateEvent(_LinearMixin, pghistory.UpdateEvent):
    pass


class DeleteEvent(_LinearMixin, pghistory.DeleteEvent):
    pass


def track(*trackers, **kwargs):
    """`pghistory.track()`, by default an insert and an update event, with this module's
    triggers."""
    return pghistory.track(*(trackers or (InsertEvent(), UpdateEvent())), **kwargs)
