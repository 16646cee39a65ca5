"""Every Chinese text of the first visit: submission, calls, checklist, needs and their digest."""

# The checklist told to the customer on the call [000, 001]: option key → item.
CHECKLIST = {"服务码": "服务码已收到", "锁号": "加密锁号正确", "电话": "监督电话和技术电话已告知",
             "报修": "报修方式和响应时限已告知"}
YES_WORDS = ("是", "有", "对", "已", "yes", "y", "1")
NO_WORDS = ("否", "无", "不", "没有", "no", "n", "0")

VISIT_NOT_FOUND = "找不到首访 {no}。"
VISIT_DONE_ALREADY = "{no} 已联系过客户（{at}），不能再登记。"
NEED_FIELDS = "请写全：/首访申请 单位 联系人 电话 地址 软件。"
NEXT_PAST = "下次联系时间 {at} 已经过去。"
BAD_OUTCOME = "请写 已联系 或 未联系，例如 /首访 S3 未联系 下次=明天10:00。"
CHECKLIST_MISSING = "请逐项写明是否已告知客户：{items}（是或否），例如 服务码=是 锁号=是 电话=是 报修=否。"
CHECKLIST_BAD = "“{key}={value}”请写 是 或 否。"
BAD_DEPARTMENT = "部门“{dept}”不对，可选：{depts}。"
NEED_CONTENT = "请写明需求内容。"
NOT_HEAD = "你不是任何部门的负责人（配置 first_visit.departments）。"

SUBMITTED = "已提交首访 {no}：{customer}，联系人 {contact}。服务台须在 {due} 前电话联系。"
ANNOUNCE = "【新首访 {no}】{customer}（业务：{sales}）\n联系人：{contact} {phone}\n地址：{address}\n软件：{software}\n请在 {due} 前电话核实：/首访 {no} 已联系 或 /首访 {no} 未联系 下次=时间"
NOT_REACHED = "{no} 第 {n} 次未联系上，下次联系：{next}，时限已重新计算（{due}）。"
TOO_MANY = "【首访多次未联系上】{no} {customer} 已 {n} 次未联系上（联系人 {contact}），请经理协调业务核实联系方式。"
REACHED = "{no} 已联系客户，核对清单：{items}。"
REACHED_TASKS = "需跟进：{tasks}（已通知热线群，由你跟进，完成后用 /首访跟进 {no} 登记）。"
REACHED_UPDATED = "档案已更新：{changes}。"
TASK_NOTICE = "【首访跟进】{no} {customer}：{tasks}，由 {who} 跟进。"
ITEM_YES = "{item}✓"
ITEM_NO = "{item}✗"
NEED_DONE = "已记录 {no} 的需求（{dept}）：{content}。今天下班后汇总发给部门负责人。"
DIGEST = "【首访需求日报 {day}·{dept}】共 {n} 条：\n{lines}\n请确认：/需求确认"
DIGEST_LINE = "· {no} {customer}：{content}（{who}）"
ACK_NONE = "没有待你确认的需求。"
ACK_DONE = "已确认 {n} 条需求（{depts}）。"
ACK_PROJECT = "{visit} {customer} 的实施需求已生成项目申请 {no}，已通知实施经理。"
ACK_PROJECT_ADDED = "{visit} {customer} 的实施需求已追加到项目申请 {no}，已通知实施经理。"

# follow-up tasks (/首访跟进) and /我的
ALL_WORDS = ("全部", "all")
TASK_NONE = "{no} 没有待跟进的任务。"
TASK_WHICH = "{no} 有多项待跟进：{items}。请写明哪一项，例如 /首访跟进 {no} 锁号 已重新寄送加密锁号，或写 全部。"
TASK_NOT_FOUND = "{no} 没有待跟进的“{item}”。待跟进：{items}。"
TASK_DONE = "已完成 {no} 的跟进：{items}。"
TASK_LEFT = "还有 {n} 项待跟进。"
TASK_ALL_DONE = "{no} 的跟进任务已全部完成。"
MINE_HEAD = "首访跟进："
MINE_LINE = "· {no} {customer}：{item}（截止 {due}）"
