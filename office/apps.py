from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import Role

VIEW_GUIDELINE = "office.view_guideline"
ADD_GUIDELINE = "office.add_guideline"
ACKNOWLEDGE = "office.acknowledge_guideline"
VIEW_MEETING = "office.view_meeting"
ADD_MEETING = "office.add_meeting"
CHANGE_ACTION = "office.change_actionitem"
VIEW_TRAINING = "office.view_training"
ADD_TRAINING = "office.add_training"
VIEW_INDUCTION = "office.view_induction"
ADD_INDUCTION = "office.add_induction"
CHANGE_INDUCTION = "office.change_inductiontask"
VIEW_EVALUATION = "office.view_staffevaluation"
ADD_EVALUATION = "office.add_staffevaluation"

STAFF_READS = [VIEW_GUIDELINE, ACKNOWLEDGE, VIEW_MEETING, VIEW_TRAINING, VIEW_EVALUATION]


class OfficeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "office"
    verbose_name = _("Office")
    # The head publishes, trains, holds meetings and starts inductions; a branch head
    # holds its branch's meetings and ticks its new staff's induction; the staff read,
    # acknowledge and close their own action items; the auditor reads; the secretary
    # has the correspondence only.
    role_permissions = {
        Role.DEPARTMENT_HEAD: [
            VIEW_GUIDELINE,
            ADD_GUIDELINE,
            VIEW_MEETING,
            ADD_MEETING,
            CHANGE_ACTION,
            VIEW_TRAINING,
            ADD_TRAINING,
            VIEW_INDUCTION,
            ADD_INDUCTION,
            CHANGE_INDUCTION,
            VIEW_EVALUATION,
            ADD_EVALUATION,
        ],
        Role.BRANCH_HEAD: [
            *STAFF_READS,
            ADD_MEETING,
            CHANGE_ACTION,
            VIEW_INDUCTION,
            CHANGE_INDUCTION,
            ADD_EVALUATION,
        ],
        Role.AGENT: [*STAFF_READS, CHANGE_ACTION],
        Role.ADMIN_STAFF: [*STAFF_READS, CHANGE_ACTION],
        Role.AUDITOR: [
            VIEW_GUIDELINE,
            VIEW_MEETING,
            VIEW_TRAINING,
            VIEW_INDUCTION,
            VIEW_EVALUATION,
        ],
    }
    # One entry (every office role reads the guidelines): its page leads to the rest,
    # so that the menu stays one line.
    menu_entries = [MenuEntry(_("Office"), "office:home", VIEW_GUIDELINE, 70)]
    # What waits on the user (guidelines to read, action items, their induction) on
    # the home page, where logging in leads; the overdue action items on the head's
    # dashboard.
    page_panels = {
        "home": ["office.views.pending_panel"],
        "dashboard": ["office.views.overdue_actions_panel"],
    }
