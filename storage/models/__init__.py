"""All Tortoise models, one module per aggregate; Tortoise discovers them through this package."""
from storage.models.attachments import (
    AttachmentWait,
    RequestAttachment,
    RequestAttachmentWait,
    TicketAttachment,
)
from storage.models.cards import CardRef
from storage.models.complaints import Complaint, ComplaintEvent, FollowUp
from storage.models.customers import (
    Contract,
    CustomerContact,
    CustomerNeed,
    FirstVisit,
    FirstVisitTask,
)
from storage.models.deadlines import Deadline, DeadlineEvent
from storage.models.dispatches import Dispatch
from storage.models.knowledge import KnowledgeEntry, KnowledgeTerm
from storage.models.messaging import (
    AuditLog,
    ConnectionLease,
    InboundEvent,
    JobRun,
    OutboxMessage,
    RejectedInbound,
)
from storage.models.penalties import Penalty, PenaltyAppeal
from storage.models.people import Chat, Customer, Staff
from storage.models.projects import (
    Project,
    ProjectEvent,
    ProjectForm,
    ProjectLog,
    ProjectRequest,
    ProjectStage,
)
from storage.models.requests import ChangeRequest, RequestEvent, SensitiveRequest
from storage.models.roster import DutyAssignment, DutyHandover, DutyRotation
from storage.models.tickets import Ticket, TicketEvent
from storage.models.training import Course, Trainee, TrainingSession
from storage.models.usage import ApiUsage

__models__ = [
    Staff, Chat, Customer, Ticket, TicketEvent, InboundEvent, OutboxMessage, AuditLog, JobRun,
    Deadline, DeadlineEvent,
]
__models__ += [Dispatch, KnowledgeEntry, KnowledgeTerm]
__models__ += [DutyRotation, DutyAssignment, DutyHandover, Penalty, PenaltyAppeal]
__models__ += [Complaint, ComplaintEvent, FollowUp]
__models__ += [Contract, FirstVisit, FirstVisitTask, CustomerNeed, CustomerContact]
__models__ += [RejectedInbound]
__models__ += [TicketAttachment, AttachmentWait, ApiUsage]
__models__ += [CardRef]
__models__ += [Project, ProjectStage, ProjectLog, ProjectRequest, ProjectForm, ProjectEvent]
__models__ += [Course, TrainingSession, Trainee]
__models__ += [ChangeRequest, SensitiveRequest, RequestEvent]
__models__ += [RequestAttachment, RequestAttachmentWait]
__models__ += [ConnectionLease]
