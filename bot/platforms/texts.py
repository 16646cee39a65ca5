"""Chinese texts of the platform edges: what a deployer reads when a platform is misconfigured."""

MISSING_KEY = "启用该平台时必须填写"
BAD_AES_KEY = "EncodingAESKey 应为 43 个字符（企业微信后台随机生成的那一串）"
BAD_AES_KEY_CHARS = "EncodingAESKey 不是有效的 base64：只能包含字母、数字、+ 和 /（请从企业微信后台重新复制）"
