from survey.models.accounts import Membership, User
from survey.models.answers import Answer, Assessment, Evidence, UnitResult
from survey.models.audit import AuditEvent
from survey.models.campaigns import Campaign, CampaignVersion
from survey.models.frameworks import Framework, FrameworkVersion, Node
from survey.models.units import Unit, UnitLineage, UnitType

__all__ = [
    "Answer",
    "Assessment",
    "AuditEvent",
    "Campaign",
    "CampaignVersion",
    "Evidence",
    "Framework",
    "FrameworkVersion",
    "Membership",
    "Node",
    "Unit",
    "UnitLineage",
    "UnitResult",
    "UnitType",
    "User",
]
