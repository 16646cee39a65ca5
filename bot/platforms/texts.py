"""Chinese texts of the platform edges: what a deployer reads when a platform is misconfigured."""

MISSING_KEY = "启用该平台时必须填写"
# How the admins' connection notices name the DingTalk stream (bot/platforms/dingtalk_stream.py).
DINGTALK_STREAM_TITLE = "钉钉 Stream 模式"
BAD_AES_KEY = "EncodingAESKey 应为 43 个字符（企业微信后台随机生成的那一串）"
BAD_AES_KEY_CHARS = "EncodingAESKey 不是有效的 base64：只能包含字母、数字、+ 和 /（请从企业微信后台重新复制）"

# The simulator's door (bot/platforms/sim_access.py).
SIM_EXPOSED = ("本地模拟器没有设置登录口令，不能监听 {host}：任何能访问它的人都能冒充任何员工。"
               "请在 [simulator] 中设置 token（至少 16 个字符），或把 server.host 改为 127.0.0.1，"
               "或设置 simulator.enabled = false")
SIM_HOST_REFUSED = "模拟器只接受本机地址（localhost / 127.0.0.1）的访问"
SIM_CROSS_SITE = "模拟器只接受来自它自己页面的请求"
SIM_JSON_ONLY = "请求格式错误：只接受 Content-Type: application/json"
SIM_LOGIN_REQUIRED = "请先在模拟器页面输入登录口令"
SIM_LOGIN_WRONG = "登录口令不对"
SIM_LOGIN_PAGE = {
    "title": "deskbot 模拟器登录",
    "prompt": "这个模拟器设置了登录口令，请输入：",
    "button": "登录",
    "wrong": "口令不对，请重试。",
}
SIM_FIELD_CONTROLS = "字段 {field} 含有控制字符"

# The WeCom intelligent robot's long connection (bot/platforms/wecom_ws.py).
ROBOT_TITLE = "企业微信智能机器人长连接"
