"""Every Chinese text the domain services write: replies, notices, reminders, escalations."""

# errors
ADMIN_COMMAND_FAILED = "【系统错误】{who} 的命令“{text}”处理失败（编号 {ref}）：{error}"
