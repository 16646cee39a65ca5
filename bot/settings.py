"""Settings: one TOML file, environment overrides for secrets, validated once at start.

`DESKBOT_<SECTION>__<KEY>` overrides any key (e.g. `DESKBOT_WECOM__SECRET`), and `DATABASE_URL`
overrides `database.url`. A bad value stops the start with the key's dotted name and what it
expected, in Chinese, because the people who deploy the bot read Chinese too.
"""
from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError as EnvError,
)

from bot import texts
from bot.durations import Duration
from bot.errors import ConfigError
from bot.rules.base import Dur, defaults
from bot.rules.clocks import DEFAULTS as CLOCK_DEFAULTS, Clocks
from bot.rules.penalties import PenaltySettings
from bot.rules.reports import ReportSettings
from bot.rules.roster import RosterSettings


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    max_body_bytes: int = Field(1 << 20, ge=1024)
    public_url: str = "http://127.0.0.1:8080"


class DatabaseSettings(Section):
    url: str = "sqlite://data/deskbot.sqlite3"
    # Group commit of inbound events: how long the writer waits to gather concurrent events.
    inbound_batch_ms: float = Field(2.0, ge=0)
    inbound_batch_max: int = Field(256, ge=1)


class CenterSettings(Section):
    name: str = "售后服务中心"
    timezone: str = "Asia/Shanghai"
    # Who receives what nobody else is responsible for: failed sends, dead letters.
    admins: list[str] = []
    general_manager: str = ""  # userid of the general manager (key-customer complaints)
    # The center's own standard phrases; default bot/services/knowledge/phrasebook.toml.
    phrasebook_file: str = ""


class CalendarSettings(Section):
    work_windows: list[str] = ["08:30-12:00", "13:30-17:30"]
    overrides_file: str = ""  # optional TOML: extra company days off / working days
    quiet_hours: str = "21:00-08:00"


class SimulatorSettings(Section):
    # Not given (None): on only while no real platform is enabled (see Settings._simulator).
    enabled: bool | None = None
    # A login token: required to serve the simulator beyond loopback; the page then asks for it.
    token: str = ""

    @field_validator("token")
    @classmethod
    def _token(cls, v: str) -> str:
        if v and len(v) < 16:
            raise ValueError(texts.SETTINGS_SIM_TOKEN_SHORT)
        return v


class WeComBotSettings(Section):
    """The intelligent robot (智能机器人, API mode): how WeCom delivers group @-mentions."""

    enabled: bool = False
    token: str = ""
    encoding_aes_key: str = ""
    # The robot's display name in WeCom, so its @-mention is stripped wherever it stands in the
    # text; empty strips only a leading @-mention.
    name: str = ""
    # "callback": WeCom posts to /wecom/bot/callback (needs a public URL, token and key);
    # "long_connection": the bot opens a WebSocket to WeCom with the robot's id and secret.
    mode: Literal["callback", "long_connection"] = "callback"
    bot_id: str = ""
    secret: str = ""
    ws_url: str = "wss://openws.work.weixin.qq.com"
    ping_s: float = Field(30.0, gt=0)  # WeCom expects a ping every 30 s
    # How long after a message its req_id is answered on; later answers go as a proactive push.
    respond_window_s: float = Field(300.0, gt=0)
    # How long a row for the connection waits when this instance does not hold it (or it is down).
    wait_s: float = Field(2.0, gt=0)


class WeComSettings(Section):
    enabled: bool = False
    corp_id: str = ""
    agent_id: int = 0
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    api_base: str = "https://qyapi.weixin.qq.com"
    timestamp_window_s: int = Field(300, ge=1)
    bot: WeComBotSettings = WeComBotSettings()

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_key(cls, v: str) -> str:
        if v and len(v) != 43:
            raise ValueError("EncodingAESKey 应为 43 个字符")
        return v


class DingTalkSettings(Section):
    enabled: bool = False
    app_key: str = ""
    app_secret: str = ""
    robot_code: str = ""
    api_base: str = "https://api.dingtalk.com"
    oapi_base: str = "https://oapi.dingtalk.com"
    sign_window_s: int = Field(3600, ge=1)
    # How robot messages and card clicks arrive: "http" (callbacks to our public URL) or
    # "stream" (a WebSocket we open to DingTalk: no public URL needed).
    mode: Literal["http", "stream"] = "http"
    # Where the stream is opened (POST /v1.0/gateway/connections/open); tests point it at a fake.
    stream_base: str = "https://api.dingtalk.com"
    # A WebSocket ping this often; a connection that stops answering is dropped and reopened.
    stream_heartbeat_s: float = Field(30.0, gt=0)
    # The callbackRouteKey under which the card callback URL is registered with DingTalk.
    card_callback_route_key: str = "deskbot"
    # OpenAPI calls a month the edition allows (standard edition: about 10,000); admins are
    # warned once at quota_warn, and pushes merge into digests from quota_digest on.
    monthly_quota: int = Field(10_000, ge=1)
    quota_warn: float = Field(0.8, gt=0, le=1)
    quota_digest: float = Field(0.9, gt=0, le=1)


class FilesSettings(Section):
    # Pictures and files people send with tickets; paths in the database are relative to it.
    dir: str = "./data/files"
    max_bytes: int = Field(20 << 20, ge=1024)
    # After `/附件 T12`, the next picture or file from that person within this window goes to T12.
    attach_window_s: int = Field(300, ge=10)


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class OutboxSettings(Section):
    max_attempts: int = Field(8, ge=1)
    backoff_base_s: float = Field(2.0, gt=0)
    backoff_max_s: float = Field(600.0, gt=0)
    lease_s: float = Field(60.0, gt=0)
    batch: int = Field(50, ge=1)
    poll_s: float = Field(1.0, gt=0)


class InboundSettings(Section):
    """Processing of accepted events: retries, dead letters, the sweep that nothing escapes."""

    max_attempts: int = Field(5, ge=1)  # then the event is dead-lettered, sender and admins told
    retry_base_s: float = Field(2.0, gt=0)  # backoff after a failed try, doubling each time
    retry_max_s: float = Field(300.0, gt=0)
    lease_s: float = Field(60.0, gt=0)  # a dead instance's events are taken over after this
    sweep_s: float = Field(2.0, gt=0)  # how often every instance looks for unfinished events
    workers: int = Field(0, ge=0)  # processing tasks; 0: 1 on SQLite, 4 on PostgreSQL
    # Events processed in one transaction (a savepoint each) and, on SQLite, the time it may
    # hold the one connection that acknowledgements wait for.
    batch_max: int = Field(16, ge=1)
    batch_budget_ms: float = Field(50.0, gt=0)
    # Unexpected errors page the admins at most once per kind of error per this many minutes.
    error_notice_minutes: int = Field(10, ge=1)
    # Signed requests the edge could not read (rejected_inbound) are kept this long for the
    # operator, then deleted by a nightly job: the table does not grow without end.
    rejected_keep_days: int = Field(30, ge=1)


class SchedulerSettings(Section):
    tick_s: float = Field(1.0, gt=0)
    lease_s: float = Field(60.0, gt=0)


class LongConnectionSettings(Section):
    # Shared by every long connection (WeCom robot, DingTalk stream): one instance holds each.
    lease_s: float = Field(30.0, gt=0)  # a dead holder's connection is taken over after this
    standby_poll_s: float = Field(5.0, gt=0)  # how often a standby instance tries the lease
    backoff_min_s: float = Field(1.0, gt=0)  # reconnect delay after a drop, doubling each time
    backoff_max_s: float = Field(60.0, gt=0)
    alert_after_s: float = Field(120.0, gt=0)  # admins are told when it stays down this long
    kick_cooldown_s: float = Field(300.0, gt=0)  # a kicked holder waits this long before retrying


# Service modes a ticket may record (电话 phone, 远程 remote, 上门 on-site, 送修 bring-in,
# 邮寄 mail-in, 有偿 paid service).
SERVICE_MODES = ("电话", "远程", "上门", "送修", "邮寄", "有偿")


class ServiceSettings(Section):
    # Same customer, similar description, created within this window: flagged as a duplicate.
    duplicate_window: Dur = Duration.parse("24h")
    duplicate_similarity: float = Field(0.6, gt=0, le=1)
    # Modes offered per customer tier; a tier not listed gets default_modes.
    modes: dict[str, list[str]] = {
        "大客户": ["电话", "远程", "上门", "送修", "邮寄", "有偿"],
        "紧急服务": ["电话", "远程", "上门", "有偿"],
        "普通": ["电话", "远程", "送修", "邮寄", "有偿"],
    }
    default_modes: list[str] = ["电话", "远程", "有偿"]
    # Outside the service period (contract ended) only these are offered.
    expired_modes: list[str] = ["有偿"]
    kb_suggestions: int = Field(3, ge=0, le=10)  # knowledge entries suggested on a new ticket
    # Ticket priorities, most urgent first: /队列 sorts by this order.
    priorities: list[str] = Field(default_factory=lambda: ["紧急", "高", "普通", "低"],
                                  min_length=1)
    default_priority: str = "普通"

    @model_validator(mode="after")
    def _priority_listed(self):
        if self.default_priority not in self.priorities:
            raise ValueError(texts.SETTINGS_BAD_PRIORITY.format(
                priority=self.default_priority, allowed="、".join(self.priorities)))
        return self

    @field_validator("duplicate_window")
    @classmethod
    def _window(cls, v: Duration) -> Duration:
        if v.is_working:
            raise ValueError(texts.SETTINGS_WALL_DURATION)
        return v

    @field_validator("modes", "default_modes", "expired_modes")
    @classmethod
    def _modes(cls, v):
        lists = v.values() if isinstance(v, dict) else [v]
        for modes in lists:
            bad = [m for m in modes if m not in SERVICE_MODES]
            if bad or not modes:
                raise ValueError(texts.SETTINGS_BAD_MODES.format(
                    bad="、".join(bad) or "-", modes="、".join(SERVICE_MODES)))
        return v


def _hhmm(v: str) -> str:
    import re

    m = re.fullmatch(r"(\d{1,2}):(\d{2})", v.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(texts.SETTINGS_BAD_HHMM.format(value=v))
    return f"{int(m.group(1)):02d}:{m.group(2)}"


class ProjectSettings(Section):
    # The morning after a working day, each consultant of an active project who wrote no log
    # for it is reminded at log_remind_at; still missing at log_report_at, the project manager
    # hears of it.
    log_remind_at: str = "09:00"
    log_report_at: str = "11:00"

    @field_validator("log_remind_at", "log_report_at")
    @classmethod
    def _times(cls, v: str) -> str:
        return _hhmm(v)

    @model_validator(mode="after")
    def _order(self) -> "ProjectSettings":
        if self.log_report_at <= self.log_remind_at:
            raise ValueError(texts.SETTINGS_LOG_ORDER)
        return self


class TrainingSettings(Section):
    # Where the enrolment notice goes when no project manager owns the trainee's unit.
    notice_purpose: str = "hotline"
    pass_score: int = Field(60, ge=0, le=100)
    max_capacity: int = Field(200, ge=1)
    # /我的 lists the sessions a person teaches or whose project they work on this many days ahead.
    soon_days: int = Field(7, ge=1, le=60)


class CustomerSettings(Section):
    """[customers]: the archive, contracts and renewals (bot/services/customers/)."""

    # Days before a contract ends when its sales person and the managers are reminded.
    renewal_reminders: list[int] = [30, 7]
    renewal_at: str = "09:00"  # working days: the renewal reminders go out at this time
    care_at: str = "09:00"  # working days: care dates up to the next working day, to sales
    # Every day: a customer's tier becomes that of the contract in force (future renewals start).
    tier_switch_at: str = "00:05"
    # Roles that see phone numbers in full in a private chat (every such read is audited).
    full_phone_roles: list[str] = ["engineer", "manager", "sales", "admin"]
    provisional_tier: str = "普通"  # tier of a customer registered from an unknown caller
    # Userid answering for provisional archives when no sales person of the customer or its
    # region is known ("": the person who registered it from the call).
    archive_owner: str = ""
    history: int = Field(5, ge=1, le=20)  # open tickets, services, complaints shown by /客户

    @field_validator("renewal_reminders")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        if not v or any(d < 1 or d > 366 for d in v):
            raise ValueError(texts.SETTINGS_BAD_REMINDER_DAYS)
        return sorted(set(v), reverse=True)

    @field_validator("renewal_at", "care_at", "tier_switch_at")
    @classmethod
    def _time(cls, v: str) -> str:
        return _hhmm(v)


class FirstVisitSettings(Section):
    """[first_visit]: the desk's first call to a new customer and the needs it records."""

    max_attempts: int = Field(3, ge=1, le=20)  # failed calls before the managers are told
    needs_at: str = "17:45"  # working days after work: the day's needs to each department head
    # Department → the userid of its head (empty: nobody yet; the needs wait in /需求确认).
    departments: dict[str, str] = {"实施": "", "培训": "", "热线": "", "业务": "", "其他": ""}
    # The department whose confirmed needs become a project application (/需求确认; "" = none).
    project_department: str = "实施"

    @field_validator("needs_at")
    @classmethod
    def _time(cls, v: str) -> str:
        return _hhmm(v)

    @field_validator("departments")
    @classmethod
    def _departments(cls, v: dict[str, str]) -> dict[str, str]:
        if not v:
            raise ValueError(texts.SETTINGS_NO_DEPARTMENTS)
        return v


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DESKBOT_", env_nested_delimiter="__", extra="forbid"
    )

    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    center: CenterSettings = CenterSettings()
    calendar: CalendarSettings = CalendarSettings()
    simulator: SimulatorSettings = SimulatorSettings()
    wecom: WeComSettings = WeComSettings()
    dingtalk: DingTalkSettings = DingTalkSettings()
    outbox: OutboxSettings = OutboxSettings()
    inbound: InboundSettings = InboundSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    long_connection: LongConnectionSettings = LongConnectionSettings()
    service: ServiceSettings = ServiceSettings()
    files: FilesSettings = FilesSettings()
    logging: LoggingSettings = LoggingSettings()
    projects: ProjectSettings = ProjectSettings()
    training: TrainingSettings = TrainingSettings()
    customers: CustomerSettings = CustomerSettings()
    first_visit: FirstVisitSettings = FirstVisitSettings()
    # The rule tables (bot/rules/): deadline policies, penalties, reports, the duty roster.
    clocks: Clocks = Field(default_factory=lambda: defaults(Clocks))
    penalties: PenaltySettings = Field(default_factory=PenaltySettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    roster: RosterSettings = Field(default_factory=lambda: defaults(RosterSettings))

    @model_validator(mode="after")
    def _simulator(self) -> "Settings":
        # The simulator lets anyone act as anyone: beside a real platform it runs only when
        # `[simulator] enabled = true` is written out.
        if self.simulator.enabled is None:
            self.simulator.enabled = not (self.wecom.enabled or self.wecom.bot.enabled
                                          or self.dingtalk.enabled)
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment wins over the file, so secrets never have to be written into it.
        return (env_settings, init_settings)


class SettingsError(ConfigError):
    pass


def _key(loc: tuple[Any, ...]) -> str:
    """("clocks", "ticket_claim", "escalations", 1, "after") ->
    "clocks.ticket_claim.escalations[1].after"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _problem(e: Any) -> tuple[tuple[Any, ...], str]:
    """The full location of one pydantic error and its Chinese problem."""
    cause = (e.get("ctx") or {}).get("error")
    if isinstance(cause, ValueError):  # ours: a validator's message, perhaps for a key below
        return tuple(e["loc"]) + tuple(getattr(cause, "loc", ())), str(cause)
    template = texts.SETTINGS_PROBLEMS.get(e["type"])
    if template is None:
        return tuple(e["loc"]), e["msg"]
    ctx = dict(e.get("ctx") or {})
    if e["type"] == "literal_error":  # pydantic lists the choices in English: "'a', 'b' or 'c'"
        ctx["expected"] = re.sub(r", | or ", "、", str(ctx.get("expected", "")))
    return tuple(e["loc"]), template.format(**ctx)


def _describe(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        loc, problem = _problem(e)
        # A default tier (紧急) inherits its clock's keys: its problem is the clock's.
        if "tiers" in loc[:-1]:
            at = loc.index("tiers")
            if at > 0 and loc[at + 1] in CLOCK_DEFAULTS.get(loc[at - 1], {}).get("tiers", {}):
                loc = loc[:at] + loc[at + 2:]
        line = texts.SETTINGS_BAD_KEY.format(key=_key(loc), problem=problem)
        if line not in lines:  # a tier repeats its clock's problem: say it once
            lines.append(line)
    return "\n".join(lines)


def load_settings(path: str | os.PathLike | None = None, **overrides: Any) -> Settings:
    """Read the TOML file (if any), apply overrides and environment; raise SettingsError."""
    data: dict[str, Any] = {}
    if path is not None and Path(path).exists():
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(texts.SETTINGS_BAD_TOML.format(path=path, problem=exc)) from exc
    for dotted, value in overrides.items():
        node = data
        *parents, leaf = dotted.split("__")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    if os.environ.get("DATABASE_URL"):
        data.setdefault("database", {})["url"] = os.environ["DATABASE_URL"]
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from exc
    except EnvError as exc:  # a DESKBOT_* variable that should hold JSON (a list, a table)
        raise SettingsError(texts.SETTINGS_BAD_ENV.format(problem=exc)) from exc
