"""Every Chinese text the domain services write: replies, notices, reminders, escalations."""

# errors
ADMIN_COMMAND_FAILED = "【系统错误】{who} 的命令“{text}”处理失败（编号 {ref}）：{error}"

# people and customers
PERSON_NOT_FOUND = "找不到员工“{who}”。"
PERSON_AMBIGUOUS = "“{who}”有多位同名员工，请用 ID 指定：{choices}"
PERSON_CHOICE = "{name}（ID {userid}，{team}）"
CUSTOMER_MISSING = "请写明客户，例如 客户=华东制造。"
CUSTOMER_NOT_FOUND = "找不到客户“{name}”。请检查名称，或请管理员导入客户档案。"
CUSTOMER_AMBIGUOUS = "“{name}”匹配到多个客户：{choices}。请写全称。"

# tickets
STATUS = {"new": "待接单", "claimed": "处理中", "resolved": "已解决", "closed": "已关闭"}
SYSTEM = "系统"
TICKET_NOT_FOUND = "找不到工单 {no}。"
TICKET_NEEDS_DESCRIPTION = "请写明故障现象，例如：/建单 客户=华东制造 打印凭证时报错。"
TICKET_NEEDS_SOLUTION = "请写明解决方法。"
TICKET_ALREADY_CLAIMED = "{no} 已由 {owner} 接单。"
TICKET_CLAIM_LOST = "{no} 刚刚已被别人接单。"
TICKET_NOT_OPEN = "{no} 当前状态为“{status}”，不能这样操作。"
TICKET_NOT_OWNER = "{no} 的负责人是 {owner}，只有负责人或服务经理可以这样操作。"
TICKET_ANNOUNCE_TITLE = "新工单 {no}"
TICKET_ANNOUNCE = "客户：{customer}\n优先级：{priority}\n现象：{desc}\n建单：{creator}"
BUTTON_CLAIM = "接单"
TICKET_CLAIMED_NOTICE = "你创建的工单 {no} 已由 {who} 接单。"
TICKET_HEADER = "{no}［{status}］{customer}"
TICKET_DESC = "现象：{desc}"
TICKET_PEOPLE = "建单：{creator}（{created}）；负责人：{owner}"
TICKET_SOLUTION = "解决方法：{solution}"
TICKET_CLOCKS = "时限：{clocks}"
TICKET_HISTORY = "历史："
TICKET_EVENT = "· {at} {who} {verb}{detail}"
EVENT_NAMES = {
    "created": "建单", "claimed": "接单", "resolved": "解决", "transferred": "转派",
    "accepted": "接收转派", "callback": "需回电", "consult": "申请会诊", "onsite": "申请上门",
    "dispatched": "派工", "reopened": "重开",
}

# imports
IMPORT_SUMMARY = "新增 {created} 条，更新 {updated} 条，错误 {bad} 条。"
IMPORT_BAD_LINE = "第 {line} 行：{problem}"
IMPORT_BAD_ROLE = "未知角色“{role}”（可用：工程师、服务经理、服务监督员、业务人员、管理员）"
IMPORT_NO_ROLE = "没有填写角色"
IMPORT_STAFF_MISSING = "缺少 userid 或姓名"
IMPORT_CUSTOMER_MISSING = "缺少客户单位名称"
IMPORT_BAD_DATE = "日期“{value}”应写成 2026-01-31"
IMPORT_BAD_PERIOD = "服务结束日期早于开始日期"
