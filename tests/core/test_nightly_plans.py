"""Every nightly job stays linear on statistics that do not know the night's data yet.

The data set is loaded in the test's transaction, so no autovacuum ANALYZE has seen it —
the statistics say what they said before, as after a bulk load or on the first night
after go-live. The nightly run then executes with auto_explain collecting the plan of
every statement (job statements, notifications, history triggers) with actual rows; a
nested loop comparing two sets of hundreds of rows each fails the test.
"""

import pytest

from bench.breach_job import RUN_DATE, build
from core.nightly import run_nightly_jobs
from tests.plans import executed_plans, quadratic_joins

AGREEMENTS = 1500
THRESHOLD = 300


@pytest.mark.django_db
def test_no_nightly_job_joins_two_large_sets_by_nested_loop():
    build(AGREEMENTS, 6, fresh=False)

    with executed_plans() as plans:
        results = run_nightly_jobs(run_date=RUN_DATE, force=True)

    # The night did the work the data set calls for, so its plans had rows to read.
    assert results["agreements_breach"]["rows"] > AGREEMENTS // 5
    assert results["installments_mark_overdue"]["overdue"] > AGREEMENTS // 2
    assert len(plans) > 20
    assert quadratic_joins(plans, threshold=THRESHOLD) == []
