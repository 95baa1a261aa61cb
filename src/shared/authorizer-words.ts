/**
 * The words for an authorizer's coded values, in Chinese and English: used by the export (main) and the authorizers
 * screen (renderer). Codes from WeChat's authorizer_info (see /work/shared/reference/wechat-open-platform.md).
 */
export interface Words {
  zh: string;
  en: string;
}

/**
 * Names of the permission sets (funcscope_category.id) as WeChat's third-party platform lists them: the official
 * account sets ("公众号权限集") and the mini program sets ("小程序权限集"); the ids of the two lists do not overlap.
 * An id not listed here (WeChat adds sets now and then) is shown as unknown with its number.
 */
export const FUNC_SCOPE_NAMES: Record<number, Words> = {
  // official accounts
  1: { zh: '消息管理', en: 'Message management' },
  2: { zh: '用户管理', en: 'User management' },
  3: { zh: '帐号服务', en: 'Account services' },
  4: { zh: '网页服务', en: 'Web services' },
  5: { zh: '微信小店', en: 'WeChat store' },
  6: { zh: '微信多客服', en: 'Multi-agent customer service' },
  7: { zh: '群发与通知', en: 'Mass messages and notifications' },
  8: { zh: '微信卡券', en: 'Cards and coupons' },
  9: { zh: '微信扫一扫', en: 'Scan' },
  10: { zh: '微信连WIFI', en: 'WeChat Wi-Fi' },
  11: { zh: '素材管理', en: 'Media management' },
  12: { zh: '微信摇周边', en: 'Shake nearby' },
  13: { zh: '微信门店', en: 'Stores' },
  15: { zh: '自定义菜单', en: 'Custom menu' },
  22: { zh: '城市服务', en: 'City services' },
  23: { zh: '广告管理', en: 'Advertising management' },
  24: { zh: '开放平台帐号管理（公众号）', en: 'Open Platform account binding (official account)' },
  26: { zh: '微信电子发票', en: 'E-invoices' },
  27: { zh: '快速注册小程序', en: 'Fast mini program registration' },
  33: { zh: '小程序管理（公众号关联）', en: 'Linked mini program management' },
  34: { zh: '微信商品库', en: 'Product library' },
  35: { zh: '微信卡路里（公众号）', en: 'WeChat calories (official account)' },
  44: { zh: '好物圈（公众号）', en: 'Good-things circle (official account)' },
  46: { zh: '微信一物一码', en: 'One item, one code' },
  47: { zh: '微信财政电子票据（公众号）', en: 'Fiscal e-receipts (official account)' },
  54: { zh: '服务号对话', en: 'Service account conversations' },
  // mini programs
  17: { zh: '帐号管理（小程序）', en: 'Account management (mini program)' },
  18: { zh: '开发管理与数据分析（小程序）', en: 'Development and analytics (mini program)' },
  19: { zh: '客服消息管理（小程序）', en: 'Customer-service messages (mini program)' },
  25: { zh: '开放平台帐号管理（小程序）', en: 'Open Platform account binding (mini program)' },
  30: { zh: '小程序基本信息设置', en: 'Mini program basic information' },
  31: { zh: '小程序认证名称检测', en: 'Mini program verified-name check' },
  36: { zh: '微信卡路里（小程序）', en: 'WeChat calories (mini program)' },
  37: { zh: '附近的小程序', en: 'Nearby mini programs' },
  40: { zh: '小程序插件管理', en: 'Mini program plug-ins' },
  41: { zh: '好物圈（小程序）', en: 'Good-things circle (mini program)' },
  45: { zh: '微信物流服务', en: 'WeChat logistics' },
  48: { zh: '微信财政电子票据（小程序）', en: 'Fiscal e-receipts (mini program)' },
  49: { zh: '云开发管理', en: 'Cloud development' },
  51: { zh: '即时配送', en: 'Instant delivery' },
  52: { zh: '小程序直播', en: 'Mini program live streaming' },
};

/** Which account kind each permission set belongs to (the two lists above). */
export const FUNC_SCOPE_KIND: Record<number, 'OA' | 'MP'> = Object.fromEntries(
  Object.keys(FUNC_SCOPE_NAMES).map((id) => [Number(id), [17, 18, 19, 25, 30, 31, 36, 37, 40, 41, 45, 48, 49, 51, 52].includes(Number(id)) ? 'MP' : 'OA']),
) as Record<number, 'OA' | 'MP'>;

/**
 * The account options of api_get_authorizer_option / api_set_authorizer_option: official accounts only (a mini
 * program has no such settings), with what each value means.
 */
export const OPTION_WORDS: Record<'location_report' | 'voice_recognize' | 'customer_service', { name: Words; meaning: Words; values: Record<string, Words> }> = {
  location_report: {
    name: { zh: '地理位置上报', en: 'Location reporting' },
    meaning: { zh: '用户进入公众号会话时，微信是否把用户的地理位置推送给你（LOCATION 事件）', en: 'Whether WeChat pushes the user’s location (a LOCATION event) when they open a chat with the account' },
    values: { '0': { zh: '关闭', en: 'Off' }, '1': { zh: '进入会话时上报', en: 'When a chat opens' }, '2': { zh: '每 5 秒上报', en: 'Every 5 seconds' } },
  },
  voice_recognize: {
    name: { zh: '语音识别', en: 'Voice recognition' },
    meaning: { zh: '用户发来的语音消息是否附带识别出的文字（Recognition 字段）', en: 'Whether voice messages arrive with the recognised text (the Recognition field)' },
    values: { '0': { zh: '关闭', en: 'Off' }, '1': { zh: '开启', en: 'On' } },
  },
  customer_service: {
    name: { zh: '多客服', en: 'Multi-agent customer service' },
    meaning: { zh: '用户消息是否转给多客服系统处理', en: 'Whether user messages go to the multi-agent customer-service system' },
    values: { '0': { zh: '关闭', en: 'Off' }, '1': { zh: '开启', en: 'On' } },
  },
};

/** Account kinds the options apply to. */
export const OPTION_KINDS: readonly ('OA' | 'MP')[] = ['OA'];

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
