"""Every Chinese text of the runtime package (bot/): settings errors, generic replies, CLI output."""

SETTINGS_BAD_KEY = "配置错误：{key}：{problem}"
SETTINGS_BAD_TOML = "配置文件 {path} 不是有效的 TOML：{problem}"
