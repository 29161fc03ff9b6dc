"""Solvency certificates (constancias de solvencia): each one issued, with its yearly
number, validity and the code anyone in the institute can verify it by."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from employers.models import Employer
from people.access import scope_to_branch


class CertificateSequence(models.Model):
    """The certificates' numbers, one sequence a year: CS-2026-0001, ..."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user) -> CertificateQuerySet:
        return scope_to_branch(self, user, branch_field="employer__branch")


class SolvencyCertificate(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_until = models.DateField(_("valid until"))
    code = models.CharField(_("verification code"), max_length=14, unique=True)
    # "solvent" or "with_agreement": what the employer was on the day.
    standing = models.CharField(_("standing"), max_length=16)
    agreement_number = models.CharField(_("agreement"), max_length=30, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("solvency certificate")
        verbose_name_plural = _("solvency certificates")

    def __str__(self) -> str:
        return self.number

    @property
    def standing_label(self) -> str:
        if self.standing == "with_agreement":
            return str(_("Solvent, with an agreement in force"))
        return str(_("Solvent"))

    def is_valid(self, today: datetime.date) -> bool:
        return today <= self.valid_until
