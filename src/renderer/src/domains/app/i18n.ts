/** The app shell: platform switcher, language, connection, the demo banner: Chinese first, English with the same keys (the type checks). */
export const zhCN = {
  app: {
    platform: '当前第三方平台',
    menu: '功能菜单',
    language: '界面语言',
    timeZone: '时区',
    timeZoneDefault: '默认时区（{zone}）',
    timeZoneHint: '所有时间按此时区显示：{zone}',
    connection: { connected: '实时连接正常', connecting: '正在连接…', disconnected: '实时连接已断开，正在重试' },
    noToken: '缺少会话令牌：请使用 `wxopen console`（或 `wxopen demo`）打印的完整地址打开本页，地址以 ?token=… 结尾。',
    loadFailed: '无法读取应用状态：{message}',
    noPlatform: '还没有配置第三方平台。',
    goSetup: '去添加平台',
  },
  demo: {
    title: '演示沙盒',
    short: '演示',
    body: '当前连接的是本机模拟的微信与中继，所有数据均为演示数据。',
    addReal: '添加真实平台 →',
  },
};

export const en: typeof zhCN = {
  app: {
    platform: 'Third-party platform',
    menu: 'Screens',
    language: 'Language',
    timeZone: 'Time zone',
    timeZoneDefault: 'Default zone ({zone})',
    timeZoneHint: 'Every time is shown in this zone: {zone}',
    connection: { connected: 'Live', connecting: 'Connecting…', disconnected: 'Live feed lost, retrying' },
    noToken: 'No session token: open this page with the full URL that `wxopen console` (or `wxopen demo`) printed; it ends with ?token=…',
    loadFailed: 'Could not read the app state: {message}',
    noPlatform: 'No third-party platform is configured yet.',
    goSetup: 'Add a platform',
  },
  demo: {
    title: 'Demo sandbox',
    short: 'demo',
    body: 'You are connected to a simulated WeChat and a local relay; all data here is demo data.',
    addReal: 'Add a real platform →',
  },
};
