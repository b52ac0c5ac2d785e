"""Record lists, pages and forms."""

from localities.views.identity import ReportIdentityView
from localities.views.lists import CaseList, EstablishmentList, InspectionList, ReportList
from localities.views.pages import (
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
    ReportExtensionDelete,
    ReportExtensionEdit,
    ReportStage,
)
from localities.views.search import EstablishmentSearch

__all__ = [
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
    "ReportExtensionDelete",
    "ReportExtensionEdit",
    "ReportIdentityView",
    "ReportList",
    "ReportStage",
]
