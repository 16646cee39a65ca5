"""Every Chinese text of change requests (R) and sensitive requests (M)."""

# The stamped written application and its paper archive.
APP_MISSING = ("须先收到客户盖章的书面申请：请写 附件=平台收到的文件或照片（媒体ID或文件名），"
               "或 存档=纸质申请单的存档编号。")
APP_BOTH = "附件= 和 存档= 只写一个：文件或照片写 附件=，纸质件已存档写 存档=。"
APP_WITH_MESSAGE = "随申请发送的扫描件"
APP_NONE = "未收到（请用 /附件 编号 发送扫描件，或 /申请归档 编号 存档编号）"
APP_NOT_RECEIVED = ("{no} 还没有客户盖章的书面申请，不能{action}：请用 /附件 {no} 发送扫描件或照片，"
                    "或用 /申请归档 {no} 存档编号 登记纸质件。")
APP_ACTION_APPROVE = "审核同意"
APP_ACTION_CLOSE = "结束"
APP_ACTION_DONE = "办结"
ATTACH_CLOSED = "{no} 已结束，不能再附加申请扫描件。"
ATTACH_ROLE = "只有工程师或服务经理可以为申请附加扫描件。"
APP_VIA = {"file": "附件", "paper": "纸质存档"}
ARCHIVE_NEEDS_REF = "请写明纸质申请单的存档编号，例如 /申请归档 R5 XZ-2026-031。"
ARCHIVE_ALREADY = "{no} 的书面申请已于 {at} 存档（{ref}）。"
ARCHIVE_NOT_YOURS = "{no} 由 {who} 提交，只有提交人或服务经理可以登记存档。"
ARCHIVED_DONE = "{no} 的书面申请已登记存档：{ref}。"
BAD_NUMBER = "请写 R 编号（改需）或 M 编号（敏感申请），例如 R5、M3。"
WRONG_STATE = "{no} 当前状态为“{status}”，不能这样操作。"
NOT_FOUND = "找不到 {no}。"

# Change requests.
CHG_NEEDS_CUSTOMER = "请写明客户和需求内容：/改需 客户=华东制造 附件=A3 内容"
CHG_NEEDS_CONTENT = "请写明经与客户确认的需求内容。"
CHG_KIND = {"feature": "程序修改", "bug": "软件缺陷"}
CHG_KIND_FEATURE_WORDS = ("需求", "修改", "程序修改", "改需", "feature")
CHG_KIND_BUG_WORDS = ("缺陷", "bug", "BUG", "错误", "报错")
CHG_BAD_KIND = "类型“{word}”不对，请写 类型=需求 或 类型=缺陷。"
CHG_BUG_NEEDS_DETAIL = ("软件缺陷必须写明具体操作步骤和出现的错误提示："
                        "步骤=… 报错=…（缺：{missing}）。")
CHG_STEPS = "操作步骤"
CHG_ERROR = "错误提示"
CHG_STATUS = {"submitted": "待审核", "approved": "已审核待告知客户", "refused": "已拒绝待告知客户",
              "developing": "开发中", "developed": "待测试", "passed": "测试通过待告知客户",
              "closed": "已结束"}
CHG_APPROVE_WORDS = ("同意", "通过", "批准", "yes")
CHG_REFUSE_WORDS = ("拒绝", "不同意", "驳回", "no")
CHG_REVIEW_WORD = "请写 同意 预计=完工日期 或 拒绝 原因，例如 /改需审核 R5 同意 预计=12-10。"
CHG_NEEDS_ESTIMATE = "同意时请写明预计完工时间：预计=12-10 或 预计=12-10 17:00。"
CHG_ESTIMATE_PAST = "预计完工时间不能早于现在。"
CHG_NEEDS_REASON = "拒绝时请写明原因。"
CHG_PASS_WORDS = ("通过", "合格", "pass")
CHG_FAIL_WORDS = ("不通过", "失败", "不合格", "fail")
CHG_TEST_WORD = "请写 通过 或 不通过 及未通过的情况，例如 /改需测试 R5 不通过 凭证打印仍然串行。"
CHG_FAIL_NEEDS_WHAT = "不通过时请写明哪里没有通过，交开发人员修改。"
CHG_NOT_APPLICANT = "{no} 由 {who} 提交，只有提交人或服务经理可以这样操作。"
CHG_SUBMITTED = ("已提交程序修改申请 {no}：{customer}［{kind}］，书面申请：{app}。\n"
                 "服务经理须在 {due} 前审核。{archive}{scan}")
SCAN_NEEDED = "\n收到客户盖章申请的扫描件或照片前不能审核同意：/附件 {no} 后发送。"
CHG_ARCHIVE_DUE = "纸质申请单须在 {due} 前交行政部存档（/申请归档 {no} 存档编号）。"
CHG_NEW_NOTICE = ("【程序修改申请 {no}】{customer}（{tier}）［{kind}］\n内容：{content}{bug}\n"
                  "书面申请：{app}；提交：{who}\n请在 {due} 前审核：/改需审核 {no} 同意 预计=日期 "
                  "或 /改需审核 {no} 拒绝 原因")
CHG_BUG_LINES = "\n操作步骤：{steps}\n错误提示：{error}"
CHG_APPROVED_DONE = "{no} 已审核同意，预计 {estimate} 完工；{who} 须在 {due} 前告知客户（/改需告知 {no}）。"
CHG_REFUSED_DONE = "{no} 已拒绝：{reason}；{who} 须在 {due} 前告知客户（/改需告知 {no}）。"
CHG_APPROVED_NOTICE = ("【改需审核】{no} {customer} 已由 {manager} 审核同意，预计 {estimate} 完工。"
                       "意见：{note}\n请在 {due} 前告知客户：/改需告知 {no}")
CHG_REFUSED_NOTICE = ("【改需审核】{no} {customer} 被 {manager} 拒绝，原因：{note}\n"
                      "请在 {due} 前告知客户：/改需告知 {no}")
CHG_TOLD_ESTIMATE = "{no} 已告知客户预计 {estimate} 完工，交开发人员修改；完成后登记 /改需完成 {no}。"
CHG_TOLD_REFUSED = "{no} 已告知客户拒绝的原因，申请结束。"
CHG_TOLD_CLOSED = "{no} 已告知客户修改完成并测试通过，申请结束。"
CHG_DEVELOPED_DONE = "{no} 已登记开发完成{late}，请 {who} 在测试后登记 /改需测试 {no} 通过 或 不通过 情况。"
CHG_DEVELOPED_LATE = "（超过预计完工时间 {over}）"
CHG_DEVELOPED_NOTICE = "【改需待测试】{no} {customer} 开发人员已完成：{note}\n请测试后登记：/改需测试 {no} 通过 或 不通过 情况"
CHG_FAILED_DONE = "{no} 测试未通过（第 {n} 次），已退回开发人员：{what}。预计完工仍为 {estimate}。"
CHG_FAILED_NOTICE = ("【改需测试未通过】{no} {customer} 第 {n} 次测试未通过：{what}\n"
                     "已退回开发人员，预计完工 {estimate}。")
CHG_PASSED_DONE = "{no} 测试通过；请在 {due} 前告知客户（/改需告知 {no}）后结束。"
CHG_NONE_OPEN = "没有未结束的程序修改申请。"
CHG_OPEN_HEAD = "未结束的程序修改申请 {n} 项："
CHG_OPEN_STATE = "【{status}】{n} 项"
CHG_OPEN_LINE = "· {no} {customer}［{kind}］{content} 提交：{who} {at}{estimate}"
CHG_OPEN_ESTIMATE = " 预计 {at}"
CHG_EVENT = {"submitted": "提交", "approved": "审核同意", "refused": "审核拒绝",
             "told": "告知客户", "developed": "开发完成", "test_failed": "测试未通过，退回开发",
             "test_passed": "测试通过", "closed": "告知客户并结束", "archived": "书面申请存档",
             "scan": "收到盖章申请扫描件"}
CHG_VIEW_HEAD = "{no}［{status}］{customer}（{tier}）{kind}"
CHG_VIEW_CONTENT = "内容：{content}"
CHG_VIEW_APP = "书面申请：{app}；存档：{archive}"
CHG_VIEW_REVIEW = "审核：{who}，{at}；预计完工：{estimate}；意见：{note}"

# Sensitive requests.
SEN_KIND = {"admin_password": "超级管理员密码恢复", "account_password": "账套密码",
            "report_password": "报表密码", "clear_data": "清除数据"}
SEN_KIND_WORDS = {"admin_password": ("超级管理员密码", "超级管理员", "管理员密码", "admin"),
                  "account_password": ("账套密码", "账套"),
                  "report_password": ("报表密码", "报表"),
                  "clear_data": ("清除数据", "清数据", "数据清除", "清除")}
SEN_NEEDS_KIND = "请写明类型：类型=超级管理员密码、账套密码、报表密码 或 清除数据。"
SEN_BAD_KIND = "类型“{word}”不对，可选：超级管理员密码、账套密码、报表密码、清除数据。"
SEN_NEEDS_CUSTOMER = "请写明客户：/敏感申请 客户=华东制造 类型=超级管理员密码 附件=A3"
SEN_STATUS = {"submitted": "待审批", "approved": "已批准", "refused": "已拒绝", "done": "已办结"}
SEN_SUBMITTED = ("已登记敏感申请 {no}：{customer}［{kind}］，书面申请：{app}。\n"
                 "服务经理须在 {due} 前审批；批准前不得处理。{archive}{scan}")
SEN_NEW_NOTICE = ("【敏感申请 {no}】{customer}（{tier}）［{kind}］\n说明：{note}\n书面申请：{app}；"
                  "工程师：{who}\n请在 {due} 前审批：/敏感审批 {no} 同意 或 /敏感审批 {no} 拒绝 原因")
SEN_OWN_REQUEST = "{no} 是你自己登记的申请，须由另一位服务经理审批。"
SEN_APPROVE_WORD = "请写 同意 或 拒绝 原因，例如 /敏感审批 M3 同意。"
SEN_APPROVED_DONE = "{no} 已批准，{who} 可以处理；办结时写明告知的联系人：/敏感办结 {no} 告知=联系人。"
SEN_REFUSED_DONE = "{no} 已拒绝：{reason}。"
SEN_APPROVED_NOTICE = ("【敏感申请已批准】{no} {customer}［{kind}］由 {manager} 批准。\n"
                       "处理后办结：/敏感办结 {no} 告知=联系人")
SEN_REFUSED_NOTICE = "【敏感申请被拒绝】{no} {customer}［{kind}］由 {manager} 拒绝，原因：{reason}。不得处理。"
SEN_NOT_APPROVED = "{no} 当前状态为“{status}”：只有服务经理批准后才能处理。"
SEN_NOT_ENGINEER = "{no} 由 {who} 负责，只有该工程师可以办结。"
SEN_NEEDS_CONTACT = "请写明告知的客户联系人：/敏感办结 M3 告知=王会计。"
SEN_DONE = "{no} 已办结：已告知 {contact}。"
SEN_NONE_OPEN = "没有待审批或待办结的敏感申请。"
SEN_OPEN_HEAD = "未办结的敏感申请 {n} 项："
SEN_OPEN_LINE = "· {no}［{status}］{customer}［{kind}］工程师：{who} {at}"
SEN_EVENT = {"submitted": "登记", "approved": "批准", "refused": "拒绝", "done": "办结",
             "archived": "书面申请存档", "read": "查看敏感资料",
             "scan": "收到盖章申请扫描件"}
SEN_VIEW_HEAD = "{no}［{status}］{customer}（{tier}）{kind}"
SEN_VIEW_DECISION = "审批：{who}，{at}；意见：{note}"
SEN_VIEW_DONE = "办结：{at}；告知联系人：{contact}；{note}"
SEN_READ_DETAIL = "{what}（客户 {customer}）"
SEN_NO_ACCESS = "{customer} 没有由你负责且已批准的敏感申请，敏感资料不能查看。"

# Shared views.
VIEW_NOTE = "说明：{note}"
VIEW_CLOCKS = "时限：{clocks}"
VIEW_HISTORY = "记录："
VIEW_EVENT = "· {at} {who} {kind}{detail}"

# The monthly report.
REPORT_LINE = ("程序修改申请：本月提交 {changes} 项（其中缺陷 {bugs} 项），审核同意 {approved}、拒绝 {refused}，"
               "结束 {closed} 项，测试退回 {failed_tests} 次，超过预计完工 {late_estimates} 次，"
               "目前未结束 {open_changes} 项。\n"
               "敏感申请：本月登记 {sensitive} 项，批准 {sensitive_approved}、拒绝 {sensitive_refused}，"
               "办结 {sensitive_done} 项，目前未办结 {open_sensitive} 项；"
               "书面申请超时未存档 {archive_late} 次。")

# /我的 (bot/services/requests/mine.py).
MINE_HEAD = "改需和敏感申请："
MINE_TELL = "· {no} {customer}［{kind}］{content}：待你告知客户（/改需告知 {no}）"
MINE_TEST = "· {no} {customer}［{kind}］{content}：开发已完成，待你测试（/改需测试 {no} 通过或不通过）"
MINE_REVIEW = "· {no} {customer}［{kind}］{content}：待审核（/改需审核 {no} 同意 预计=… 或 拒绝 原因）"
MINE_SCAN = "· {no} {customer}：盖章申请扫描件未收到（/附件 {no} 后发送）"
MINE_FILE = "· {no} {customer}：纸质申请单待交行政部存档（/申请归档 {no} 存档编号）"
MINE_SEN_ACT = "· {no} {customer}［{kind}］：已批准，待你处理并办结（/敏感办结 {no} 告知=联系人）"
MINE_SEN_DECIDE = "· {no} {customer}［{kind}］：待审批（/敏感审批 {no} 同意 或 拒绝 原因）"
