"""The config Tortoise's own CLI reads: `tortoise -c storage.tortoise_conf.TORTOISE_ORM makemigrations`."""
import os

from storage.db import tortoise_config

TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL", "sqlite://data/deskbot.sqlite3"))
