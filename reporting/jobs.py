from core.nightly import NightlyJob
from reporting.summaries import summaries_refresh

NIGHTLY_JOBS = [
    # After the snapshots (900): the month's figures read the night's snapshot.
    NightlyJob("summaries_refresh", summaries_refresh, order=950),
]
