/**
 * WeChat errcodes (reference §8, plus the message-crypto codes of §1.4) with a short meaning in Chinese and English
 * and what to do about them. Shared by the main process and the UI, so no Node or DOM imports here.
 */

/** What the caller (or the operator) should do about an errcode. The UI maps these to buttons and hints. */
export type ErrcodeAction =
  | 'retry' // transient on WeChat's side: retry with backoff
  | 'refresh_token' // the token is invalid or expired: refresh it and retry once
  | 'reauthorize' // the authorizer must authorize the platform again
  | 'fix_whitelist' // add the caller IP to the platform's whitelist, or send calls through the relay's egress
  | 'clear_quota' // a daily quota was hit: clear it (limited per month) or wait until tomorrow
  | 'wait' // a rate limit: slow down and try later
  | 'fix_credentials' // wrong appid / secret / ticket configured
  | 'wait_ticket' // the component_verify_ticket is missing, stale or wrong
  | 'grant_permission' // the account or the authorizer lacks the permission set for this API
  | 'fix_request' // the request itself is wrong (fields, format, state)
  | 'check_crypto'; // message signature or encryption settings do not match

export interface ErrcodeInfo {
  /** Short meaning and what to do, in Chinese. */
  zh: string;
  /** Short meaning and what to do, in English. */
  en: string;
  action?: ErrcodeAction;
}

export interface ErrcodeExplanation extends ErrcodeInfo {
  code: number;
  /** False when the code is not in the table and the text is the generic fallback. */
  known: boolean;
}

const WHITELIST_ZH =
  '调用方 IP 不在第三方平台的白名单（白名单IP地址列表）中。请在开放平台 → 第三方平台 → 开发资料中把本机出口 IP 加入白名单（用“修改”立即生效），或在设置中选择 “egress: via relay”，经中继服务器（其 IP 已在白名单中）的出口隧道发起调用。';
const WHITELIST_EN =
  "The caller's IP is not on the third-party platform's IP whitelist (白名单). Add this machine's egress IP under " +
  'Open Platform → third-party platform → development settings (the "修改" path applies at once), or set ' +
  '"egress: via relay" so API calls leave through the relay\'s egress tunnel, whose IP is whitelisted.';

export const ERRCODES: Readonly<Record<number, ErrcodeInfo>> = {
  [-1]: { zh: '微信系统繁忙，请稍后重试', en: 'WeChat is busy (system error); retry with backoff', action: 'retry' },
  0: { zh: '成功', en: 'OK' },
  40001: {
    zh: 'access_token 无效或不是最新的（或 AppSecret 错误）；刷新令牌后重试一次',
    en: 'access_token is invalid or superseded (or the secret is wrong); refresh the token and retry once',
    action: 'refresh_token',
  },
  40003: { zh: 'openid 无效：不是这个公众号的用户（openid 因公众号而异）', en: "Invalid openid: not a user of this account (openids differ per account)", action: 'fix_request' },
  40004: { zh: '不合法的媒体文件类型（type 参数）', en: 'Invalid media type (the type parameter)', action: 'fix_request' },
  40005: { zh: '不合法的文件类型：该接口不接受这种文件格式', en: 'Invalid file type: this API does not take this file format', action: 'fix_request' },
  40006: { zh: '不合法的文件大小（或文件格式）：超过该接口的限制', en: "Invalid media size (or file type): over this API's limit", action: 'fix_request' },
  40007: { zh: '不合法的媒体文件 id：media_id 不是这个公众号上传的，或已过期（临时素材保存 3 天）；请重新上传', en: 'Invalid media_id: not uploaded by this account, or expired (temporary media lives 3 days); upload it again', action: 'fix_request' },
  40013: {
    zh: 'appid 无效，或请求中的 appid 与令牌所属账号不符',
    en: "Invalid appid, or the appid in the body does not match the token's account",
    action: 'fix_credentials',
  },
  40014: { zh: 'access_token 不合法；刷新令牌后重试', en: 'Invalid access_token; refresh it and retry', action: 'refresh_token' },
  40016: { zh: '菜单一级按钮数量不对：应为 1 到 3 个', en: 'Wrong number of top-level menu buttons: 1 to 3', action: 'fix_request' },
  40017: { zh: '菜单按钮类型不合法', en: 'Invalid menu button type', action: 'fix_request' },
  40018: { zh: '一级菜单名称过长：最多 16 字节（汉字 3 字节）', en: 'Top-level button name too long: at most 16 bytes (a Chinese character is 3)', action: 'fix_request' },
  40019: { zh: '菜单按钮 key 过长：最多 128 字节（点击类按钮必须有 key）', en: 'Menu button key too long: at most 128 bytes (click-type buttons need one)', action: 'fix_request' },
  40020: { zh: '菜单按钮 url 过长：最多 1024 字节', en: 'Menu button url too long: at most 1024 bytes', action: 'fix_request' },
  40023: { zh: '二级菜单数量不对：每个一级按钮下 1 到 5 个', en: 'Wrong number of sub-buttons: 1 to 5 under a top-level button', action: 'fix_request' },
  40024: { zh: '二级菜单按钮类型不合法', en: 'Invalid sub-button type', action: 'fix_request' },
  40025: { zh: '二级菜单名称过长：最多 60 字节', en: 'Sub-button name too long: at most 60 bytes', action: 'fix_request' },
  40026: { zh: '二级菜单 key 过长：最多 128 字节', en: 'Sub-button key too long: at most 128 bytes', action: 'fix_request' },
  40027: { zh: '二级菜单 url 过长：最多 1024 字节', en: 'Sub-button url too long: at most 1024 bytes', action: 'fix_request' },
  40029: { zh: 'code 无效或已过期', en: 'Invalid or expired code', action: 'fix_request' },
  40037: { zh: '模板 id 无效：该公众号没有这个模板（先添加，或检查 template_id）', en: 'Invalid template_id: the account has no such template (add it first, or check the id)', action: 'fix_request' },
  40097: { zh: '参数错误：请求中有字段不合法（错误信息会指出是哪个）', en: 'Invalid arguments: a field of the request is not valid (the errmsg names it)', action: 'fix_request' },
  40102: { zh: '行业 id 无效', en: 'Invalid industry id', action: 'fix_request' },
  40125: {
    zh: 'AppSecret 无效：检查第三方平台的 AppSecret 配置',
    en: "Invalid appsecret: check the platform's AppSecret setting",
    action: 'fix_credentials',
  },
  40126: { zh: '文本文件大小超过限制（隐私保护指引文件最大 100 KB）', en: 'Text file too large (the privacy-guide file takes at most 100 KB)', action: 'fix_request' },
  40164: {
    zh: '调用 IP 不在公众号/小程序自身的白名单中',
    en: "Caller IP is not on the account's own IP whitelist (official account / mini program)",
    action: 'fix_whitelist',
  },
  41001: { zh: '缺少 access_token 参数', en: 'access_token is missing', action: 'fix_request' },
  41002: { zh: '缺少 appid 参数', en: 'appid is missing', action: 'fix_request' },
  41004: { zh: '缺少 secret 参数', en: 'appsecret is missing', action: 'fix_request' },
  41005: { zh: '缺少多媒体文件数据（表单中没有文件）', en: 'Media data missing (no file in the form)', action: 'fix_request' },
  42001: { zh: 'access_token 已过期；刷新令牌后重试', en: 'access_token expired; refresh it and retry', action: 'refresh_token' },
  42002: { zh: 'refresh_token 已过期', en: 'refresh_token expired', action: 'reauthorize' },
  43100: { zh: '修改所属行业太频繁：每月只能修改一次', en: 'The industry was changed too recently: once a month', action: 'wait' },
  44001: { zh: '多媒体文件为空', en: 'Empty media file', action: 'fix_request' },
  45002: { zh: '消息内容超过限制：文本消息最多 2048 字节（汉字 3 字节）', en: 'Message content too long: a text message is at most 2048 bytes (a Chinese character is 3)', action: 'fix_request' },
  45009: {
    zh: '接口调用已达今日上限；可用 clear_quota 清零（每月 10 次）或等到明天',
    en: 'Daily API quota reached; clear it with clear_quota (10 times a month) or wait until tomorrow',
    action: 'clear_quota',
  },
  45011: {
    zh: '接口调用过于频繁（分钟级限频）；请降低频率稍后再试',
    en: 'Per-minute API rate limit reached; slow down and try later',
    action: 'wait',
  },
  45015: { zh: '回复时间超过限制：客服消息只能在用户互动后的时限内发送（用户发消息后 48 小时内；点击菜单、关注、扫码后 1 分钟内），或用户已取消关注；等用户再次互动后再发', en: "Out of the reply window: customer-service messages can be sent only within 48 h of the user's last message, or 1 min of a menu click, follow or scan (or the user unfollowed); wait until the user interacts again", action: 'fix_request' },
  45026: { zh: '模板数量超过上限（每个公众号最多 25 个）：先删除不用的模板', en: 'Too many templates (25 per account): delete unused ones first', action: 'fix_request' },
  45027: { zh: '模板与所属行业冲突：先设置包含该模板行业的所属行业', en: "The template's industry is not one of the account's industries: set the industry first", action: 'fix_request' },
  45047: { zh: '客服消息下行条数超过上限：用户发消息后 48 小时内最多 5 条，点击菜单、关注、扫码后 1 分钟内最多 3 条', en: 'Too many customer-service messages: at most 5 within 48 h of a user message, 3 within 1 min of a menu click, follow or scan', action: 'wait' },
  45064: { zh: '菜单里的小程序没有关联到这个公众号：先在公众平台关联该小程序，或换一个已关联的', en: 'The menu opens a mini program not linked to this official account: link it in the MP backend first, or pick a linked one', action: 'fix_request' },
  46002: { zh: '不存在的菜单版本', en: 'No menu version', action: 'fix_request' },
  46003: { zh: '不存在的菜单数据：该公众号还没有用接口创建菜单', en: 'No menu: the account has no menu made through the API', action: 'fix_request' },
  47001: { zh: '数据格式错误（JSON 不合法）', en: 'Data format error (bad JSON)', action: 'fix_request' },
  48001: {
    zh: '账号没有该接口的权限',
    en: 'The account lacks permission for this API',
    action: 'grant_permission',
  },
  48006: {
    zh: '本月清零次数已用完（每月 10 次），无法再清零',
    en: 'Quota clears for this month are used up (10 a month)',
    action: 'wait',
  },
  61003: {
    zh: '该账号未授权给本第三方平台（或已取消授权）',
    en: 'The account has not authorized this platform (or revoked it)',
    action: 'reauthorize',
  },
  61004: { zh: WHITELIST_ZH, en: WHITELIST_EN, action: 'fix_whitelist' },
  61005: {
    zh: 'component_verify_ticket 已过期：等待下一次推送（每 10 分钟）或调用 api_start_push_ticket',
    en: 'component_verify_ticket expired: wait for the next push (every 10 min) or call api_start_push_ticket',
    action: 'wait_ticket',
  },
  61006: {
    zh: 'component_verify_ticket 无效：检查授权事件接收 URL 是否收到并解密了最新的 ticket',
    en: 'component_verify_ticket is invalid: check that the auth-event URL receives and decrypts the latest ticket',
    action: 'wait_ticket',
  },
  61007: {
    zh: '授权方未把包含该接口的权限集授权给第三方平台',
    en: 'The authorizer did not grant the permission set containing this API',
    action: 'grant_permission',
  },
  61011: { zh: '无效的第三方平台', en: 'Invalid component (third-party platform)', action: 'fix_credentials' },
  61023: {
    zh: 'authorizer_refresh_token 无效（已取消授权、重新授权或 appid 不符）；需要授权方重新授权',
    en: 'authorizer_refresh_token is invalid (revoked, re-authorized or wrong appid); the account must authorize again',
    action: 'reauthorize',
  },
  61024: {
    zh: '第三方平台账号须用 api_component_token 获取令牌，不能用 cgi-bin/token',
    en: 'A component account must get its token from api_component_token, not cgi-bin/token',
    action: 'fix_request',
  },
  61058: {
    zh: '快速注册 ticket 无效（已用过、已过期或不属于这个公众号）：请让公众号管理员重新打开注册链接确认',
    en: "Invalid fast-register ticket (already used, expired, or another official account's): have the official account's admin open the registration link and confirm again",
    action: 'fix_request',
  },
  61070: {
    zh: '法人姓名、身份证与微信号不一致：请核对法人姓名和法人微信号（须是法人本人实名的微信）后重新提交',
    en: "Legal person name, ID card and WeChat account do not match: check the legal person's name and WeChat ID (the legal person's own, real-name WeChat) and submit again",
    action: 'fix_request',
  },
  65301: { zh: '不存在此 menuid 对应的个性化菜单', en: 'No conditional menu with this menuid', action: 'fix_request' },
  65302: { zh: '没有相应的用户', en: 'No such user', action: 'fix_request' },
  65303: { zh: '没有默认菜单，不能创建个性化菜单：先发布默认菜单', en: 'No default menu, so no conditional menu: publish a default menu first', action: 'fix_request' },
  65304: { zh: '匹配规则为空：填写标签或客户端平台', en: 'Empty match rule: give a tag or a client platform', action: 'fix_request' },
  65305: { zh: '个性化菜单数量受限', en: 'Conditional menu limit reached', action: 'fix_request' },
  65320: { zh: '匹配规则不再支持性别、地区、语言：只能按标签或客户端平台', en: 'Match rules no longer take sex, region or language: use a tag or the client platform', action: 'fix_request' },
  61039: {
    zh: '隐私接口检查任务未完成：提交代码后微信会扫描隐私接口，请稍等一分钟再提交审核',
    en: 'The privacy-API scan of the committed code is not finished: wait a minute and submit for audit again',
    action: 'wait',
  },
  61040: { zh: '代码使用了未声明的地理位置接口：先在隐私设置中声明', en: 'The code uses a location API that is not declared: declare it in the privacy settings first', action: 'fix_request' },
  85001: { zh: '微信号不存在或设置为不可搜索：请体验者在微信中打开“可通过微信号搜到我”', en: 'The WeChat ID does not exist or cannot be searched: the tester must allow being found by WeChat ID', action: 'fix_request' },
  85002: { zh: '小程序绑定的体验者数量已达上限：先解绑不再需要的体验者', en: "The mini program's tester limit is reached: unbind testers no longer needed first", action: 'fix_request' },
  85003: { zh: '该微信号作为体验者绑定的小程序已达上限', en: 'This WeChat user is already a tester of as many mini programs as allowed', action: 'fix_request' },
  85004: { zh: '该微信号已经是体验者', en: 'This WeChat ID is already a tester', action: 'fix_request' },
  85006: { zh: '审核项的标签（tag）格式错误', en: 'An audit item has a badly formed tag', action: 'fix_request' },
  85007: { zh: '审核项的页面路径错误：用 get_page 列出的页面', en: 'An audit item names a page that does not exist: use a page get_page lists', action: 'fix_request' },
  85008: {
    zh: '类目错误或小程序没有审核通过的类目：用 get_category 列出的类目，或先添加类目',
    en: 'Bad category, or the mini program has no approved category: use one get_category lists, or add a category first',
    action: 'fix_request',
  },
  85009: { zh: '已经有正在审核的版本：等它审完，或先撤回', en: 'An audit is already in progress: wait for its result, or undo it first', action: 'wait' },
  85010: { zh: 'item_list 中有空的审核项', en: 'item_list has an empty item', action: 'fix_request' },
  85011: { zh: '审核项的标题（title）填写错误', en: 'An audit item has a bad title', action: 'fix_request' },
  85012: { zh: '无效的审核 id（auditid）：不是本小程序提交审核返回的', en: 'Invalid auditid: not one submit_audit returned for this mini program', action: 'fix_request' },
  85013: { zh: '无效的自定义配置（ext_json）', en: 'Invalid custom config (ext_json)', action: 'fix_request' },
  85014: { zh: '无效的模板编号', en: 'Invalid template id', action: 'fix_request' },
  85015: { zh: '版本输入错误，或该账号不是小程序', en: 'Bad version, or the account is not a mini program', action: 'fix_request' },
  85016: { zh: '域名数量超过限制', en: 'Too many domains', action: 'fix_request' },
  85017: { zh: '没有可修改的域名（域名未在第三方平台配置）', en: 'No domain to modify (not configured on the platform)', action: 'fix_request' },
  85018: { zh: '域名未在第三方平台配置', en: 'Domain is not configured on the platform', action: 'fix_request' },
  85019: { zh: '没有审核版本', en: 'No audited version to release', action: 'fix_request' },
  85020: { zh: '审核状态未满足发布条件', en: 'Audit status does not allow release', action: 'fix_request' },
  85023: { zh: '审核列表（item_list）须为 1–5 项', en: 'item_list must have 1–5 items', action: 'fix_request' },
  85029: { zh: '名称已被占用，或名称审核进行中，或名称未改变', en: 'The name is taken, a name audit is in progress, or the name is unchanged', action: 'fix_request' },
  85030: { zh: '名称长度不符合规则：4-30 个字符，一个中文字算 2 个字符', en: 'Name length: 4-30 characters, a Chinese character counting 2', action: 'fix_request' },
  85031: { zh: '名称不合规（含禁用词，如“小程序”）', en: 'The name is not allowed (a forbidden word, e.g. 小程序)', action: 'fix_request' },
  85032: { zh: '名称已被投诉', en: 'The name has been complained about', action: 'fix_request' },
  85033: { zh: '名称含有不合规的字符', en: 'The name has characters that are not allowed', action: 'fix_request' },
  85034: { zh: '名称是受保护的商标名称', en: 'The name is a protected trademark', action: 'fix_request' },
  85035: { zh: '名称受保护，需提交证明材料', en: 'The name is protected and needs proof', action: 'fix_request' },
  85036: { zh: '简介不合规（4-120 个字符，不含违规内容）', en: 'The intro is not allowed (4-120 characters, no prohibited content)', action: 'fix_request' },
  85043: { zh: '模板错误', en: 'Template error', action: 'fix_request' },
  85044: { zh: '代码包超过大小限制', en: 'Code package too large', action: 'fix_request' },
  85045: { zh: 'ext_json 中存在不存在的路径', en: 'ext_json refers to a path that does not exist', action: 'fix_request' },
  85046: { zh: 'tabBar 中缺少 path', en: 'tabBar is missing a path', action: 'fix_request' },
  85047: { zh: 'pages 字段为空', en: 'pages is empty', action: 'fix_request' },
  85048: { zh: 'ext_json 解析失败', en: 'ext_json could not be parsed', action: 'fix_request' },
  85049: { zh: '本期修改次数已用完（头像、简介每月，名称每年）：见基本信息中的额度', en: 'No changes left this period (avatar and intro per month, name per year): see the quotas in basic info', action: 'wait' },
  85052: { zh: '该版本已发布', en: 'This version is already released', action: 'fix_request' },
  85064: { zh: '找不到模板', en: 'Template not found', action: 'fix_request' },
  85065: { zh: '模板库已满', en: 'Template library is full', action: 'fix_request' },
  85077: { zh: '类目已下架或无效', en: 'Invalid (delisted) category', action: 'fix_request' },
  85079: { zh: '小程序没有线上版本，不能灰度发布：先全量发布一个版本', en: 'The mini program has no live version, so no gray release: release a version first', action: 'fix_request' },
  85080: { zh: '没有审核通过、待发布的版本，不能灰度发布', en: 'No approved version waiting for release, so no gray release', action: 'fix_request' },
  85081: { zh: '灰度百分比无效：须为 1–100 的整数', en: 'Invalid gray percentage: an integer 1–100', action: 'fix_request' },
  85082: { zh: '灰度百分比须高于当前灰度计划的百分比', en: "The gray percentage must be higher than the running plan's", action: 'fix_request' },
  85085: {
    zh: '本月提交审核的额度已用完（第三方平台的小程序共用，用 queryquota 查看），或待审核的版本过多；下月再提交',
    en: "This month's audit quota is used up (shared by the platform's mini programs; see queryquota), or too many audits are pending; submit next month",
    action: 'wait',
  },
  85086: { zh: '提交审核前须先上传代码', en: 'Commit code before submitting for audit', action: 'fix_request' },
  85087: {
    zh: 'navigateToMiniProgram 的目标小程序未声明',
    en: 'navigateToMiniProgram targets are not declared',
    action: 'fix_request',
  },
  86000: { zh: '不是由第三方平台调用', en: 'Not called by a third-party platform', action: 'fix_request' },
  86001: { zh: '该第三方平台未上传过代码', en: 'No code committed by this platform', action: 'fix_request' },
  86002: { zh: '小程序还未设置昵称、头像、简介', en: 'Nickname, avatar and intro are not set', action: 'fix_request' },
  86004: { zh: '无效的微信号：请填写正确的微信号（不是昵称或手机号）', en: 'Invalid WeChat ID: enter the WeChat ID itself (not a nickname or phone number)', action: 'fix_request' },
  86007: { zh: '禁止提交', en: 'Submission forbidden', action: 'fix_request' },
  86008: { zh: '服务商被处罚，禁止提交', en: 'The provider is penalised; submission forbidden', action: 'fix_request' },
  86009: { zh: '服务商违规，禁止提交审核', en: 'The provider broke the rules; audits are forbidden', action: 'fix_request' },
  86010: { zh: '小程序违规，禁止提交审核', en: 'The mini program broke the rules; audits are forbidden', action: 'fix_request' },
  87011: { zh: '线上正在灰度发布，不能回退版本：先撤销灰度', en: 'A gray release is running, so no rollback: revert the gray release first', action: 'fix_request' },
  87012: {
    zh: '不能撤回或回退：没有审核中的版本可撤回（审核已结束），或没有可回退的历史版本',
    en: 'Nothing to undo or roll back: no audit in progress to undo (it has finished), or no earlier version to roll back to',
    action: 'fix_request',
  },
  87013: { zh: '撤回审核的次数已达上限（每天 5 次，每月 10 次）', en: 'Audit undo limit reached (5 a day, 10 a month)', action: 'wait' },
  89019: { zh: '业务域名无更改', en: 'Webview domain unchanged', action: 'fix_request' },
  89020: { zh: '业务域名未在第三方平台设置', en: 'Webview domain not set on the platform', action: 'fix_request' },
  89021: { zh: '业务域名不是第三方平台业务域名的子域名', en: "Webview domain is not a subdomain of the platform's", action: 'fix_request' },
  89029: { zh: '业务域名数量超过上限（100 个）', en: 'Too many webview domains (at most 100)', action: 'fix_request' },
  89034: { zh: '体验者 userstr 无效：用 memberauth 列出的 userstr', en: 'Invalid tester userstr: use one memberauth lists', action: 'fix_request' },
  89231: { zh: '个人小程序不支持设置业务域名', en: 'Personal mini programs cannot set webview domains', action: 'fix_request' },
  89247: { zh: '快速注册：微信内部错误，请稍后重试', en: 'Fast register: WeChat internal error; retry later', action: 'retry' },
  89248: { zh: '快速注册：企业代码类型无效（须为 1 统一社会信用代码、2 组织机构代码、3 营业执照注册号）', en: 'Fast register: invalid code type (must be 1 unified social credit code, 2 organisation code, 3 business licence number)', action: 'fix_request' },
  89249: { zh: '快速注册：该主体已有任务在进行中，24 小时内不能重复提交', en: 'Fast register: a task for this entity is running; it cannot be submitted again within 24 h', action: 'wait' },
  89250: { zh: '快速注册：没有找到该任务（名称、法人微信号、法人姓名须与创建时一致）', en: 'Fast register: task not found (name, legal person WeChat ID and name must match the ones it was created with)', action: 'fix_request' },
  89251: { zh: '快速注册：等待法人在微信中完成人脸核身', en: 'Fast register: waiting for the legal person to pass the face check in WeChat', action: 'wait' },
  89252: { zh: '快速注册：法人与企业信息一致性校验中，请等待结果推送', en: 'Fast register: the legal person and enterprise are being checked; wait for the result push', action: 'wait' },
  89253: { zh: '快速注册：缺少必填参数', en: 'Fast register: a required parameter is missing', action: 'fix_request' },
  89254: { zh: '快速注册：第三方平台的权限集不全，请在开放平台为第三方平台申请小程序相关权限集', en: "Fast register: the platform's permission sets are incomplete; apply for the mini-program permission sets on the Open Platform", action: 'grant_permission' },
  89255: { zh: '快速注册：企业代码无效（长度须与代码类型相符：18 / 9 / 15 位）', en: 'Fast register: invalid code (its length must fit the code type: 18 / 9 / 15 characters)', action: 'fix_request' },
  89401: { zh: '加急审核：系统不稳定，稍后再试', en: 'Speed-up: the system is unstable; try later', action: 'retry' },
  89402: { zh: '加急审核：该审核单不在待审核队列', en: 'Speed-up: the audit is not in the queue', action: 'fix_request' },
  89403: { zh: '加急审核：本单属于平台不支持加急的类型', en: 'Speed-up: this audit cannot be sped up', action: 'fix_request' },
  89404: { zh: '加急审核：本单已加速', en: 'Speed-up: already sped up', action: 'fix_request' },
  89405: { zh: '加急审核：本月加急额度已用完', en: "Speed-up: this month's speed-up quota is used up", action: 'wait' },
  9402202: { zh: '请勿频繁提交，稍后再试', en: 'Submitted too often; try later', action: 'wait' },

  // Message crypto (reference §1.4, the official SDK samples' codes).
  [-40001]: {
    zh: '签名校验失败：Token 不匹配，检查开放平台的消息校验Token',
    en: 'Signature check failed: the Token does not match; check the message-check Token (消息校验Token) on the Open Platform',
    action: 'check_crypto',
  },
  [-40002]: { zh: 'XML 解析失败', en: 'XML could not be parsed', action: 'check_crypto' },
  [-40003]: { zh: '计算签名失败', en: 'Computing the signature failed', action: 'check_crypto' },
  [-40004]: { zh: 'EncodingAESKey 非法（须为 43 位）', en: 'Illegal EncodingAESKey (must be 43 characters)', action: 'check_crypto' },
  [-40005]: {
    zh: 'appid 校验失败：解密后的 appid 不是本平台的 component appid，检查推送来自哪个平台、平台 appid 是否填对',
    en: "Appid check failed: the decrypted appid is not this platform's component appid; check where the push came from and the platform appid",
    action: 'check_crypto',
  },
  [-40006]: { zh: 'AES 加密失败', en: 'AES encryption failed', action: 'check_crypto' },
  [-40007]: {
    zh: '解密失败：EncodingAESKey 不匹配，检查开放平台的消息加解密Key',
    en: 'Decryption failed: the EncodingAESKey does not match; check the message encryption key (消息加解密Key) on the Open Platform',
    action: 'check_crypto',
  },
  [-40008]: {
    zh: '解密后的内容非法：EncodingAESKey 可能不匹配，检查开放平台的消息加解密Key',
    en: 'The decrypted content is illegal: the EncodingAESKey probably does not match; check the message encryption key on the Open Platform',
    action: 'check_crypto',
  },
  [-40009]: { zh: 'base64 编码失败', en: 'base64 encoding failed', action: 'check_crypto' },
  [-40010]: { zh: 'base64 解码失败：Encrypt 不是有效的 base64（推送被截断或改动）', en: 'base64 decoding failed: Encrypt is not valid base64 (the push was truncated or altered)', action: 'check_crypto' },
  [-40011]: { zh: '生成回复 XML 失败', en: 'Building the reply XML failed', action: 'check_crypto' },
};

/** Errcodes after which the token used must be refreshed and the call retried once (WxJava ACCESS_TOKEN_ERROR_CODES). */
export const TOKEN_INVALID_ERRCODES: readonly number[] = [40001, 40014, 42001];

export function isTokenInvalidErrcode(code: number): boolean {
  return TOKEN_INVALID_ERRCODES.includes(code);
}

/** Meaning and action for an errcode; unknown codes get a fallback that tells how to look them up. */
export function explainErrcode(code: number): ErrcodeExplanation {
  const entry = Number.isInteger(code) ? ERRCODES[code] : undefined;
  if (entry) return { code, known: true, ...entry };
  return {
    code,
    known: false,
    zh: `未收录的错误码 ${code}：请查阅微信开放平台文档，或用返回的 rid 调用 /cgi-bin/openapi/rid/get 查询详情`,
    en: `Errcode ${code} is not in the table: check the WeChat docs, or look the call up by its rid with /cgi-bin/openapi/rid/get`,
  };
}
