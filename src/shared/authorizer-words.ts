/**
 * The words for an authorizer's coded values, in Chinese and English: used by the export (main) and the authorizers
 * screen (renderer). Codes from WeChat's authorizer_info (see /work/shared/reference/wechat-open-platform.md).
 */
export interface Words {
  zh: string;
  en: string;
}

/**
 * Names of common permission sets (funcscope_category.id). The full catalogue is not published in one place; unknown
 * ids are shown as "#id". Sources: WeChat's third-party platform permission-set list for official accounts and mini
 * programs (common ids only).
 */
export const FUNC_SCOPE_NAMES: Record<number, Words> = {
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

export const KIND_WORDS: Record<'OA' | 'MP', Words> = {
  OA: { zh: '公众号', en: 'Official account' },
  MP: { zh: '小程序', en: 'Mini program' },
};

export const STATUS_WORDS: Record<'active' | 'needs_reauth' | 'revoked', Words> = {
  active: { zh: '正常', en: 'Active' },
  needs_reauth: { zh: '需重新授权', en: 'Needs re-authorization' },
  revoked: { zh: '已取消授权', en: 'Revoked' },
};

/** service_type_info.id; official accounts have three, mini programs report 0. */
export const SERVICE_TYPE_WORDS: { OA: Record<number, Words>; MP: Record<number, Words> } = {
  OA: {
    0: { zh: '订阅号', en: 'Subscription account' },
    1: { zh: '订阅号（老帐号升级）', en: 'Subscription account (upgraded legacy account)' },
    2: { zh: '服务号', en: 'Service account' },
  },
  MP: { 0: { zh: '小程序', en: 'Mini program' } },
};

/** verify_type_info.id */
export const VERIFY_TYPE_WORDS: Record<number, Words> = {
  [-1]: { zh: '未认证', en: 'Not verified' },
  0: { zh: '微信认证', en: 'WeChat verified' },
  1: { zh: '新浪微博认证', en: 'Sina Weibo verified' },
  2: { zh: '腾讯微博认证', en: 'Tencent Weibo verified' },
  3: { zh: '资质认证通过，名称未认证', en: 'Qualification verified, name not verified' },
  4: { zh: '资质认证通过，名称未认证，新浪微博认证', en: 'Qualification and Sina Weibo verified, name not verified' },
  5: { zh: '资质认证通过，名称未认证，腾讯微博认证', en: 'Qualification and Tencent Weibo verified, name not verified' },
};

/** account_status */
export const ACCOUNT_STATUS_WORDS: Record<number, Words> = {
  1: { zh: '正常', en: 'Normal' },
  14: { zh: '已注销', en: 'Deregistered' },
  16: { zh: '已封禁', en: 'Banned' },
  18: { zh: '已告警', en: 'Warned' },
  19: { zh: '已冻结', en: 'Frozen' },
};

export const YES_NO_WORDS: { yes: Words; no: Words } = { yes: { zh: '是', en: 'Yes' }, no: { zh: '否', en: 'No' } };
