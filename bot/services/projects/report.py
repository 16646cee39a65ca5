"""The month's figures of the implementation projects and the user training, for the monthly
report (bot/services/reports/monthly.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.services.projects import lifecycle as lc, texts
from storage.models import Deadline, Project, ProjectRequest, Trainee, TrainingSession
from storage.models.projects import EFFECTIVE, PAUSE, TERMINATE

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass
class MonthFigures:
    started: int
    accepted: int
    paused: int
    terminated: int
    late_stages: int
    sessions: int
    trainees: int
    attended: int
    mean_score: float | None

    def render(self) -> str:
        mean = f"{self.mean_score:.1f}" if self.mean_score is not None else texts.NOBODY
        return "\n".join([
            texts.MONTH_PROJECTS.format(started=self.started, accepted=self.accepted,
                                        paused=self.paused, terminated=self.terminated,
                                        late=self.late_stages),
            texts.MONTH_TRAINING.format(sessions=self.sessions, trainees=self.trainees,
                                        attended=self.attended, mean=mean)])


async def month_figures(env: "Runtime", start: datetime, end: datetime) -> MonthFigures:
    """Projects started (assigned), accepted, paused and terminated in [start, end); stages
    that went late in it; sessions held in it with their trainees and mean score."""
    def effective(kind: str):
        return ProjectRequest.filter(kind=kind, status=EFFECTIVE, decided_at__gte=start,
                                     decided_at__lt=end).count()

    first, last = env.calendar.local(start).date(), env.calendar.local(end).date()
    held = await TrainingSession.filter(day__gte=first, day__lt=last).values_list("id", flat=True)
    rows = await Trainee.filter(session_id__in=list(held)) if held else []
    scored = [t.score for t in rows if t.score is not None]
    return MonthFigures(
        started=await Project.filter(started_at__gte=start, started_at__lt=end).count(),
        accepted=await Project.filter(ended_at__gte=start, ended_at__lt=end).count(),
        paused=await effective(PAUSE), terminated=await effective(TERMINATE),
        late_stages=await Deadline.filter(clock=lc.STAGE_CLOCK, breached_at__gte=start,
                                          breached_at__lt=end).count(),
        sessions=len(held), trainees=len(rows), attended=sum(1 for t in rows if t.attended),
        mean_score=sum(scored) / len(scored) if scored else None)
