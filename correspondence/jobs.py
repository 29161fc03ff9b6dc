from core.nightly import NightlyJob
from correspondence.services import correspondence_reminders

NIGHTLY_JOBS = [NightlyJob("correspondence_reminders", correspondence_reminders, order=700)]
