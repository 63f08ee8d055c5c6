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
from .indicators.models import (  # noqa: F401 — target indicators (docs/indicators.md)
    ActivityIndicator,
    AdoptedIndicator,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ManualValue,
)
