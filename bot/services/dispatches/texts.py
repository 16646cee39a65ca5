"""Every Chinese text of on-site service: requests, dispatches, visits, forms."""

DISPATCH_STATUS = {
    "requested": "待派工", "dispatched": "待接受", "accepted": "已接受", "appointed": "已预约",
    "on_site": "已到场", "done": "已完工", "unsolved": "未解决", "written_off": "已核销",
    "cancelled": "已取消",
}

SUGGEST_ITEM = "{name}（进行中 {load} 项{duty}）"
SUGGEST_ON_DUTY = "，值班"
SUGGEST_SOMEONE = "工程师"
VISIT_REQUEST = "【上门申请 {d}】{no} {customer}（{tier}）{paid}\n现象：{desc}\n原因：{reason}\n申请人：{who}\n建议工程师：{suggest}\n派工：/派工 {no} {first} 时间=明天09:00"
VISIT_REQUEST_AGAIN = "【再次上门申请 {d}】{no} {customer}（{tier}）{paid}\n现象：{desc}\n{reason}\n申请人：{who}\n建议工程师：{suggest}\n派工：/派工 {no} {first} 时间=明天09:00"
VISIT_PAID_NOTE = "［有偿服务］"
VISIT_NEEDS_REASON = "请写明申请上门的原因。"
VISIT_ALREADY = "{no} 已有上门 {d}（{status}）。"
VISIT_NOT_OFFERED = "{customer} 不提供上门服务：{why}"
VISIT_NEXT_REASON = "上次上门 {d} 未解决：{reason}"
DISPATCH_NOT_ENGINEER = "{who} 不是工程师，不能派工。"
DISPATCH_BUSY = "{no} 已有进行中的上门 {d}（{who}）。"
TIME_PAST = "时间 {at} 已经过去，请写一个将来的时间。"
DISPATCH_CARD_TITLE = "派工 {d}"
DISPATCH_CARD = "{no} {customer}\n地址：{address}\n联系人：{contact}\n现象：{desc}\n原因：{reason}\n时间：{at}\n派工：{manager}。请确认：点按钮或发送 /接受派工 {d}"
DISPATCH_NO_TIME = "请与客户预约（/预约 {d} 时间）"
BUTTON_TAKE = "接受派工"
DISPATCH_OWNER_NOTICE = "你负责的 {no} 已派工 {d} 给 {who}{phone}。"
DISPATCH_OWNER_PHONE = "（客户电话 {phone}）"  # left out when nobody left a number

DISPATCH_NOT_FOUND = "找不到派工单 {d}。"
DISPATCH_NOT_DISPATCHED = "{d} 还没有派工。"
DISPATCH_NOT_YOURS = "{d} 派给了 {who}，只有 {who} 可以这样操作。"
DISPATCH_WRONG_STATE = "{d} 当前状态为“{status}”，不能这样操作。{hint}"
DISPATCH_STATE_HINT = {
    "dispatched": "请先 /接受派工 {d}。",
    "accepted": "请先 /到场 {d}。",
    "appointed": "请先 /到场 {d}。",
    "on_site": "请先 /完工 或 /未解决 {d}。",
    "done": "请 /核销 {d}。",
    "unsolved": "请 /核销 {d}。",
}
DATA_NEEDS_AUTHORIZATION = "带走客户数据需要客户的书面授权：请写明授权人，例如 带走数据=王会计。"
DATA_NEEDS_REFERENCE = ("带走客户数据还须记录客户盖章的书面授权：附件=平台收到的文件或照片，"
                        "或 存档=纸质授权书的存档编号，例如 带走数据=王会计 附件=授权书.jpg。")
DISPATCH_ALREADY_TAKEN = "{d} 已由 {who} 接受。"
DISPATCH_ACCEPTED_NOTICE = "{who} 已接受派工 {d}（{no} {customer}）。"
DISPATCH_APPOINTED_NOTICE = "{d}（{no}）已预约 {at} 上门（{who}）。"
DATA_TAKEN_DETAIL = "{d} 带走客户数据，授权人：{who}，书面授权：{ref}"
DONE_NEEDS_BACKUP = "{d} 还没有备份客户数据：请先 /备份 {d}，再完工。"
DONE_NEEDS_SIGNATORY = "请写明客户签字人：/完工 {d} 签字人=姓名 处理结果。"
DONE_NEEDS_RESULT = "请写明处理结果：/完工 {d} 签字人=姓名 处理结果。"
DONE_DETAIL = "{d} 签字人 {who}：{result}"
DONE_NOTICE = "{d}（{no} {customer}）已完工：{who} 上门解决，客户签字人 {signatory}。结果：{result}"
UNSOLVED_NEEDS_REASON = "请写明未解决的原因：/未解决 {d} 原因 [升级]。"
UNSOLVED_HQ_REASON = "上门 {d} 未解决：{reason}"
FORMS_ALREADY = "{d} 的服务单据已于 {at} 交回。"
DISPATCH_HEADER = "{d}［{status}］{no} {customer}"
DISPATCH_REASON = "原因：{reason}"
DISPATCH_PEOPLE = "工程师：{engineer}；派工：{manager}（{at}）"
DISPATCH_STEP_ACCEPTED = "接受"
DISPATCH_STEP_APPOINTMENT = "预约"
DISPATCH_STEP_ARRIVED = "到场"
DISPATCH_STEP_BACKUP = "备份"
DISPATCH_STEP_FINISHED = "结束"
DISPATCH_STEP_WRITTEN_OFF = "核销"
DISPATCH_STEP_FORMS = "单据交回"
DISPATCH_SIGNED = "客户签字人：{who}"
DISPATCH_DATA = "带走客户数据，授权人：{who}，书面授权：{ref}"
DISPATCH_RESULT = "结果：{result}"
