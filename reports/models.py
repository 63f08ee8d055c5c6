from .assessments.models import (  # noqa: F401 — models of the reports app live in its sub-packages
    AggregatedResult,
    Campaign,
    MaxScore,
    ParticipantResult,
    Recalculation,
    ResultImport,
    SchoolAggregate,
    Subject,
)
