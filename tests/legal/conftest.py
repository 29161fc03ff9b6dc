# A referral comes from a breached agreement: the agreements' fixtures make one.
from tests.agreements.conftest import active, agreement, case, terms  # noqa: F401
