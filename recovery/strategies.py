"""Writes of the collection strategies: the champion's and a challenger's ladders, the
challenger's test (started with a share of the new cases, ended or promoted), and the
case-opening rules. Only the department head changes them, always saying why: each
change is in the history (pghistory) with who, when and the reason."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import User
from recovery.models import (
    CaseOpeningRule,
    Strategy,
    StrategyLevel,
    StrategyRole,
    champion_strategy_id,
)

LEVEL_FIELDS = ["order", "name", "min_days_late", "min_debt", "sector", "action", "letter"]


def _check(actor: User, permission: str, reason: str) -> str:
    if not actor.has_perm(permission):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why: the change is kept in the strategy's history."))
    return reason


def _context(actor: User, reason: str):
    return pghistory.context(user=actor.pk, reason=reason)


def champion() -> Strategy:
    return Strategy.objects.get(pk=champion_strategy_id())


def challenger() -> Strategy | None:
    return Strategy.objects.filter(role=StrategyRole.CHALLENGER, ended_on__isnull=True).first()


@transaction.atomic
def challenger_start(*, actor: User, name: str, share: int, notes: str, reason: str) -> Strategy:
    """A challenger with a copy of the champion's ladder (to be changed next), taking
    `share` per cent of the cases opened from today."""
    reason = _check(actor, "recovery.change_strategy", reason)
    if challenger() is not None:
        raise ValidationError(_("A challenger is already under test: end it first."))
    if not 1 <= share <= 50:
        raise ValidationError(_("The challenger's share must be between 1 and 50 per cent."))
    if not name.strip():
        raise ValidationError(_("Name the challenger."))
    with _context(actor, reason):
        strategy = Strategy.objects.create(
            name=name.strip(),
            role=StrategyRole.CHALLENGER,
            share=share,
            started_on=timezone.localdate(),
            notes=notes,
        )
        StrategyLevel.objects.bulk_create(
            StrategyLevel(
                strategy=strategy,
                is_active=level.is_active,
                **{field: getattr(level, field) for field in LEVEL_FIELDS},
            )
            for level in champion().levels.all()
        )
    return strategy


@transaction.atomic
def challenger_share(*, actor: User, strategy: Strategy, share: int, reason: str) -> Strategy:
    reason = _check(actor, "recovery.change_strategy", reason)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if not strategy.running:
        raise ValidationError(_("Only a challenger under test has a share."))
    if not 1 <= share <= 50:
        raise ValidationError(_("The challenger's share must be between 1 and 50 per cent."))
    with _context(actor, reason):
        strategy.share = share
        strategy.save(update_fields=["share"])
    return strategy


@transaction.atomic
def challenger_end(*, actor: User, strategy: Strategy, promote: bool, reason: str) -> Strategy:
    """End the test: the challenger stops taking new cases (its cases go on with the
    champion's ladder), or, promoted, becomes the champion and the old one retires."""
    reason = _check(actor, "recovery.change_strategy", reason)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if not strategy.running:
        raise ValidationError(_("This strategy is not under test."))
    today = timezone.localdate()
    with _context(actor, reason):
        if promote:
            old = Strategy.objects.select_for_update().get(pk=champion_strategy_id())
            old.role, old.ended_on = StrategyRole.RETIRED, today
            old.save(update_fields=["role", "ended_on"])
            strategy.role, strategy.share = StrategyRole.CHAMPION, 0
            strategy.save(update_fields=["role", "share"])
        else:
            strategy.ended_on = today
            strategy.save(update_fields=["ended_on"])
    return strategy


@transaction.atomic
def level_save(
    *,
    actor: User,
    strategy: Strategy,
    data: dict,
    reason: str,
    level: StrategyLevel | None = None,
) -> StrategyLevel:
    """Add a level to a ladder, or change one (the champion's or the challenger's under
    test; a retired or ended one is history)."""
    reason = _check(actor, "recovery.change_strategylevel", reason)
    if strategy.role == StrategyRole.RETIRED or strategy.ended_on is not None:
        raise ValidationError(_("This strategy has ended: its ladder is kept as it was."))
    if level is not None and level.strategy_id != strategy.pk:
        raise ValidationError(_("The level is not of this strategy."))
    level = level or StrategyLevel(strategy=strategy)
    for field in [*LEVEL_FIELDS, "is_active"]:
        if field in data:
            setattr(level, field, data[field])
    level.full_clean()
    with _context(actor, reason):
        level.save()
    return level


@transaction.atomic
def opening_rule_create(
    *,
    actor: User,
    valid_from: datetime.date,
    min_arrears: Decimal,
    min_days_late: int,
    reason: str,
) -> CaseOpeningRule:
    """A new dated case-opening rule (the newest in force on a night applies)."""
    reason = _check(actor, "recovery.add_caseopeningrule", reason)
    if valid_from < timezone.localdate():
        raise ValidationError(_("A new rule applies from today or a later date."))
    if min_arrears < 0:
        raise ValidationError(_("The minimum arrears cannot be negative."))
    if CaseOpeningRule.objects.filter(valid_from=valid_from).exists():
        raise ValidationError(
            _("A rule is already in force from %(day)s.") % {"day": valid_from.strftime("%d/%m/%Y")}
        )
    with _context(actor, reason):
        return CaseOpeningRule.objects.create(
            valid_from=valid_from, min_arrears=min_arrears, min_days_late=min_days_late
        )
