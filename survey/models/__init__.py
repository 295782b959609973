from survey.models.accounts import Membership, User
from survey.models.answers import Answer, Assessment, Evidence, UnitResult
from survey.models.api import ApiToken, FeedBatch, FeedSource, ImprovementPlan
from survey.models.audit import AuditChainHead, AuditEvent
from survey.models.campaigns import Campaign, CampaignVersion, ResultsAnalysis
from survey.models.frameworks import Framework, FrameworkVersion, Node
from survey.models.provinces import Province
from survey.models.security import SecuritySettings, ThrottleHit
from survey.models.units import Unit, UnitLineage, UnitType
from survey.models.workflow import AnswerComment, Notification, ReminderLog

__all__ = [
    "Answer",
    "AnswerComment",
    "ApiToken",
    "Assessment",
    "AuditChainHead",
    "AuditEvent",
    "Campaign",
    "CampaignVersion",
    "Evidence",
    "FeedBatch",
    "FeedSource",
    "Framework",
    "FrameworkVersion",
    "ImprovementPlan",
    "Membership",
    "Node",
    "Notification",
    "Province",
    "ReminderLog",
    "ResultsAnalysis",
    "SecuritySettings",
    "ThrottleHit",
    "Unit",
    "UnitLineage",
    "UnitResult",
    "UnitType",
    "User",
]
