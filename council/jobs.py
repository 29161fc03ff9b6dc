"""The Board path's nightly job: revoke the waivers whose condition (a payment
agreement) breached."""

from core.nightly import NightlyJob
from council.services import waivers_revoke_on_breach

NIGHTLY_JOBS = [
    # After agreements' breach job (400) and the Legal Unit's referrals (450), the
    # same night: the referral's certificate then carries the full amount.
    NightlyJob("waivers_revoke_on_breach", waivers_revoke_on_breach, order=460),
]
