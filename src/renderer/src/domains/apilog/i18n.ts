/** The API call log: Chinese first, English with the same keys (the type checks). */
export const zhCN = {
  nav: { apilog: 'API 日志' },
  apilog: {
    at: '时间',
    path: '接口路径',
    meaning: '含义',
    latency: '耗时',
    attempt: '次',
    errorsOnly: '只看错误',
    none: '暂无调用记录',
    ok: '成功',
    transport: '网络错误（微信未应答）',
    errcodeNumber: 'errcode 必须是整数',
  },
};

export const en: typeof zhCN = {
  nav: { apilog: 'API log' },
  apilog: {
    at: 'Time',
    path: 'API path',
    meaning: 'Meaning',
    latency: 'Latency',
    attempt: 'Try',
    errorsOnly: 'Errors only',
    none: 'No calls yet',
    ok: 'ok',
    transport: 'Network error (no answer from WeChat)',
    errcodeNumber: 'errcode must be an integer',
  },
};
