/**
 * Names of common permission sets (funcscope_category.id). The full catalogue is not published in one place; unknown
 * ids are shown as "#id". Sources: WeChat's third-party platform permission-set list for official accounts and mini
 * programs (common ids only).
 */
const NAMES: Record<number, { zh: string; en: string }> = {
  1: { zh: '消息管理', en: 'Message management' },
  2: { zh: '用户管理', en: 'User management' },
  3: { zh: '帐号服务', en: 'Account services' },
  4: { zh: '网页服务', en: 'Web services' },
  5: { zh: '微信小店', en: 'WeChat store' },
  6: { zh: '微信多客服', en: 'Multi-customer service' },
  7: { zh: '群发与通知', en: 'Mass messages and notifications' },
  8: { zh: '微信卡券', en: 'Coupons and cards' },
  9: { zh: '微信扫一扫', en: 'Scan' },
  10: { zh: '微信连WIFI', en: 'WeChat Wi-Fi' },
  11: { zh: '素材管理', en: 'Media management' },
  12: { zh: '微信摇周边', en: 'Shake nearby' },
  13: { zh: '微信门店', en: 'Stores' },
  15: { zh: '自定义菜单', en: 'Custom menu' },
  17: { zh: '帐号管理（小程序）', en: 'Account management (mini program)' },
  18: { zh: '开发管理与数据分析（小程序）', en: 'Development and analytics (mini program)' },
  19: { zh: '客服消息管理（小程序）', en: 'Customer-service messages (mini program)' },
};

export const KNOWN_FUNC_IDS = Object.keys(NAMES).map(Number);

export function funcScopeName(id: number, locale: string): string {
  const n = NAMES[id];
  if (!n) return `#${id}`;
  return `${locale === 'en' ? n.en : n.zh} (#${id})`;
}
