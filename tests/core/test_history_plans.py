"""The history triggers stay linear whatever update came first in the session."""

import pytest
from django.db import connection

from people.models import Branch
from tests.plans import executed_plans, quadratic_joins

ROWS = 600


@pytest.fixture
def employers(db):
    branch = Branch.objects.get(code="SS")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO employers_employer
                (employer_number, person_type, nit, dui, nrc, legal_name, trade_name,
                 economic_activity, sector, address, phone, email, legal_representative,
                 branch_id, status, created_at, updated_at)
            SELECT (800000000 + g)::text, 'legal', '06140101901001', '', '', 'Empresa ' || g,
                   '', '', 'private', '', '', '', '', %s, 'active', now(), now()
              FROM generate_series(1, %s) g
            """,
            [branch.pk, ROWS],
        )


def test_a_bulk_update_after_a_one_row_update_records_its_history_in_linear_time(employers):
    with connection.cursor() as cursor:
        # The trigger's INSERT is planned on its first run in the session and kept:
        # start from no plan, then one row, then many.
        cursor.execute("DISCARD PLANS")
        cursor.execute(
            "UPDATE employers_employer SET trade_name = 'uno' "
            "WHERE id = (SELECT min(id) FROM employers_employer)"
        )
        with executed_plans() as plans:
            cursor.execute("UPDATE employers_employer SET trade_name = 'todos'")
            cursor.execute("SHOW enable_nestloop")
            setting = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM employers_employerevent WHERE trade_name = 'todos'")
        recorded = cursor.fetchone()[0]

    assert recorded == ROWS
    assert any("employers_employerevent" in plan["Query Text"] for plan in plans)
    assert quadratic_joins(plans, threshold=ROWS // 2) == []
    # The trigger restores the session's setting after its INSERT.
    assert setting == "on"
