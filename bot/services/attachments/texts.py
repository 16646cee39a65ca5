"""Chinese texts of ticket attachments (/附件, pictures and files sent to the bot)."""

KIND_NAMES = {"image": "图片", "file": "文件"}
UNSUPPORTED_KIND_NAMES = {
    "voice": "语音", "audio": "语音", "video": "视频", "location": "位置", "link": "链接",
    "emotion": "表情", "stream": "流式消息",
}
UNSUPPORTED = ("暂不支持{kind}消息。机器人能处理：文字命令（如 /建单、/单 T12）、图片和文件"
               "（随 /建单 一起发送，或先发 /附件 T编号 再发送）。")
NO_TARGET = "收到{kind}，但不知道它属于哪张工单或申请：请先发 /附件 T编号（或 R编号、M编号），再在 {minutes} 分钟内发送{kind}；或在建单时一起发送。"
ATTACHED = "已将 {n} 个附件（{kinds}）附到 {no}。"
WAITING = "请在 {minutes} 分钟内发送要附到 {no} 的图片或文件。"
DOWNLOAD_FAILED = "附件下载失败（{reason}），未做任何更改，请稍后重发。"
NO_API = "当前平台未配置接口"
LIST_HEAD = "附件："
LIST_LINE = "  A{no} {kind} {name}（{size}，{at}）"
WAITING_SCAN = "请在 {minutes} 分钟内发送 {no} 的客户盖章申请扫描件或照片（图片或文件）。"
BAD_REF = "附件=“{ref}”不对：请写已收到的附件编号，如 附件=A3（/单 T编号 列出工单的附件），或提交后用 /附件 R编号 或 /附件 M编号 再发送扫描件。"
REF_NOT_FOUND = "找不到附件 {ref}。"
SCANS_HEAD = "盖章申请附件："
SCAN_LINE = "  {kind} {name}（{size}，{at}）{source}"
SCAN_SOURCE = "，取自 {ref}"
