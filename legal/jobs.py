"""The Legal Unit's nightly job: refer the cases of the agreements breached tonight."""

from core.nightly import NightlyJob
from legal.services import referrals_from_breaches

NIGHTLY_JOBS = [
    # After agreements' breach job (400), before the agreements are completed (500).
    NightlyJob("referrals_from_breaches", referrals_from_breaches, order=450),
]
