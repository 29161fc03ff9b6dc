import datetime
from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Func, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import history
from core.money import MONEY, ZERO
from employers.validators import format_dui, format_nit, validate_dui, validate_nit
from people.access import scope_to_branch
from people.models import Branch


class Department(models.Model):
    """The 14 departments, with the Ministerio de Hacienda codes (CAT-012)."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """The 44 municipalities of the 2024 territorial reform (CAT-013)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=80)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="municipalities"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    PRIVATE = "private", _("Private")
    PUBLIC = "public", _("Public (central government)")
    AUTONOMOUS = "autonomous", _("Autonomous institution")
    MUNICIPAL = "municipal", _("Municipal")
    DOMESTIC = "domestic", _("Domestic work")
    NONPROFIT = "nonprofit", _("Non-profit")


class PersonType(models.TextChoices):
    LEGAL = "legal", _("Legal person")
    NATURAL = "natural", _("Natural person")


class EmployerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive (no workers reported)")
    CLOSED = "closed", _("Closed")


class SearchText(Func):
    """recupera_search_text(...): lower-case, unaccented text of the searchable fields.

    A SQL function (created in migration 0001) declared IMMUTABLE so that it can feed a
    generated column with a trigram index; unaccent() itself is only STABLE.
    """

    function = "recupera_search_text"
    output_field = models.TextField()


def arrears_filter(today: datetime.date, prefix: str = "") -> Q:
    """Periods in arrears on `today`: something still owed and the due date passed."""
    return Q(**{f"{prefix}balance__gt": 0, f"{prefix}due_date__lt": today})


class EmployerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EmployerQuerySet":
        return scope_to_branch(self, user, branch_field="branch")

    def search(self, text: str) -> "EmployerQuerySet":
        from employers.search import normalize_search

        # Every word must appear, in any order: "trigal panaderia" finds
        # "Panadería El Trigal". Each word is served by the trigram index.
        queryset = self
        for word in normalize_search(text).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def with_arrears(self, today: datetime.date | None = None) -> "EmployerQuerySet":
        """Annotate `arrears` (amount past due) and `oldest_arrears_period`."""
        today = today or timezone.localdate()
        periods = ContributionPeriod.objects.filter(
            arrears_filter(today), employer=OuterRef("pk")
        ).order_by()
        total = periods.values("employer").annotate(total=Sum("balance")).values("total")
        oldest = periods.values("employer").annotate(oldest=Min("period")).values("oldest")
        return self.annotate(
            arrears=Coalesce(
                Subquery(total, output_field=models.DecimalField(**MONEY)),
                Value(ZERO),
                output_field=models.DecimalField(**MONEY),
            ),
            oldest_arrears_period=Subquery(oldest, output_field=models.DateField()),
        )

    def in_arrears(self, today: datetime.date | None = None) -> "EmployerQuerySet":
        today = today or timezone.localdate()
        return self.filter(
            models.Exists(
                ContributionPeriod.objects.filter(arrears_filter(today), employer=OuterRef("pk"))
            )
        )


@history.track()
class Employer(models.Model):
    employer_number = models.CharField(_("employer number"), max_length=12, unique=True)
    person_type = models.CharField(
        _("person type"), max_length=10, choices=PersonType, default=PersonType.LEGAL
    )
    nit = models.CharField(_("NIT"), max_length=14, validators=[validate_nit], db_index=True)
    dui = models.CharField(_("DUI"), max_length=9, blank=True, validators=[validate_dui])
    nrc = models.CharField(_("NRC"), max_length=10, blank=True)
    legal_name = models.CharField(_("legal name"), max_length=250)
    trade_name = models.CharField(_("trade name"), max_length=250, blank=True)
    economic_activity = models.CharField(_("economic activity"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=12, choices=Sector, default=Sector.PRIVATE)
    address = models.CharField(_("address"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=200, blank=True)
    # db_default: the arrears import inserts employers in bulk with its own column list.
    legal_representative_dui = models.CharField(
        _("legal representative's DUI"),
        max_length=9,
        blank=True,
        default="",
        db_default="",
        validators=[validate_dui],
    )
    # No index of its own: employer_branch_name_idx (branch, legal name) leads with it.
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="employers",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EmployerStatus, default=EmployerStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search_text = models.GeneratedField(
        expression=SearchText(F("employer_number"), F("nit"), F("legal_name"), F("trade_name")),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = EmployerQuerySet.as_manager()

    # What staff may change by hand (the form and employer_update): contact and registry
    # data. The number, NIT, name and branch come from the account system's imports.
    EDITABLE_FIELDS = [
        "trade_name",
        "nrc",
        "economic_activity",
        "sector",
        "status",
        "address",
        "department",
        "municipality",
        "phone",
        "email",
        "legal_representative",
        "legal_representative_dui",
    ]

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        permissions = [("view_history", _("Can view the change history"))]
        indexes = [
            models.Index(fields=["legal_name"], name="employer_name_idx"),
            models.Index(fields=["branch", "legal_name"], name="employer_branch_name_idx"),
            # Serves the accent- and case-insensitive "contains" search of the list.
            GinIndex(
                fields=["search_text"], opclasses=["gin_trgm_ops"], name="employer_search_trgm"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(employer_number__regex=r"^[0-9]{1,12}$"),
                name="employer_number_digits",
            ),
            models.CheckConstraint(
                condition=Q(nit__regex=r"^([0-9]{14}|[0-9]{9})$"), name="employer_nit_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_number} · {self.legal_name}"

    def clean(self) -> None:
        if (
            self.municipality_id
            and self.department_id
            and self.municipality.department_id != self.department_id
        ):
            raise ValidationError(
                {"municipality": _("The municipality is not in the department chosen.")}
            )

    @property
    def nit_display(self) -> str:
        return format_nit(self.nit)

    @property
    def dui_display(self) -> str:
        return format_dui(self.dui)

    @property
    def representative_dui_display(self) -> str:
        return format_dui(self.legal_representative_dui)

    @property
    def is_natural_person(self) -> bool:
        return self.person_type == PersonType.NATURAL


# The main work centre: every period of a file without the `centro_trabajo` column.
MAIN_WORK_CENTRE = "001"


class ContributionPeriodQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ContributionPeriodQuerySet":
        return scope_to_branch(self, user, branch_field="employer__branch")

    def in_arrears(self, today: datetime.date | None = None) -> "ContributionPeriodQuerySet":
        return self.filter(arrears_filter(today or timezone.localdate()))


class ArrearsImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed, awaiting confirmation")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected (invalid rows)")
    DISCARDED = "discarded", _("Discarded")


class ArrearsImportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ArrearsImportQuerySet":
        # Imports cover every branch: only department-wide roles see them.
        if user.has_perm("employers.view_arrearsimport"):
            return self
        return self.none()


@history.track()
class ArrearsImport(models.Model):
    """One arrears file: who uploaded it, who confirmed it, when, its hash and what it
    did. Its changes are in the history (pghistory)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    stored_file = models.CharField(max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ArrearsImportStatus)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    employers_created = models.PositiveIntegerField(_("employers created"), default=0)
    periods_created = models.PositiveIntegerField(_("periods created"), default=0)
    periods_updated = models.PositiveIntegerField(_("periods updated"), default=0)
    periods_unchanged = models.PositiveIntegerField(_("periods unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    objects = ArrearsImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("arrears import")
        verbose_name_plural = _("arrears imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


@history.track(
    # Statement-level, update/delete only: an import inserts a million rows at once
    # and the import log already records who created them. Before and after of
    # every change are kept.
    history.UpdateEvent("period.before_update", row=pghistory.Old),
    history.UpdateEvent("period.update", row=pghistory.New),
    history.DeleteEvent("period.delete"),
    exclude=["balance"],
)
class ContributionPeriod(models.Model):
    # No index of its own: the unique (employer, work centre, period) leads with it.
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="periods",
        db_index=False,
    )
    # The work centre (centro de trabajo): a 3-digit correlative of the employer number,
    # "001" the main one (and every period of a file without the column).
    work_centre = models.CharField(
        _("work centre"),
        max_length=3,
        default=MAIN_WORK_CENTRE,
        db_default=MAIN_WORK_CENTRE,
    )
    period = models.DateField(_("period"), help_text=_("First day of the contribution month."))
    due_date = models.DateField(_("due date"))
    employer_share = models.DecimalField(_("employer share"), default=ZERO, **MONEY)
    worker_share = models.DecimalField(_("worker share"), default=ZERO, **MONEY)
    fines = models.DecimalField(_("fines"), default=ZERO, **MONEY)
    surcharges = models.DecimalField(_("surcharges"), default=ZERO, **MONEY)
    paid = models.DecimalField(_("paid"), default=ZERO, **MONEY)
    # Derived by the database from the amounts above; never written by the application.
    balance = models.GeneratedField(
        expression=F("employer_share")
        + F("worker_share")
        + F("fines")
        + F("surcharges")
        - F("paid"),
        output_field=models.DecimalField(**MONEY),
        db_persist=True,
    )

    objects = ContributionPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["employer", "period", "work_centre"]
        verbose_name = _("contribution period")
        verbose_name_plural = _("contribution periods")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "work_centre", "period"], name="period_unique_centre"
            ),
            models.CheckConstraint(
                condition=Q(work_centre__regex=r"^[0-9]{3}$") & ~Q(work_centre="000"),
                name="period_work_centre_digits",
            ),
            models.CheckConstraint(
                condition=Q(employer_share__gte=0)
                & Q(worker_share__gte=0)
                & Q(fines__gte=0)
                & Q(surcharges__gte=0)
                & Q(paid__gte=0),
                name="period_amounts_not_negative",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="period_first_of_month"),
        ]
        indexes = [
            # Serves the arrears sums of the employer list: only rows still owed.
            models.Index(
                fields=["employer", "due_date"],
                include=["balance", "period"],
                condition=Q(balance__gt=0),
                name="period_owed_idx",
            ),
        ]

    def __str__(self) -> str:
        centre = "" if self.work_centre == MAIN_WORK_CENTRE else f" ({self.work_centre})"
        return f"{self.employer.employer_number}{centre} {self.period:%Y-%m}"

    @property
    def total_due(self) -> Decimal:
        return self.employer_share + self.worker_share + self.fines + self.surcharges

    def days_past_due(self, today: datetime.date) -> int:
        return max((today - self.due_date).days, 0)


class ArrearsDigest(models.Model):
    """What the last applied import's rows of one employer came to: how many, and the
    exclusive or of each row's 64-bit hash (its columns as the file gave them).

    A later file whose rows of that employer have the same count and digest, while the
    employer's NIT is still the one they were checked against, holds exactly the same
    rows (reordered at most): they were valid then and, since only the import writes
    periods, the periods already hold them. The import sets those rows aside without
    checking them again; any other difference sends all of the employer's rows through
    every check. Written only by the import."""

    employer = models.OneToOneField(
        Employer, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    nit = models.CharField(_("NIT"), max_length=14)
    rows = models.PositiveIntegerField(_("rows"))
    digest = models.BigIntegerField(_("digest"))

    class Meta:
        verbose_name = _("arrears digest")
        verbose_name_plural = _("arrears digests")

    def __str__(self) -> str:
        return f"{self.employer_id}: {self.rows}"


class ArrearsSummary(models.Model):
    """One employer's periods in arrears summed up as of `ArrearsSummaryState.as_of`:
    what sorting a list by debt (the agents' queue) reads instead of summing every
    case's periods on every request. Employers with nothing in arrears have no row.

    Trusted only while the state's date is today: any statement that writes periods
    clears that date (a trigger on the periods' table, migration 0018), and it is set
    again only by `employers.arrears.refresh_arrears_summary`, which the import calls
    after its merge and the nightly run calls every night (a due date passing changes
    what is in arrears). Until then lists sum the periods as before. Written only by
    that function."""

    employer = models.OneToOneField(
        Employer, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    debt = models.DecimalField(_("debt"), **MONEY)
    oldest_due = models.DateField(_("oldest due"))

    class Meta:
        verbose_name = _("arrears summary")
        verbose_name_plural = _("arrears summaries")

    def __str__(self) -> str:
        return f"{self.employer_id}: {self.debt}"


class ArrearsSummaryState(models.Model):
    """The one row that says as of which day ArrearsSummary holds (NULL: stale)."""

    as_of = models.DateField(_("as of"), null=True, blank=True)

    class Meta:
        verbose_name = _("arrears summary state")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="arrears_summary_one_state")]

    def __str__(self) -> str:
        return f"{self.as_of or '-'}"


AGING_BUCKETS = [
    # (key, label, first day, last day or None)
    ("d0_30", _("0–30 days"), 0, 30),
    ("d31_90", _("31–90 days"), 31, 90),
    ("d91_180", _("91–180 days"), 91, 180),
    ("d181_365", _("181–365 days"), 181, 365),
    ("d365_plus", _("over 365 days"), 366, None),
]


def aging_case(today: datetime.date) -> Case:
    """SQL CASE that names the aging bucket of a period past due on `today`."""
    whens = []
    for key, _label, first, last in AGING_BUCKETS:
        upper = today - datetime.timedelta(days=first)
        if last is None:
            whens.append(When(due_date__lte=upper, then=Value(key)))
        else:
            lower = today - datetime.timedelta(days=last)
            whens.append(When(due_date__lte=upper, due_date__gte=lower, then=Value(key)))
    return Case(*whens, default=Value(""), output_field=models.CharField())


class RelationReason(models.TextChoices):
    NIT = "nit", _("Same NIT root")
    REPRESENTATIVE = "representative", _("Same legal representative's DUI")
    PHONE = "phone", _("Same phone")
    EMAIL = "email", _("Same e-mail")
    ADDRESS = "address", _("Same address")


class EmployerRelation(models.Model):
    """Two employers that share something that identifies the people behind them (a
    NIT root, a representative's DUI, a phone, an e-mail, an address), found by the
    nightly job; one row per pair (the lower id first) and reason. Written only by
    `employers.jobs.relations_find`."""

    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.CASCADE, related_name="+"
    )
    related = models.ForeignKey(
        Employer, verbose_name=_("related employer"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=RelationReason)
    value = models.CharField(_("shared value"), max_length=300)
    found_on = models.DateField(_("found on"))
    # The night the branch heads were told (a closed employer with arrears, and a
    # company related to it still working): once per pair and reason.
    alerted_on = models.DateField(_("alerted on"), null=True, blank=True)

    class Meta:
        ordering = ["employer", "related", "reason"]
        verbose_name = _("employer relation")
        verbose_name_plural = _("employer relations")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "related", "reason"], name="relation_once_per_reason"
            ),
            models.CheckConstraint(
                condition=Q(employer__lt=F("related")), name="relation_lower_id_first"
            ),
        ]
        indexes = [models.Index(fields=["related"], name="relation_related_idx")]

    def __str__(self) -> str:
        return f"{self.employer_id} ~ {self.related_id} ({self.reason})"
