"""What a redrawn card says about its object (zh-CN)."""

STATE_LINE = "状态：{state}"
FRESH = "{title}\n状态：{state}"
# A card whose words changed (/改单), told afresh where it cannot be redrawn.
FRESH_EDITED = "{title}\n已修改：{changes}\n状态：{state}"

TICKET_NEW = "待接单"
TICKET_CLAIMED = "已由 {owner} 接单"
TICKET_ACCEPTED = "已由 {owner} 接收"
TICKET_REOPENED = "已重开，由 {owner} 负责"
TICKET_OFFERED = "，转派给 {who} 待接收"
TICKET_RESOLVED = "已由 {owner} 解决"
TICKET_CANCELLED = "已撤单"
TICKET_CLOSED = "已关闭（重复单）"

DISPATCH_WAITING = "待 {engineer} 接受派工"
DISPATCH_ACCEPTED = "已由 {engineer} 接受派工"
DISPATCH_OTHER = "{status}（{engineer}）"
NOBODY = "未指定"
