"""The employers' nightly jobs, collected by core.nightly: the related employers, first
of the night (the case work after it reads nothing of it), and the arrears summary the
lists sorted by debt read (any time in the night: the import refreshes it too)."""

from core.nightly import NightlyJob
from employers.arrears import arrears_summary_nightly
from employers.relations import relations_find

NIGHTLY_JOBS = [
    NightlyJob("relations_find", relations_find, order=50),
    NightlyJob("arrears_summary", arrears_summary_nightly, order=60),
]
