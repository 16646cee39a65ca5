"""All Tortoise models, one module per aggregate; Tortoise discovers them through this package."""
from storage.models.people import Chat, Customer, Staff
from storage.models.tickets import Ticket, TicketEvent
from storage.models.messaging import AuditLog, InboundEvent, JobRun, OutboxMessage
from storage.models.deadlines import Deadline, DeadlineEvent

__models__ = [
    Staff, Chat, Customer, Ticket, TicketEvent, InboundEvent, OutboxMessage, AuditLog, JobRun,
    Deadline, DeadlineEvent,
]
