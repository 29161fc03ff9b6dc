"""The employers' nightly job, collected by core.nightly: the related employers,
first of the night (the case work after it reads nothing of it)."""

from core.nightly import NightlyJob
from employers.relations import relations_find

NIGHTLY_JOBS = [NightlyJob("relations_find", relations_find, order=50)]
