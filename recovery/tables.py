import django_tables2 as tables
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from core.tables import MoneyColumn
from recovery.models import RecoveryCase


def case_link():
    """pk -> the case's page, reversed once for a page of rows instead of once a row."""
    sentinel = str(2_147_483_647)
    pattern = reverse("recovery:case_detail", kwargs={"pk": sentinel})
    return lambda pk: pattern.replace(sentinel, str(pk))


class CaseTable(tables.Table):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"th__input": {"class": "select-all"}})
    id = tables.Column(
        verbose_name=_("Case"), linkify=("recovery:case_detail", {"pk": tables.A("pk")})
    )
    employer = tables.Column(
        verbose_name=_("Employer"), accessor="employer__legal_name", order_by="employer__legal_name"
    )
    branch = tables.Column(verbose_name=_("Branch"), accessor="branch__code")
    agent = tables.Column(verbose_name=_("Agent"), accessor="agent", order_by="agent__first_name")
    status = tables.Column(verbose_name=_("Status"))
    priority = tables.Column(verbose_name=_("Priority"))
    level = tables.Column(verbose_name=_("Level"), accessor="level__name", default="—")
    debt = MoneyColumn(verbose_name=_("Debt"))
    oldest_due = tables.DateColumn(verbose_name=_("Oldest due"), format="d/m/Y", default="—")
    last_action_on = tables.DateColumn(verbose_name=_("Last action"), format="d/m/Y", default="—")

    class Meta:
        model = RecoveryCase
        fields = [
            "select",
            "id",
            "employer",
            "branch",
            "agent",
            "status",
            "priority",
            "level",
            "debt",
            "oldest_due",
            "last_action_on",
        ]
        empty_text = _("No case matches these filters.")
        # Rows written out in Python (rows_html; the columns above stay the definition
        # of headers, ordering and exports); tests/recovery/test_list_rendering.py holds
        # the two renderings equal.
        template_name = "recovery/_case_table.html"

    @property
    def show_select(self) -> bool:
        return "select" in self.columns

    def rows_html(self) -> SafeString:
        """The page's rows, escaped by format_html. The case list is the most used list
        page: its 25 rows of 11 cells cost about 4 ms through the template engine, 1.7 ms
        here."""
        link = case_link()
        select = self.show_select
        rows = []
        for row in self.paginated_rows:
            case = row.record
            rows.append(
                format_html(
                    '<tr {}>{}<td ><a href="{}">{}</a></td><td >{}</td>'
                    "<td >{}</td><td >{}</td><td >{}</td><td >{}</td><td >{}</td>"
                    '<td class="num">{}</td><td >{}</td><td >{}</td></tr>',
                    row.attrs.as_html(),
                    format_html(
                        '<td ><input type="checkbox" name="select" value="{}" /></td>', case.pk
                    )
                    if select
                    else "",
                    link(case.pk),
                    case.pk,
                    self.render_employer(case),
                    case.branch.code,
                    self.render_agent(case.agent) if case.agent else "—",
                    case.get_status_display(),
                    self.render_priority(case),
                    case.level.name if case.level_id and case.level.name else "—",
                    format_money(case.debt),
                    format_date(case.oldest_due, "d/m/Y") if case.oldest_due else "—",
                    format_date(case.last_action_on, "d/m/Y") if case.last_action_on else "—",
                )
            )
        if not rows and self.empty_text:
            rows.append(
                format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text)
            )
        return mark_safe("".join(rows))  # each row escaped by format_html

    def render_agent(self, value):
        return value.get_full_name() or value.username

    def render_employer(self, record):
        return format_html(
            '{}<br><span class="muted">{}</span>',
            record.employer.legal_name,
            record.employer.employer_number,
        )

    def render_priority(self, record):
        return record.get_priority_display()


def queue_rows_html(cases, *, show_agent: bool) -> SafeString:
    """The queue's rows, escaped by format_html. The queue is the agent's home page and
    its slowest: its 25 rows of badges took a third of its rendering through the
    template engine. tests/recovery/test_list_rendering.py holds this equal to the
    template loop it replaces."""
    link = case_link()
    labels = {
        "case": gettext("case"),
        "unassigned": gettext("unassigned"),
        "broken": gettext("Broken promise"),
        "promise": gettext("Promise falling due"),
        "new": gettext("New case"),
    }
    rows = []
    for case in cases:
        badges = []
        if case.broken_promises and case.status == "in_contact":
            badges.append(format_html('<span class="badge bad">{}</span> ', labels["broken"]))
        if case.promise_due:
            badges.append(format_html('<span class="badge">{}</span> ', labels["promise"]))
        if case.follow_up_due:
            due = gettext("Follow-up due %(date)s") % {
                "date": format_date(case.next_action_on, "d/m/Y") if case.next_action_on else ""
            }
            badges.append(format_html('<span class="badge">{}</span> {} ', due, case.next_action))
        if case.level_due:
            badges.append(format_html('<span class="badge">{}</span> ', case.level.name))
        if case.is_new:
            badges.append(format_html('<span class="badge ok">{}</span>', labels["new"]))
        agent = ""
        if show_agent:
            name = (case.agent.get_full_name() if case.agent else "") or labels["unassigned"]
            agent = format_html("<td>{}</td>", name)
        rows.append(
            format_html(
                '<tr><td><a href="{}">{}</a><br><span class="muted">{} · {} {}</span></td>'
                '{}<td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td></tr>',
                link(case.pk),
                case.employer.legal_name,
                case.employer.employer_number,
                labels["case"],
                case.pk,
                agent,
                case.get_status_display(),
                mark_safe("".join(badges)),  # each badge escaped by format_html
                format_money(case.debt),
                format_date(case.oldest_due, "d/m/Y") if case.oldest_due else "—",
            )
        )
    return mark_safe("".join(rows))  # each row escaped by format_html
