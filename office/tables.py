import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from office.models import (
    ActionItem,
    Guideline,
    Induction,
    Meeting,
    StaffEvaluation,
    Training,
)


class GuidelineTable(tables.Table):
    title = tables.Column(
        verbose_name=_("Title"), linkify=("office:guideline_detail", {"pk": tables.A("pk")})
    )
    kind = tables.Column(verbose_name=_("Kind"))
    version = tables.Column(verbose_name=_("Version"))
    published_at = tables.DateColumn(verbose_name=_("Published"), format="d/m/Y")
    read = tables.Column(verbose_name=_("Read"), empty_values=(), orderable=False)

    class Meta:
        model = Guideline
        fields = ["title", "kind", "version", "published_at"]
        order_by = ["-published_at"]
        empty_text = _("No guideline has been published yet.")

    def __init__(self, *args, counts=None, unread=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.counts = counts or {}
        self.unread = set(unread)

    def render_title(self, record, value):
        if record.pk in self.unread:
            return format_html('{} <span class="badge bad">{}</span>', value, _("To read"))
        return value

    def render_read(self, record):
        done, total = self.counts.get(record.pk, (0, 0))
        return f"{done} / {total}"


class MeetingTable(tables.Table):
    title = tables.Column(
        verbose_name=_("Meeting"), linkify=("office:meeting_detail", {"pk": tables.A("pk")})
    )
    held_on = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    branch = tables.Column(verbose_name=_("Branch"), default=_("Department"))
    open_items = tables.Column(verbose_name=_("Open action items"), orderable=False)

    class Meta:
        model = Meeting
        fields = ["held_on", "title", "branch"]
        order_by = ["-held_on"]
        empty_text = _("No meeting has been recorded yet.")


class ActionTable(tables.Table):
    what = tables.Column(
        verbose_name=_("What"),
        linkify=("office:meeting_detail", {"pk": tables.A("meeting_id")}),
    )
    owner = tables.Column(verbose_name=_("Owner"))
    due_on = tables.DateColumn(verbose_name=_("Due"), format="d/m/Y")
    status = tables.Column(verbose_name=_("Status"))
    meeting = tables.Column(verbose_name=_("Meeting"), orderable=False)

    class Meta:
        model = ActionItem
        fields = ["due_on", "what", "owner", "status", "meeting"]
        order_by = ["due_on"]
        empty_text = _("No action item matches these filters.")

    def render_owner(self, value):
        return value.display_name

    def render_due_on(self, record, value):
        if record.is_overdue(timezone.localdate()):
            return format_html('<span class="badge bad">{}</span>', value.strftime("%d/%m/%Y"))
        return value.strftime("%d/%m/%Y")


class TrainingTable(tables.Table):
    topic = tables.Column(
        verbose_name=_("Topic"), linkify=("office:training_detail", {"pk": tables.A("pk")})
    )
    starts_at = tables.DateTimeColumn(verbose_name=_("Date"), format="d/m/Y H:i")
    trainer = tables.Column(verbose_name=_("Trainer"))
    plan = tables.Column(verbose_name=_("Plan"), default="—")
    invited = tables.Column(verbose_name=_("Invited"), orderable=False)
    attended = tables.Column(verbose_name=_("Attended"), orderable=False)

    class Meta:
        model = Training
        fields = ["starts_at", "topic", "trainer", "plan"]
        order_by = ["-starts_at"]
        empty_text = _("No training has been planned yet.")


class EvaluationTable(tables.Table):
    person = tables.Column(
        verbose_name=_("Staff member"),
        linkify=("office:evaluation_detail", {"pk": tables.A("pk")}),
    )
    period = tables.Column(verbose_name=_("Period"), empty_values=(), order_by=("first_month",))
    evaluator = tables.Column(verbose_name=_("Evaluator"))
    overall = tables.Column(verbose_name=_("Overall"))
    created_at = tables.DateColumn(verbose_name=_("Made on"), format="d/m/Y")
    acknowledged_at = tables.DateColumn(verbose_name=_("Acknowledged"), format="d/m/Y", default="—")

    class Meta:
        model = StaffEvaluation
        fields = ["person", "period", "evaluator", "overall", "created_at", "acknowledged_at"]
        order_by = ["-created_at"]
        empty_text = _("No evaluation has been made yet.")

    def render_person(self, value):
        return value.display_name

    def render_evaluator(self, value):
        return value.display_name

    def render_period(self, record):
        return f"{record.first_month:%m/%Y} – {record.last_month:%m/%Y}"


class InductionTable(tables.Table):
    branch = tables.Column(verbose_name=_("Branch"), accessor="user__branch__code", default="—")
    user = tables.Column(
        verbose_name=_("Name"),
        linkify=("office:induction_detail", {"pk": tables.A("pk")}),
        order_by=("user__first_name", "user__last_name"),
    )
    started_on = tables.DateColumn(verbose_name=_("Started"), format="d/m/Y")
    progress = tables.Column(verbose_name=_("Progress"), empty_values=(), order_by=("done",))

    class Meta:
        model = Induction
        fields = ["branch", "user", "started_on", "progress"]
        order_by = ["-started_on"]
        empty_text = _("No induction has been started yet.")

    def render_user(self, value):
        return value.display_name

    def render_progress(self, record):
        complete = (
            format_html(' <span class="badge good">{}</span>', _("Complete"))
            if record.total and record.done == record.total
            else ""
        )
        return format_html(
            '<progress max="{}" value="{}" aria-label="{}"></progress> {} / {}{}',
            record.total,
            record.done,
            _("Steps done"),
            record.done,
            record.total,
            complete,
        )
