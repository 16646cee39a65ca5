"""Every Chinese text of the deadline engine: clock names, reminders, escalations, settings errors."""

CLOCK_LABELS = {
    "dispatch_accept": "接受派工", "ticket_hq": "总部跟踪",
    "ticket_claim": "接单", "ticket_callback": "回电", "ticket_consult": "会诊答复",
    "dispatch_appointment": "上门预约", "dispatch_writeoff": "派工核销",
    "complaint_ack": "投诉受理", "complaint_response": "投诉回应", "complaint_verify": "投诉核实",
    "complaint_hq_feedback": "投诉结果反馈总部", "plan_general": "一般投诉处理方案",
    "plan_major": "重大投诉处理方案", "forms_due": "服务单据交回", "followup_assign": "回访问题指派",
    "checkin": "值班签到", "handover_ack": "交接确认", "impl_form_due": "实施单取回",
    "project_stage": "项目阶段",
    "change_review": "改需审核", "change_tell": "告知客户", "change_estimate": "预计完工",
    "sensitive_review": "敏感申请审批", "request_archive": "申请单存档",
}
DL_WARN = "【{label}提醒】{subject}：{status}，截止 {due}。负责人：{owner}"
DL_ESCALATE = "【{label}超时·{level}级升级】{subject}：{overdue}（截止 {due}）。负责人：{owner}，请督促处理。"
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
DL_UNKNOWN_CLOCK = "未知的时限“{clock}”：请在 deskbot.toml 的 [clocks] 中配置它"

DL_POLICY_BAD = "时限配置错误：{key}：{problem}"
DL_POLICY_MISSING = "缺少 target（时限，例如 \"15m\"、\"1wd\"）"
DL_POLICY_POSITIVE = "时长必须大于 0（工作日可以为 0wd，表示当天下班前）"
DL_POLICY_UNKNOWN_KEY = "未知的键，可用：{keys}、tiers"
DL_POLICY_LIST = "应为一个列表"
DL_POLICY_STRING = "应为文字"
DL_POLICY_TARGETS = "应为通知对象或其列表，可用：{targets}"
DL_POLICY_TARGET = "未知的通知对象“{value}”，可用：{targets}"
DL_POLICY_WARNING = "提醒应写成 \"10m\"（开始后 10 分钟）或 {at = \"10m\"} / {before = \"5m\"}，可加 to"
DL_POLICY_WARNING_RANGE = "提醒时间必须落在开始之后、截止（{target}）之前"
DL_POLICY_ORDER = "应按时间先后排列"
DL_POLICY_ESCALATION = "升级应写成 {after = \"30m\", to = \"managers\"}"
