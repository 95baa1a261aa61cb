/**
 * What the relay refused (protocol addition 2), in the operator's words: one sentence per RefusalReason in Chinese and
 * English (what it means, what to check), and the summary the desk keeps from the latest `refusals` frame.
 * No Node, no DOM.
 */
import type { RelayRefusals } from './contract';
import type { Refusal, RefusalReason, RefusalsFrame } from './relay-protocol';

export const REFUSAL_REASON_TEXT: Record<RefusalReason, { zh: string; en: string }> = {
  bad_msg_signature: { zh: '签名不符，请检查 Token', en: 'signature mismatch, check the Token' },
  bad_signature: { zh: 'URL 签名（signature）不符，请检查 Token', en: 'URL signature mismatch, check the Token' },
  stale_timestamp: {
    zh: '时间戳超出允许范围：请检查中继服务器的时钟，或这是重放的旧请求',
    en: "timestamp outside the allowed window: check the relay server's clock, or these are replayed old requests",
  },
  bad_timestamp: { zh: '时间戳格式不对', en: 'the timestamp is malformed' },
  missing_query: {
    zh: '缺少签名参数（timestamp、nonce、msg_signature）：请检查开放平台填写的接收 URL',
    en: 'signature parameters missing (timestamp, nonce, msg_signature): check the receiving URLs on the Open Platform',
  },
  repeated_query_key: { zh: '查询参数重复出现', en: 'a query parameter appears more than once' },
  bad_query_encoding: { zh: '查询参数编码错误', en: 'the query string is not properly encoded' },
  no_encrypt: {
    zh: '推送中没有 Encrypt 元素：请在开放平台把消息加解密方式设为安全模式',
    en: 'the push has no Encrypt element: set message encryption to safe mode on the Open Platform',
  },
  encrypt_not_base64: { zh: 'Encrypt 不是 Base64 内容', en: 'Encrypt is not base64' },
  body_too_large: { zh: '请求体超过 64 KiB', en: 'the body is larger than 64 KiB' },
  body_timeout: { zh: '请求体没有及时发完', en: 'the body did not arrive in time' },
  doctype_or_entity: { zh: '含有 DOCTYPE 或 ENTITY 声明（XML 攻击）', en: 'it contains a DOCTYPE or ENTITY declaration (an XML attack)' },
  not_xml_content_type: { zh: 'Content-Type 不是 XML', en: 'the Content-Type is not XML' },
  component_appid_mismatch: {
    zh: '推送中的 AppId 不是本平台的：请检查中继配置的 componentAppid',
    en: "the AppId in the push is not this platform's: check the relay's componentAppid",
  },
  bad_appid_in_path: {
    zh: '路径中的 appid 格式不对：请检查消息与事件接收 URL（…/wechat/authorizer/$APPID$）',
    en: 'the appid in the path is malformed: check the message URL (…/wechat/authorizer/$APPID$)',
  },
  unknown_link: { zh: '授权链接不存在或已过期', en: 'unknown or expired authorization link' },
  link_used: { zh: '授权链接已经用过', en: 'the authorization link was already used' },
  rate_limited: { zh: '请求过于频繁，已限流', en: 'too many requests, rate limited' },
  too_many_connections: { zh: '同时连接过多', en: 'too many connections at once' },
  method_not_allowed: { zh: '请求方法不允许', en: 'method not allowed' },
  not_found: { zh: '路径不存在（扫描器，或填错的地址）', en: 'no such path (a scanner, or a mistyped URL)' },
};

/** The sentence for a reason; a reason this desk does not know (a newer relay) is shown as its code. */
export function refusalReasonText(reason: string): { zh: string; en: string } {
  return Object.hasOwn(REFUSAL_REASON_TEXT, reason) ? REFUSAL_REASON_TEXT[reason as RefusalReason] : { zh: reason, en: reason };
}

const MAX_RECENT = 20;
const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
const count = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);

/** The summary kept from a frame: counts and entries checked field by field (the relay faces the internet). */
export function summarizeRefusals(frame: RefusalsFrame, receivedAt: number): RelayRefusals {
  const counts: Record<string, number> = {};
  for (const [reason, n] of Object.entries(frame.counts ?? {}).slice(0, 100)) {
    if (count(n) > 0) counts[str(reason, 64)] = count(n);
  }
  let topReason: string | null = null;
  for (const [reason, n] of Object.entries(counts)) if (topReason === null || n > counts[topReason]!) topReason = reason;
  const recent: Refusal[] = (Array.isArray(frame.recent) ? frame.recent : []).slice(0, MAX_RECENT).map((r) => ({
    at: count(r?.at),
    reason: str(r?.reason, 64),
    status: count(r?.status),
    path: str(r?.path, 300),
    remote: str(r?.remote, 100),
  }));
  return { receivedAt, windowMs: count(frame.windowMs), total: count(frame.total), counts, topReason, recent };
}
