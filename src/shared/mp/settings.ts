/**
 * Mini-program settings rules ("OA and MP APIs" §5), shared by the endpoint specs' checks, the desk (checks before
 * anything is sent), the /mini-programs screen (checks while typing) and tests. Each rule answers a problem in both
 * languages with the field named, or null. No Node or DOM imports.
 */

export interface Problem {
  en: string;
  zh: string;
}

/** The six server-domain lists of modify_domain, with the scheme each takes. */
export const SERVER_DOMAIN_TYPES = ['requestdomain', 'wsrequestdomain', 'uploaddomain', 'downloaddomain', 'udpdomain', 'tcpdomain'] as const;
export type ServerDomainType = (typeof SERVER_DOMAIN_TYPES)[number];
export const DOMAIN_SCHEME: Record<ServerDomainType | 'webviewdomain', string> = {
  requestdomain: 'https',
  wsrequestdomain: 'wss',
  uploaddomain: 'https',
  downloaddomain: 'https',
  udpdomain: 'udp',
  tcpdomain: 'tcp',
  webviewdomain: 'https',
};
export const DOMAIN_ACTIONS = ['add', 'delete', 'set', 'get'] as const;
export type DomainAction = (typeof DOMAIN_ACTIONS)[number];

export const SETTINGS_LIMITS = {
  /**
   * WeChat's naming rule (小程序名称、简称设置规范, as quoted on developers.weixin.qq.com/community): 4-30 characters,
   * 一个中文字等于2个字符; counted here as any non-ASCII character 2.
   */
  nicknameMin: 4,
  nicknameMax: 30,
  /** The intro (功能介绍): 4-120 characters. */
  signatureMin: 4,
  signatureMax: 120,
  /** modify_domain: at most 1000 domains over the lists (85016); setwebviewdomain: at most 100 (89029). */
  serverDomainsTotal: 1000,
  webviewDomains: 100,
  /** Testers a mini program may have (85002); the simulator's figure, WeChat's page says "体验者上限". */
  testers: 90,
} as const;

/** The nickname's width as WeChat counts it: ASCII 1, anything else 2. */
export function nicknameWidth(name: string): number {
  let n = 0;
  for (const ch of name) n += ch.charCodeAt(0) < 0x80 ? 1 : 2;
  return n;
}

export function nicknameProblem(name: unknown): Problem | null {
  if (typeof name !== 'string' || name.trim() === '') return { en: 'nick_name (name) is required', zh: '名称（nick_name）不能为空' };
  const w = nicknameWidth(name);
  const { nicknameMin: min, nicknameMax: max } = SETTINGS_LIMITS;
  if (w < min || w > max) {
    return {
      en: `nick_name (name) is ${w} characters wide; WeChat takes ${min}-${max}, a Chinese character counting 2`,
      zh: `名称（nick_name）长度为 ${w} 个字符；微信要求 ${min}-${max} 个字符，一个中文字算 2 个字符`,
    };
  }
  if (name.includes('小程序')) return { en: 'nick_name (name) must not contain the word 小程序', zh: '名称（nick_name）不能包含“小程序”' };
  if (name !== name.trim()) return { en: 'nick_name (name) must not start or end with spaces', zh: '名称（nick_name）首尾不能有空格' };
  return null;
}

export function signatureProblem(signature: unknown): Problem | null {
  if (typeof signature !== 'string' || signature.trim() === '') return { en: 'signature (intro) is required', zh: '简介（signature）不能为空' };
  const n = [...signature].length;
  const { signatureMin: min, signatureMax: max } = SETTINGS_LIMITS;
  if (n < min || n > max) return { en: `signature (intro) is ${n} characters; WeChat takes ${min}-${max}`, zh: `简介（signature）为 ${n} 个字符；微信要求 ${min}-${max} 个字符` };
  return null;
}

export interface CropBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The crop box of modifyheadimage, as fractions of the image: 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1. */
export function cropProblem(box: Partial<Record<keyof CropBox, unknown>>): Problem | null {
  for (const k of ['x1', 'y1', 'x2', 'y2'] as const) {
    const v = box[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      return { en: `crop box ${k} must be a number from 0 to 1, got ${JSON.stringify(v)}`, zh: `裁剪框 ${k} 必须是 0 到 1 之间的数，收到 ${JSON.stringify(v)}` };
    }
  }
  const b = box as CropBox;
  if (!(b.x1 < b.x2)) return { en: `crop box: x1 (${b.x1}) must be less than x2 (${b.x2})`, zh: `裁剪框：x1（${b.x1}）必须小于 x2（${b.x2}）` };
  if (!(b.y1 < b.y2)) return { en: `crop box: y1 (${b.y1}) must be less than y2 (${b.y2})`, zh: `裁剪框：y1（${b.y1}）必须小于 y2（${b.y2}）` };
  return null;
}

const HOST_RE = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const IPV4_RE = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * One domain of a list: the list's scheme and a host name (no IP, no port, no path; WeChat's domain rules), e.g.
 * https://api.example.com for requestdomain, wss://ws.example.com for wsrequestdomain.
 */
export function domainProblem(type: ServerDomainType | 'webviewdomain', value: unknown): Problem | null {
  const scheme = DOMAIN_SCHEME[type];
  if (typeof value !== 'string' || value === '') return { en: `${type}: a domain is empty`, zh: `${type}：有一个域名为空` };
  const m = /^([a-z]+):\/\/([^/]*)$/.exec(value);
  if (!m || m[1] !== scheme) {
    return { en: `${type}: "${value}" must be ${scheme}://host (e.g. ${scheme}://api.example.com), without a path`, zh: `${type}：“${value}”必须是 ${scheme}://域名（如 ${scheme}://api.example.com），不带路径` };
  }
  const host = m[2]!;
  if (host.includes(':')) return { en: `${type}: "${value}" must not carry a port`, zh: `${type}：“${value}”不能带端口` };
  if (IPV4_RE.test(host)) return { en: `${type}: "${value}" is an IP address; WeChat takes host names only`, zh: `${type}：“${value}”是 IP 地址；微信只接受域名` };
  if (!HOST_RE.test(host)) return { en: `${type}: "${value}" is not a valid lower-case host name`, zh: `${type}：“${value}”不是有效的小写域名` };
  return null;
}

/** A whole list: each domain valid and none twice. */
export function domainListProblem(type: ServerDomainType | 'webviewdomain', list: unknown): Problem | null {
  if (!Array.isArray(list)) return { en: `${type} must be a list of domains`, zh: `${type} 必须是域名列表` };
  const seen = new Set<string>();
  for (const d of list) {
    const p = domainProblem(type, d);
    if (p) return p;
    if (seen.has(d as string)) return { en: `${type}: "${d}" is listed twice`, zh: `${type}：“${d}”重复` };
    seen.add(d as string);
  }
  return null;
}

/** A WeChat ID (微信号): 6-20 letters, digits, _ or -, starting with a letter. */
export function wechatIdProblem(id: unknown): Problem | null {
  if (typeof id !== 'string' || id === '') return { en: 'wechatid (WeChat ID) is required', zh: '微信号（wechatid）不能为空' };
  if (!/^[A-Za-z][A-Za-z0-9_-]{5,19}$/.test(id)) {
    return { en: `wechatid (WeChat ID) "${id}" must be 6-20 letters, digits, _ or -, starting with a letter`, zh: `微信号（wechatid）“${id}”必须为 6-20 位字母、数字、下划线或减号，以字母开头` };
  }
  return null;
}

/** The privacy keys WeChat's privacy guide knows (setprivacysetting setting_list[].privacy_key), with labels. */
export const PRIVACY_KEYS: Record<string, { zh: string; en: string }> = {
  UserInfo: { zh: '用户信息（微信昵称、头像）', en: 'user info (nickname, avatar)' },
  Location: { zh: '位置信息', en: 'location' },
  Address: { zh: '地址', en: 'address' },
  PhoneNumber: { zh: '手机号', en: 'phone number' },
  Album: { zh: '相册', en: 'album' },
  Camera: { zh: '摄像头', en: 'camera' },
  Record: { zh: '麦克风', en: 'microphone' },
  Clipboard: { zh: '剪切板', en: 'clipboard' },
  ChooseLocation: { zh: '选择的位置信息', en: 'chosen location' },
  Invoice: { zh: '发票信息', en: 'invoice' },
};
