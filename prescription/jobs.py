"""The nightly prescription job, collected by core.nightly: after the agreements'
and the Legal Unit's work of the night (their payments, signatures and claims are the
events that interrupt a clock), before the snapshots."""

from core.nightly import NightlyJob
from prescription.services import clocks_nightly

NIGHTLY_JOBS = [NightlyJob("prescription_clocks", clocks_nightly, order=650)]
