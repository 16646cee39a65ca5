"""Chinese texts shared by every rule table of deskbot.toml (bot/services/ruleconf.py)."""

CONFIG_TABLE = "应为一个表（键值对）"
CONFIG_UNKNOWN = "未知的键，可用：{keys}"
CONFIG_BOOL = "应为 true 或 false"
CONFIG_COUNT = "应为不小于 0 的整数"
