/** The relay: its connection states and what it refused: Chinese first, English with the same keys (the type checks). */
export const zhCN = {
  refusals: {
    title: '中继拒收的请求',
    summary: '近 {hours} 小时共拒收 {n} 条（未保存，也没有转给本机）。按原因：',
    none: '没有记录',
    at: '时间',
    reason: '原因',
    path: '路径',
    remote: '来源地址',
  },
  relayState: { not_configured: '未配置', connecting: '连接中', connected: '已连接', disconnected: '已断开' },
};

export const en: typeof zhCN = {
  refusals: {
    title: 'Requests the relay refused',
    summary: '{n} refused in the last {hours} h (not stored, not passed to this desk). By reason:',
    none: 'None recorded',
    at: 'Time',
    reason: 'Reason',
    path: 'Path',
    remote: 'Source address',
  },
  relayState: { not_configured: 'not configured', connecting: 'connecting', connected: 'connected', disconnected: 'disconnected' },
};
