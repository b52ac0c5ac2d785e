from localities.models.access import Assignment, Role
from localities.models.activities import (
    Activity,
    ActivityAudience,
    ActivityKind,
    ActivityMedium,
)
from localities.models.places import Level, Locality, LocalityConversion, Scheme
from localities.models.records import (
    ONLINE_MODI,
    AgeBand,
    Case,
    CaseArticle,
    Establishment,
    InspectedYears,
    Inspection,
    InspectionOutcome,
    InspectionTeam,
    Line,
    Modus,
)
from localities.models.reports import (
    IdentityAccess,
    Report,
    ReporterIdentity,
    ReportExtension,
    ReportKind,
    ReportOutcome,
    ReportStatus,
)
from localities.models.versioning import ConcurrentEditError

__all__ = [
    "ONLINE_MODI",
    "AgeBand",
    "Activity",
    "ActivityAudience",
    "ActivityMedium",
    "ActivityKind",
    "Assignment",
    "Case",
    "CaseArticle",
    "ConcurrentEditError",
    "Establishment",
    "IdentityAccess",
    "InspectedYears",
    "Inspection",
    "InspectionOutcome",
    "InspectionTeam",
    "Level",
    "Line",
    "Locality",
    "LocalityConversion",
    "Modus",
    "Report",
    "ReportExtension",
    "ReportKind",
    "ReportOutcome",
    "ReportStatus",
    "ReporterIdentity",
    "Role",
    "Scheme",
]
