from .assessments.models import (  # noqa: F401 — models of the reports app live in its sub-packages
    AggregatedResult,
    Campaign,
    EgeMinimumScore,
    MaxScore,
    ParticipantResult,
    PublishedResult,
    Recalculation,
    ReferenceDistribution,
    ResultImport,
    SchoolAggregate,
    Subject,
    Task,
)
from .assessments.rules import FlagRule  # noqa: F401 — identification rules (docs/identification.md)
from .documents.models import DocumentRender  # noqa: F401 — documents rendered in a task (reports/documents)
from .indicators.models import (  # noqa: F401 — target indicators (docs/indicators.md)
    ActivityIndicator,
    AdoptedIndicator,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ManualValue,
)
from .signatures.models import SignedDocument, VerificationAttempt  # noqa: F401 — the document registry
