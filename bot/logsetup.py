"""Logging as `[logging]` says: a level, text or JSON lines, and the scheduler's chatter off.

APScheduler's executor logs two INFO lines for every run of every job ("Running job …",
"… executed successfully"): with ticks every few seconds they drown everything else, so that
logger is held at WARNING whatever the level (its errors still show).
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

QUIET = ("apscheduler.executors", "apscheduler.scheduler", "aiohttp.access")
# Attributes every LogRecord has; anything else was passed in `extra` and goes into the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure(settings: Any) -> None:
    cfg = settings.logging
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if cfg.format == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(cfg.level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(cfg.level)))
