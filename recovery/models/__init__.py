"""The recovery app's models, by subject."""

from recovery.models.cases import (  # noqa: F401
    ACTIVE_STATUSES,
    ALLOWED_TRANSITIONS,
    HIGH_PRIORITY_DEBT,
    LEGAL_ONLY_STATUSES,
    MEDIUM_PRIORITY_DEBT,
    WORKED_STATUSES,
    CaseEvent,
    CaseEventKind,
    CaseOpeningRule,
    CaseStatus,
    CloseReason,
    HoldReason,
    LetterKind,
    Priority,
    RecoveryCase,
    RecoveryCaseQuerySet,
    Strategy,
    StrategyAction,
    StrategyLevel,
    StrategyRole,
    champion_strategy_id,
)
from recovery.models.nightly import EmployerSnapshot  # noqa: F401
from recovery.models.work import (  # noqa: F401
    Attachment,
    CaseDocument,
    DocumentRequirement,
    FollowUp,
    FollowUpKind,
    FollowUpOutcome,
    PaymentPromise,
    PromiseStatus,
)
