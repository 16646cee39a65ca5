"""Every Chinese text of the deadline engine: reminders and escalations (the clocks' names are
settings: bot/rules/texts.py)."""

DL_WARN = "【{label}提醒】{subject}：{status}，截止 {due}。负责人：{owner}"
DL_ESCALATE = "【{label}超时·{level}级升级】{subject}：{overdue}（截止 {due}）。负责人：{owner}，请督促处理。"
# The owner's own copy: they are the one to act, not the one to chase somebody.
DL_ESCALATE_OWNER = "【{label}超时·{level}级升级】{subject}：{overdue}（截止 {due}）。你是负责人，请立即处理。"
DL_JUST_DUE = "已到截止时间"
DL_NO_OWNER = "未指定"
DL_REMAINING = "剩余 {left}"
DL_OVERDUE = "已超时 {over}"
DL_PAUSED = "已暂停（剩余 {left}）"
DL_PAUSED_OVERDUE = "已暂停（已超时 {over}）"
DL_MET = "已按时完成"
DL_MET_LATE = "已完成（超时 {over}）"
DL_CANCELLED = "已取消"
DL_LINE = "{label}{status}"

