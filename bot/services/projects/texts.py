"""Every Chinese text of the implementation projects: answers, notices, the project's page."""

STATUS = {"applied": "已申请（待分配）", "active": "实施中", "paused": "已暂停", "final": "终验中",
          "failed": "验收未通过", "terminated": "已终止", "archived": "已归档"}
STAGE_STATUS = {"open": "进行中", "done": "已完成"}
REQUEST_KIND = {"pause": "暂停", "terminate": "终止"}
REQUEST_STATUS = {"pending": "待审批", "effective": "已生效", "refused": "已驳回"}
FORM_NAMES = {"implementation": "实施单（客户签字盖章）", "training": "培训验收单（学员签字）",
              "golive": "上线计划（与客户确认）"}
FORM_WORDS = {"implementation": ("实施单", "实施", "impl", "implementation"),
              "training": ("培训验收", "培训验收单", "培训", "training"),
              "golive": ("上线计划", "上线", "golive")}
CAUSES = {"promise": "售前承诺", "gap": "产品差距"}
CAUSE_WORDS = {"promise": ("售前承诺", "承诺", "promise"),
               "gap": ("产品差距", "产品", "功能", "gap")}
PASS_WORDS = ("通过", "pass", "passed")
FAIL_WORDS = ("不通过", "未通过", "fail", "failed")
REVIEW_WORDS = ("审核", "资料审核", "review")
AGREE_WORDS = ("同意", "批准", "yes", "approve")
REFUSE_WORDS = ("拒绝", "驳回", "不同意", "no", "refuse")
TRAINING_WORDS = ("培训", "training")
EVENTS = {
    "applied": "申请立项", "need_added": "追加需求", "assigned": "分配项目经理和顾问", "planned": "计划阶段",
    "stage_done": "阶段完成", "pause_requested": "申请暂停", "pause_approved": "同意暂停",
    "pause_refused": "驳回暂停", "pause": "暂停生效", "terminate_requested": "申请终止",
    "terminate_approved": "同意终止", "terminate_refused": "驳回终止", "terminate": "终止生效",
    "resumed": "恢复实施", "accepted": "验收通过", "acceptance_failed": "验收未通过",
    "reviewed": "项目经理审核资料", "form": "交回表单", "archived": "实施经理归档",
}

NOBODY = "无"
SYSTEM = "系统"
BAD_DAY = "日期“{text}”看不懂，请写成 11-24 或 2026-11-24。"
NOT_FOUND = "找不到项目 {no}。"
WRONG_STATE = "项目 {no} 当前{status}，不能这样操作。"
NOT_CONSULTANT = "你不是项目 {no} 的实施顾问。"
NOT_MANAGER = "只有项目 {no} 的项目经理（{who}）可以这样做。"
NOT_MEMBER = "你不是项目 {no} 的成员。"
NOT_PLANNER = "只有项目 {no} 的项目经理或实施经理可以制定计划。"
NOT_IMPL_MANAGER = "只有实施经理可以归档项目。"
NOT_APPROVER = "审批须由项目 {no} 的项目经理（{pm}）和实施经理各自同意，你都不是。"
STAGE_NOT_FOUND = "项目 {no} 没有阶段“{name}”；现有阶段：{names}。"
NEED_TITLE = "请写明项目名称。"
FROM_VISIT = "来自首访 {no} 的需求"
VISIT_NOT_FOUND = "找不到首访 {no}。"
VISIT_OTHER_CUSTOMER = "首访 {no} 是 {owner} 的，不是 {customer} 的。"
VISIT_NO_NEED = "首访 {no} 没有已确认的{dept}需求：部门负责人用 /需求确认 确认后才能据此申请项目。"
VISIT_HAS_PROJECT = "首访 {no} 的{dept}需求已有项目申请 {project}，请用 /项目 {project} 查看。"
VISIT_TITLE = "首访 {no} {dept}需求"
VISIT_APPLIED_NOTICE = ("【项目申请 {no}】{customer}：来自首访 {visit} 的{dept}需求（{who} 确认）：{content}\n"
                        "请分配项目经理和顾问：/项目分配 {no} 经理=… 顾问=…")
VISIT_ADDED_NOTICE = "【项目申请 {no}】{customer}：首访 {visit} 又确认了{dept}需求（{who}）：{content}"
VISIT_ADDED_DETAIL = "追加首访 {visit} 的需求：{content}"
NOT_A_PM = "{who} 不是项目经理，不能负责项目。"
NEED_CONSULTANTS = "请指定至少一名实施顾问：顾问=姓名,姓名"
NOT_CONSULTANTS = "{who} 不是实施顾问。"
ASSIGNED_DETAIL = "项目经理 {pm}，顾问 {who}"
ASSIGNED_PM_NOTICE = "【项目分配】{no} {customer}「{title}」由你任项目经理，顾问：{who}。请用 /项目计划 制定阶段计划。"
ASSIGNED_NOTICE = "【项目分配】你参与项目 {no} {customer}「{title}」（项目经理 {pm}）。每个工作日请用 /日志 {no} 内容 确认实施日志。"
NEED_STAGE_FIELDS = "请写明阶段名称和阶段成果：成果=…"
STAGE_END_BEFORE_START = "计划结束日期早于开始日期。"
STAGE_EXISTS = "项目 {no} 已有阶段“{name}”。"
STAGE_LINE = "{seq}. {name} {start}～{end}，成果：{deliverable}［{status}］"
REOPENED_MARK = "（第 {n} 次返工）"
TRAINING_STAGE_NO_SESSIONS = "项目 {no} 的培训阶段“{name}”还没有安排培训：/培训计划 课程 日期=… 地点=… 讲师=… 人数=… 项目={no}"
TRAINING_STAGE_NOT_HELD = "项目 {no} 的培训阶段“{name}”还有培训未举办（未考勤）：{sessions}，考勤后才能完成。"
SESSION_LINE = "   · {no}「{course}」{when} {place}，讲师 {trainer}，学员 {n} 人［{state}］"
SESSION_PLANNED = "未举办"
SESSION_HELD = "已考勤"
SESSION_SIGNED = "已考勤、学员已签字验收"
NO_SESSIONS_YET = "   · （尚未安排培训）"
NEED_RESULT = "请写明本阶段交付的成果。"
STAGE_ALREADY_DONE = "项目 {no} 的阶段“{name}”已于 {at} 完成。"
STAGE_DONE_DETAIL = "{name}：{result}{late}"
LATE_MARK = "（逾期）"
STAGE_LATE_DONE_NOTICE = "【阶段逾期】{no} {customer} 的阶段“{name}”由 {who} 完成，已超过计划（截止 {due}）。"
NEED_REASON = "请写明原因。"
REQUEST_PENDING = "项目 {no} 已有待审批的{kind}申请。"
REQUEST_NOTICE = "【项目{kind}申请】{no} {customer}「{title}」：{who} 申请{kind}，原因：{reason}。须项目经理和实施经理都同意后生效：/项目审批 {no} 同意或拒绝"
NO_PENDING = "项目 {no} 没有待审批的申请。"
ALREADY_DECIDED = "你已审批过项目 {no} 的这次申请，还需另一方审批。"
SIDE_PM = "项目经理"
SIDE_MGR = "实施经理"
APPROVED_DETAIL = "{side}同意（{note}）"
REFUSED_NOTICE = "【申请驳回】项目 {no} 的{kind}申请被{side} {who} 驳回：{note}"
EFFECTIVE_NOTICE = "【{kind}生效】项目 {no} 已{kind}（项目经理和实施经理均已同意）。原因：{reason}"
TERMINATED_REASON = "项目终止"
ARCHIVED_REASON = "项目已归档"
STAGES_NOT_DONE = "项目 {no} 还有阶段未完成：{names}，完成后才能验收。"
NO_PLAN = "（尚无阶段计划）"
ACCEPTED_NOTICE = "【验收通过】{no} {customer}「{title}」进入终验：请审核资料（/验收 {no} 审核），实施单须在 {due} 前取回。"
FAILED_STAGE_DETAIL = "阶段“{name}”工作不完整，退回重做（{note}）"
STAGE_REOPENED_NOTICE = "【阶段返工】{no} {customer} 验收未通过：阶段“{name}”工作不完整，请重做，{due} 前完成。说明：{note}"
FAILED_NEEDS_CAUSE = "验收不通过须写明原因：原因=售前承诺 / 原因=产品差距，或 阶段=阶段名（该阶段工作不完整，退回重做）。"
FAILED_CAUSE_DETAIL = "原因：{cause}（{note}）"
FAILED_NOTICE = "【验收未通过】{no} {customer}：{cause}（{note}）。可申请终止：/终止 {no} 原因"
ALREADY_REVIEWED = "项目 {no} 的资料已于 {at} 审核。"
FORM_DETAIL = "{form}（{note}）"
FORM_ALREADY = "项目 {no} 的{form}已交回。"
ARCHIVE_NOT_REVIEWED = "项目 {no} 的资料尚未经项目经理（{pm}）审核，不能归档。"
ARCHIVE_FORMS_MISSING = "项目 {no} 还缺：{forms}，不能归档。"
NEED_LOG = "请写明今天的实施内容。"
LOG_FUTURE = "不能为将来的日期写日志。"
LOG_REMIND = "【日志提醒】你在项目 {no} {customer} 缺少 {day} 的实施日志，请在 {by} 前补写：/日志 {no} 内容 日期={day}"
LOG_REPORT = "【日志缺失】项目 {no} {customer}：顾问 {who} 未确认 {day} 的实施日志（已提醒）。"

LATE_STAGE = "阶段“{name}”逾期"
LATE_FORM = "实施单逾期未取回"
LATE_PREFIX = " ⚠ "
NONE_OPEN = "目前没有进行中的项目。"
LIST_HEAD = "项目共 {n} 个："
LIST_GROUP = "【{status}】{n} 个"
LIST_LINE = "{no} {customer}「{title}」项目经理：{pm}{late}"
SHOW_HEAD = "项目 {no} {customer}「{title}」［{status}］"
SHOW_PEOPLE = "项目经理：{pm}；顾问：{who}；申请人：{applied}"
SHOW_CONTENT = "内容：{content}"
SHOW_PLAN = "阶段计划："
SHOW_CLOCKS = "时限：{items}"
SHOW_LOGS = "实施日志（最近 10 条）："
LOG_LINE = "  {day} {who}：{content}"
LOG_MISSING = "（缺失）"
REQUEST_LINE = "{kind}申请：{reason}［{status}；项目经理：{pm}；实施经理：{mgr}］"
SHOW_FORMS = "表单：{items}"
FORM_ITEM = "{form} {state}"
FORM_MISSING = "未交"
CHECKLIST = "待办：{forms} 未交，归档前必须交回。"
SHOW_HISTORY = "记录："
HISTORY_LINE = "  {at} {who} {what}{detail}"

# Command answers.
APPLIED_DONE = "已申请项目 {no}：{customer}「{title}」{visit}。请分配：/项目分配 {no} 经理=姓名 顾问=姓名,姓名"
ASSIGNED_DONE = "项目 {no} 已分配：项目经理 {pm}，顾问 {who}，项目进入实施。"
PLANNED_DONE = "项目 {no} 已加入阶段 {seq}“{name}”（{start}～{end}，成果：{deliverable}），截止 {due}。"
LOG_DONE = "已记录项目 {no} {day} 的实施日志。"
STAGE_DONE_DONE = "项目 {no} 的阶段“{name}”已完成{late}。{next}"
STAGE_NEXT_ACCEPT = "各阶段均已完成，可申请验收：/验收 {no} 通过或不通过"
REQUESTED_DONE = "已提交项目 {no} 的{kind}申请，待项目经理和实施经理审批。"
APPROVED_WAIT = "已记录你的同意（{side}），项目 {no} 的{kind}申请还需另一方同意。"
APPROVED_EFFECTIVE = "项目 {no} 的{kind}申请已生效。"
REFUSED_DONE = "已驳回项目 {no} 的{kind}申请。"
RESUMED_DONE = "项目 {no} 已恢复实施，时限继续计算。"
ACCEPTED_DONE = "项目 {no} 验收通过，进入终验；实施单须在 {due} 前取回。"
ACCEPTED_FORM_DONE = "项目 {no} 验收通过，进入终验（实施单已交回）。"
REOPENED_DONE = "项目 {no} 验收未通过，阶段“{name}”退回顾问重做。"
FAILED_DONE = "项目 {no} 验收未通过（{cause}），可申请终止：/终止 {no} 原因"
REVIEWED_DONE = "项目 {no} 的资料已审核，待实施经理归档。"
FORM_DONE = "已记录项目 {no} 的{form}。{left}"
FORMS_LEFT = "还缺：{forms}。"
ARCHIVED_DONE = "项目 {no} 已归档。"
VERDICT_WORD = "请写“通过”“不通过”或“审核”。"
DECISION_WORD = "请写“同意”或“拒绝”。"

# The monthly report.
MONTH_PROJECTS = "实施项目：启动 {started} 个，验收通过 {accepted} 个，暂停 {paused} 个，终止 {terminated} 个，逾期阶段 {late} 个。"
MONTH_TRAINING = "用户培训：举办 {sessions} 期，学员 {trainees} 人（到场 {attended} 人），平均成绩 {mean}。"
ALL_WORDS = ("全部", "all")
BAD_FORM_TOKEN = "不认识的表单“{token}”，可用：实施单、培训验收、上线计划。"

# /我的 (bot/services/projects/mine.py).
MINE_HEAD = "项目："
MINE_LOG_TODAY = "· {p}：今天（{day}）的实施日志未写（/日志 {no} 内容）"
MINE_LOG_MISSING = "· {p}：缺 {day} 的实施日志（/日志 {no} 内容 日期={day}）"
MINE_STAGE_TO_DELIVER = "· {p}：阶段“{name}”待完成，计划 {end} 结束"
MINE_EVALUATE = "· {p}：各阶段已完成，待验收评估（/验收 {no} 通过或不通过）"
MINE_STAGE_OWNED = "· {p}：你负责的阶段“{name}”进行中，计划 {end} 结束"
MINE_REVIEW = "· {p}：终验资料待你审核（/验收 {no} 审核）"
MINE_FORMS = "· {p}：还缺 {forms}（/交表 {no} …）"
MINE_APPROVE = "· {p}：{kind}申请待你审批（/项目审批 {no} 同意或拒绝）"
MINE_ASSIGN = "· {p}：待分配项目经理和顾问（/项目分配 {no} 经理=… 顾问=…）"
MINE_ARCHIVE = "· {p}：资料已审核、表单齐全，待归档（/项目归档 {no}）"
