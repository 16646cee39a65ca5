"""Every Chinese text of the rule tables (bot/rules/): what a bad key is told, and the names of
the clocks and penalty rules an operator may rename in deskbot.toml."""

# The problems a bad key is told; the heading ("配置错误：{key}：") comes from bot/settings.py.
UNKNOWN_KEY = "未知的键，可用：{keys}"
TABLE = "应为一个表（键值对）"
BOOL = "应为 true 或 false"
COUNT = "应为不小于 0 的整数"
FRACTION = "应为 0 到 1 之间的小数，例如 0.05 表示 5%"
SCORE = "应为 1 到 5 之间的分数"
WORDS = "应为文字列表（每项不能为空）"
WORDS_NONEMPTY = "应为非空文字的列表"
TEXT = "应为文字"
TEXT_NONEMPTY = "应为非空文字"
PATH = "应为目录路径"
CLOCK_TIME = "应为 HH:MM 形式的时刻，例如 \"08:30\""
POSITIVE = "应大于 0"
PURPOSE = "未知的群用途“{value}”，可用：{allowed}"

# [clocks]
CLOCK_POSITIVE = "时长必须大于 0（工作日可以为 0wd，表示当天下班前）"
CLOCK_TARGETS = "应为通知对象或其列表，可用：{targets}"
CLOCK_TARGET = "未知的通知对象“{value}”，可用：{targets}"
CLOCK_WARNING = "提醒应写成 \"10m\"（开始后 10 分钟）或 {at = \"10m\"} / {before = \"5m\"}，可加 to"
CLOCK_WARNING_RANGE = "提醒时间必须落在开始之后、截止（{target}）之前"
CLOCK_ORDER = "应按时间先后排列"
CLOCK_ESCALATION = "升级应写成 {after = \"30m\", to = \"managers\"}"
UNKNOWN_CLOCK = "未知的时限“{clock}”：请在 deskbot.toml 的 [clocks] 中配置它"
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
    "customer_archive": "完善客户档案", "first_visit_call": "首访电话",
    "first_visit_task": "首访跟进",
}

# [penalties]
PENALTY_RANGE = "max_amount 不能小于 min_amount"
PENALTY_REVIEW_COUNT = "次数至少为 2"
PENALTY_LABELS = {
    "complaint": "有效投诉", "complaint_review": "半年内多次有效投诉",
    "forms_late": "服务单据未按时交回", "onsite_no_record": "上门服务未填写服务记录",
    "remote_no_record": "远程服务未按要求填写记录", "impl_form_late": "实施单未按时取回",
    "archive_late": "客户申请单未按时交行政部存档",
    "meeting_late": "会议迟到", "absent": "缺席（书面警告）", "unreachable": "工作时间联系不上",
}
PENALTY_ALIASES = {
    "meeting_late": ["迟到", "会议迟到"], "absent": ["缺席", "缺勤"],
    "unreachable": ["联系不上", "失联", "联系不畅"],
}

# [roster]
SHIFT_NAME = "班次名称应为 1-16 个字且不含空格"
SHIFT_EMPTY = "结束时间不能等于开始时间"
NO_SHIFTS = "至少要有一个班次"
