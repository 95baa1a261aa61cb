/**
 * Official-account template messages ("OA and MP APIs" §2): WeChat's industry table, the fields of a template read
 * from its content ({{name.DATA}}), the checks on a test send, and what a template set changes on one account.
 * Shared by the desk (checks before anything is sent), the batch job, the screen (checks while typing) and tests.
 * No Node or DOM imports.
 */

/** A sentence for the operator in both languages, with the field it is about. */
export interface TemplateIssue {
  path: string;
  en: string;
  zh: string;
}

/**
 * The template-message industry codes (api_set_industry's industry_id1/2; the developers.weixin.qq.com table under
 * "设置所属行业"). get_industry answers the class names, not the code, so the names map back through this table.
 */
export const INDUSTRIES: readonly { id: string; first: string; second: string }[] = [
  ['IT科技', '互联网/电子商务'],
  ['IT科技', 'IT软件与服务'],
  ['IT科技', 'IT硬件与设备'],
  ['IT科技', '电子技术'],
  ['IT科技', '通信与运营商'],
  ['IT科技', '网络游戏'],
  ['金融业', '银行'],
  ['金融业', '基金理财信托'],
  ['金融业', '保险'],
  ['餐饮', '餐饮'],
  ['酒店旅游', '酒店'],
  ['酒店旅游', '旅游'],
  ['运输与仓储', '快递'],
  ['运输与仓储', '物流'],
  ['运输与仓储', '仓储'],
  ['教育', '培训'],
  ['教育', '院校'],
  ['政府与公共事业', '学术科研'],
  ['政府与公共事业', '交警'],
  ['政府与公共事业', '博物馆'],
  ['政府与公共事业', '公共事业非盈利机构'],
  ['医药护理', '医药医疗'],
  ['医药护理', '护理美容'],
  ['医药护理', '保健与卫生'],
  ['交通工具', '汽车相关'],
  ['交通工具', '摩托车相关'],
  ['交通工具', '火车相关'],
  ['交通工具', '飞机相关'],
  ['房地产', '建筑'],
  ['房地产', '物业'],
  ['消费品', '消费品'],
  ['商业服务', '法律'],
  ['商业服务', '会展'],
  ['商业服务', '中介服务'],
  ['商业服务', '认证'],
  ['商业服务', '审计'],
  ['文体娱乐', '传媒'],
  ['文体娱乐', '体育'],
  ['文体娱乐', '娱乐休闲'],
  ['印刷', '印刷'],
  ['其它', '其它'],
].map(([first, second], i) => ({ id: String(i + 1), first: first!, second: second! }));

/** The most templates an account holds at once (api_add_template answers 45026 beyond it). */
export const MAX_ACCOUNT_TEMPLATES = 25;

/** Older copies of the table write "基金|理财|信托": the bars are ignored when matching names. */
const bare = (s: string) => s.replace(/[|｜\s]/g, '');

export function industryById(id: string): { id: string; first: string; second: string } | null {
  return INDUSTRIES.find((i) => i.id === id) ?? null;
}

/** The code of an industry as get_industry names it, or null (an empty class means none is set). */
export function industryIdOf(cls: { first_class?: string; second_class?: string } | null | undefined): string | null {
  if (!cls?.first_class && !cls?.second_class) return null;
  const found = INDUSTRIES.find((i) => bare(i.first) === bare(cls.first_class ?? '') && bare(i.second) === bare(cls.second_class ?? ''));
  return found?.id ?? null;
}

export function industryIssues(id1: string, id2: string): TemplateIssue[] {
  const out: TemplateIssue[] = [];
  for (const [path, id] of [
    ['industryId1', id1],
    ['industryId2', id2],
  ] as const) {
    if (!industryById(id)) out.push({ path, en: `must be one of WeChat's industry codes 1-${INDUSTRIES.length}`, zh: `必须是微信的行业代码 1-${INDUSTRIES.length} 之一` });
  }
  if (out.length === 0 && id1 === id2) out.push({ path: 'industryId2', en: 'the two industries must differ', zh: '两个行业不能相同' });
  return out;
}

/** A slot of a template: its key in `data` and the words before it on its line ("支付金额"), when there are any. */
export interface TemplateField {
  name: string;
  label: string;
}

/**
 * The fields of a template, in order, from its content: every `{{name.DATA}}` (WeChat's rule: a slot ends in .DATA,
 * anything else between the braces is not a field). A name that appears twice is one field.
 */
export function templateFields(content: string): TemplateField[] {
  const out: TemplateField[] = [];
  const seen = new Set<string>();
  for (const line of String(content ?? '').split(/\r?\n/)) {
    const re = /\{\{\s*([A-Za-z0-9_]+)\.DATA\s*\}\}/g;
    let last = 0;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const name = m[1]!;
      const label = line
        .slice(last, m.index)
        .replace(/[：:]\s*$/, '')
        .trim();
      last = m.index + m[0].length;
      if (seen.has(name)) continue;
      seen.add(name);
      out.push({ name, label });
    }
  }
  return out;
}

export const OPENID_RE = /^[A-Za-z0-9_-]{20,64}$/;
export const SHORT_ID_RE = /^(OPEN)?TM[0-9]{3,30}$/;
const COLOR_RE = /^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$/;
const APPID_RE = /^wx[0-9a-f]{16}$/;
const URL_MAX_BYTES = 1024;

export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** The test send as the form fills it; empty strings count as not given. */
export interface TemplateSendInput {
  touser: string;
  url?: string;
  miniprogram?: { appid: string; pagepath?: string } | null;
  data: Record<string, { value: string; color?: string }>;
}

/** What is wrong with a test send of a template with these fields, each rule named; [] when it can be sent. */
export function templateSendIssues(input: TemplateSendInput, fields: readonly TemplateField[]): TemplateIssue[] {
  const out: TemplateIssue[] = [];
  const touser = (input.touser ?? '').trim();
  if (!touser) out.push({ path: 'touser', en: 'give the openid of a follower of this account', zh: '请填写该公众号一位关注者的 openid' });
  else if (!OPENID_RE.test(touser)) {
    out.push({ path: 'touser', en: `an openid is 20-64 letters, digits, - or _ (this one is ${touser.length} characters)`, zh: `openid 由 20-64 个字母、数字、- 或 _ 组成（当前 ${touser.length} 个字符）` });
  }
  const url = (input.url ?? '').trim();
  if (url) {
    if (!/^https?:\/\/[^\s/?#]+\.[^\s]*$/i.test(url)) out.push({ path: 'url', en: 'the link must start with http:// or https:// and name a host', zh: '链接必须以 http:// 或 https:// 开头，并带域名' });
    else if (utf8Length(url) > URL_MAX_BYTES) out.push({ path: 'url', en: `the link is at most ${URL_MAX_BYTES} bytes (UTF-8)`, zh: `链接最多 ${URL_MAX_BYTES} 字节（UTF-8）` });
  }
  const mp = input.miniprogram;
  if (mp && (mp.appid || mp.pagepath)) {
    if (!APPID_RE.test((mp.appid ?? '').trim())) {
      out.push({ path: 'miniprogram.appid', en: 'the mini program appid is wx followed by 16 lower-case hex digits', zh: '小程序 appid 是 wx 加 16 位小写十六进制数字' });
    }
    if ((mp.pagepath ?? '').startsWith('/')) out.push({ path: 'miniprogram.pagepath', en: 'the page path has no leading / (e.g. pages/index/index?id=1)', zh: '页面路径不以 / 开头（例如 pages/index/index?id=1）' });
  }
  const names = new Set(fields.map((f) => f.name));
  for (const f of fields) {
    const v = input.data?.[f.name];
    if (!v || !String(v.value ?? '').trim()) {
      out.push({ path: `data.${f.name}`, en: `give a value for ${f.name}${f.label ? ` (${f.label})` : ''}: every field of the template is shown`, zh: `请填写 ${f.name}${f.label ? `（${f.label}）` : ''}：模板的每个字段都会显示` });
    }
    if (v?.color && !COLOR_RE.test(v.color)) out.push({ path: `data.${f.name}.color`, en: 'a color is #RGB or #RRGGBB, e.g. #173177', zh: '颜色格式为 #RGB 或 #RRGGBB，例如 #173177' });
  }
  for (const key of Object.keys(input.data ?? {})) {
    if (!names.has(key)) out.push({ path: `data.${key}`, en: `${key} is not a field of this template`, zh: `${key} 不是这个模板的字段` });
  }
  return out;
}

/** A set of templates every account in a run should have (the "seed" of a platform's accounts). */
export interface TemplateSet {
  /** Set first when given (WeChat allows a change about once a month: 43100). */
  industry?: { id1: string; id2: string } | null;
  shortIds: string[];
  /** Delete templates known to come from a short id not in the set (default true). */
  removeUnlisted?: boolean;
  /** Also delete templates whose short id cannot be told (added outside this console; default false). */
  removeUnknown?: boolean;
}

export function templateSetIssues(set: unknown): TemplateIssue[] {
  const s = set as Partial<TemplateSet> | null;
  const out: TemplateIssue[] = [];
  if (!s || typeof s !== 'object') return [{ path: 'set', en: 'give a template set: {shortIds: […]}', zh: '请提供模板集：{shortIds: […]}' }];
  if (!Array.isArray(s.shortIds) || s.shortIds.length === 0) out.push({ path: 'shortIds', en: 'list at least one template short id (e.g. TM00015)', zh: '至少列出一个模板编号（例如 TM00015）' });
  else {
    if (s.shortIds.length > MAX_ACCOUNT_TEMPLATES) out.push({ path: 'shortIds', en: `at most ${MAX_ACCOUNT_TEMPLATES} templates (an account holds no more)`, zh: `最多 ${MAX_ACCOUNT_TEMPLATES} 个模板（一个公众号最多只能有这么多）` });
    const seen = new Set<string>();
    s.shortIds.forEach((id, i) => {
      if (typeof id !== 'string' || !SHORT_ID_RE.test(id)) out.push({ path: `shortIds[${i}]`, en: `"${String(id)}" is not a template short id (TM00015 or OPENTM207498902)`, zh: `“${String(id)}”不是模板编号（形如 TM00015 或 OPENTM207498902）` });
      else if (seen.has(id)) out.push({ path: `shortIds[${i}]`, en: `${id} is listed twice`, zh: `${id} 重复列出` });
      seen.add(String(id));
    });
  }
  if (s.industry) out.push(...industryIssues(String(s.industry.id1 ?? ''), String(s.industry.id2 ?? '')).map((i) => ({ ...i, path: `industry.${i.path}` })));
  return out;
}

/** One of the account's templates as the set diff sees it: shortId null when it cannot be told. */
export interface KnownTemplate {
  templateId: string;
  shortId: string | null;
  title: string;
}

export interface TemplateSetDiff {
  /** Short ids to add, in the set's order. */
  add: string[];
  remove: KnownTemplate[];
  /** Templates of unknown origin left in place (removeUnknown off). */
  unknownKept: KnownTemplate[];
  /**
   * Removes go before adds: the adds first would pass the 25 an account may hold. Otherwise adds come first, so the
   * account is never without the set's templates while the change runs.
   */
  removeFirst: boolean;
  /** The most templates the account holds during the change: above 25 means 45026. */
  peak: number;
}

/** What a set changes on an account holding `current`. */
export function diffTemplateSet(current: readonly KnownTemplate[], set: TemplateSet): TemplateSetDiff {
  const wanted = new Set(set.shortIds);
  const have = new Set(current.map((t) => t.shortId).filter((s): s is string => s !== null));
  const add = [...new Set(set.shortIds)].filter((id) => !have.has(id));
  const remove: KnownTemplate[] = [];
  const unknownKept: KnownTemplate[] = [];
  for (const t of current) {
    if (t.shortId === null) (set.removeUnknown ? remove : unknownKept).push(t);
    else if (!wanted.has(t.shortId) && set.removeUnlisted !== false) remove.push(t);
  }
  const removeFirst = current.length + add.length > MAX_ACCOUNT_TEMPLATES && remove.length > 0;
  const peak = removeFirst ? Math.max(current.length, current.length - remove.length + add.length) : current.length + add.length;
  return { add, remove, unknownKept, removeFirst, peak };
}

/**
 * A template message sent from the console, with the delivery WeChat reported later (TEMPLATESENDJOBFINISH):
 * status null until that push arrives; "success", "failed:user block" or "failed:system failed" then.
 */
export interface TemplateSendRow {
  id: number;
  appid: string;
  msgid: string;
  /** null when the push arrived for a message this console did not send (or before its send was recorded). */
  templateId: string | null;
  touser: string | null;
  sentAt: number | null;
  status: string | null;
  statusAt: number | null;
  /** The stored push that reported it. */
  eventId: number | null;
}

/** The delivery status in words. */
export function sendStatusWords(status: string | null): { en: string; zh: string } {
  switch (status) {
    case null:
      return { en: 'Sent; waiting for WeChat to report delivery (TEMPLATESENDJOBFINISH)', zh: '已发送，等待微信推送送达结果（TEMPLATESENDJOBFINISH）' };
    case 'success':
      return { en: 'Delivered (success)', zh: '已送达（success）' };
    case 'failed:user block':
      return { en: 'Not delivered: the user refused messages from this account (failed:user block)', zh: '未送达：用户拒收该公众号的消息（failed:user block）' };
    case 'failed:system failed':
      return { en: 'Not delivered: WeChat failed to send it, for a reason other than the user (failed:system failed)', zh: '未送达：微信发送失败，原因不在用户（failed:system failed）' };
    default:
      return { en: `WeChat reported: ${status}`, zh: `微信报告：${status}` };
  }
}
