from localities.models.access import Assignment, Role
from localities.models.places import Level, Locality, LocalityConversion, Scheme
from localities.models.records import (
    Case,
    CaseArticle,
    Establishment,
    FirstInspection,
    InspectedYears,
    Inspection,
    InspectionOutcome,
    InspectionTeam,
    Line,
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
    "Assignment",
    "Case",
    "CaseArticle",
    "ConcurrentEditError",
    "Establishment",
    "FirstInspection",
    "IdentityAccess",
    "InspectedYears",
    "Inspection",
    "InspectionOutcome",
    "InspectionTeam",
    "Level",
    "Line",
    "Locality",
    "LocalityConversion",
    "Report",
    "ReportExtension",
    "ReportKind",
    "ReportOutcome",
    "ReportStatus",
    "ReporterIdentity",
    "Role",
    "Scheme",
]
