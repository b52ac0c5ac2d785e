"""Record lists, pages and forms."""

from localities.views.identity import ReportIdentityView
from localities.views.lists import (
    ActivityList,
    CaseList,
    EstablishmentList,
    InspectionList,
    ReportList,
)
from localities.views.pages import (
    ActivityCreate,
    ActivityDelete,
    ActivityDetail,
    ActivityEdit,
    CaseCreate,
    CaseDetail,
    CaseEdit,
    EstablishmentCreate,
    EstablishmentDetail,
    EstablishmentEdit,
    InspectionCreate,
    InspectionDetail,
    InspectionEdit,
    ReportCreate,
    ReportDetail,
    ReportEdit,
    ReportStage,
)
from localities.views.search import EstablishmentSearch

__all__ = [
    "ActivityCreate",
    "ActivityDelete",
    "ActivityDetail",
    "ActivityEdit",
    "ActivityList",
    "CaseCreate",
    "CaseDetail",
    "CaseEdit",
    "CaseList",
    "EstablishmentCreate",
    "EstablishmentDetail",
    "EstablishmentEdit",
    "EstablishmentList",
    "EstablishmentSearch",
    "InspectionCreate",
    "InspectionDetail",
    "InspectionEdit",
    "InspectionList",
    "ReportCreate",
    "ReportDetail",
    "ReportEdit",
    "ReportIdentityView",
    "ReportList",
    "ReportStage",
]
