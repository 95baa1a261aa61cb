/**
 * Encrypted pushes to the platform's two receiving URLs (reference §1.3, §2, §5): query params, outer XML, 5 s timeout,
 * up to 3 attempts, `success` or an empty body means done. Passive replies are validated and decrypted.
 */
import { randomBytes } from 'node:crypto';
import { CryptoError, type MsgCrypt } from '../../wechat/crypto';
import { buildXml, field, parseXml } from '../../wechat/xml';

export type PushKind = 'component' | 'authorizer';

export interface PushAttempt {
  attempt: number;
  /** HTTP status, or null when the request failed before an answer. */
  status: number | null;
  /** Network error / timeout text. */
  error?: string;
  /** The answer body (first 4 KiB). */
  body?: string;
  ms: number;
}

export type PushOutcome =
  | 'success' // `success` or empty body
  | 'reply' // a valid encrypted passive reply (authorizer pushes)
  | 'bad_reply' // answered, but the reply failed validation
  | 'failed' // every attempt failed (status, timeout, network)
  | 'dropped' // dropped by fault injection
  | 'no_url'; // the receiving URL is not configured

export interface PushRecord {
  id: number;
  kind: PushKind;
  /** component: InfoType; authorizer: MsgType or MsgType/Event. */
  type: string;
  appid: string | null;
  url: string | null;
  /** The decrypted XML that was pushed. */
  plaintext: string;
  createdAt: number;
  attempts: PushAttempt[];
  outcome: PushOutcome | 'pending';
  /** Why a reply was refused, or why the push failed. */
  reason?: string;
  /** Decrypted passive reply (authorizer pushes). */
  reply?: string;
  replyFields?: Record<string, string>;
}

export interface PushSettings {
  timeoutMs: number;
  maxAttempts: number;
  retryDelayMs: number;
}

function nonce(): string {
  return String(randomBytes(4).readUInt32BE(0) % 1_000_000_000);
}

/** Build the query string and body of a push. `nowSeconds` is the simulator clock. */
export function buildPushRequest(
  crypt: MsgCrypt,
  plaintext: string,
  opts: { kind: PushKind; nowSeconds: number; componentAppid: string; toUserName?: string; openid?: string },
): { query: URLSearchParams; body: string } {
  const timestamp = String(opts.nowSeconds);
  const n = nonce();
  const encrypt = crypt.encrypt(plaintext);
  const query = new URLSearchParams();
  query.set('signature', crypt.sign(timestamp, n));
  query.set('timestamp', timestamp);
  query.set('nonce', n);
  if (opts.kind === 'authorizer') query.set('openid', opts.openid ?? '');
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', crypt.sign(timestamp, n, encrypt));
  const body =
    opts.kind === 'component'
      ? buildXml({ AppId: opts.componentAppid, Encrypt: encrypt })
      : buildXml({ ToUserName: opts.toUserName ?? '', Encrypt: encrypt });
  return { query, body };
}

export function withQuery(url: string, query: URLSearchParams): string {
  return url + (url.includes('?') ? '&' : '?') + query.toString();
}

/**
 * Validate a passive reply: envelope XML, MsgSignature over its own TimeStamp/Nonce, decryption (32-byte pad checked by
 * MsgCrypt), the component-appid trailer. Returns the decrypted XML or throws with a reason.
 */
export function openReply(crypt: MsgCrypt, body: string): { plaintext: string; fields: Record<string, string> } {
  let env;
  try {
    env = parseXml(body, 64 * 1024);
  } catch (err) {
    throw new Error(`reply is not XML: ${(err as Error).message}`);
  }
  const encrypt = field(env, 'Encrypt');
  const sig = field(env, 'MsgSignature');
  const ts = field(env, 'TimeStamp');
  const n = field(env, 'Nonce');
  if (!encrypt) throw new Error('reply is not encrypted: no <Encrypt> (the platform is in safe mode; encrypt the reply)');
  if (!sig || !ts || !n) throw new Error('reply envelope lacks MsgSignature, TimeStamp or Nonce');
  let plaintext: string;
  try {
    crypt.verify(sig, ts, n, encrypt);
    plaintext = crypt.decrypt(encrypt).plaintext;
  } catch (err) {
    if (err instanceof CryptoError) throw new Error(`reply ${err.kind}: ${err.message}`);
    throw err;
  }
  let inner;
  try {
    inner = parseXml(plaintext);
  } catch (err) {
    throw new Error(`decrypted reply is not XML: ${(err as Error).message}`);
  }
  const fields: Record<string, string> = {};
  for (const k of Object.keys(inner)) {
    const v = field(inner, k);
    if (v !== undefined) fields[k] = v;
  }
  return { plaintext, fields };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POST with retries; fills `record.attempts` and `record.outcome`. */
export async function deliver(
  record: PushRecord,
  req: { url: string; body: string },
  settings: PushSettings,
  crypt: MsgCrypt,
  /** Aborted when the simulator closes, so a hanging receiver cannot hold close() up. */
  stop?: AbortSignal,
): Promise<PushRecord> {
  for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
    if (stop?.aborted) break;
    const started = Date.now();
    let a: PushAttempt;
    try {
      const res = await fetch(req.url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: req.body,
        signal: stop ? AbortSignal.any([AbortSignal.timeout(settings.timeoutMs), stop]) : AbortSignal.timeout(settings.timeoutMs),
        redirect: 'manual',
      });
      const text = await res.text();
      a = { attempt, status: res.status, body: text.slice(0, 4096), ms: Date.now() - started };
      record.attempts.push(a);
      if (res.status === 200) {
        const trimmed = text.trim();
        if (trimmed === '' || trimmed === 'success') {
          record.outcome = 'success';
          return record;
        }
        if (record.kind === 'component') {
          // The auth-event URL must answer the literal `success`; anything else counts as a failed attempt.
          a.error = 'expected the body "success"';
        } else {
          try {
            const opened = openReply(crypt, text);
            record.outcome = 'reply';
            record.reply = opened.plaintext;
            record.replyFields = opened.fields;
          } catch (err) {
            record.outcome = 'bad_reply';
            record.reason = (err as Error).message;
          }
          return record;
        }
      } else {
        a.error = `HTTP ${res.status}`;
      }
    } catch (err) {
      const e = err as Error;
      const msg =
        e.name === 'TimeoutError'
          ? `no answer within ${settings.timeoutMs} ms`
          : stop?.aborted
            ? 'the simulator closed'
            : ((e.cause as Error)?.message ?? e.message);
      record.attempts.push({ attempt, status: null, error: msg, ms: Date.now() - started });
    }
    if (attempt < settings.maxAttempts && !stop?.aborted) await sleep(settings.retryDelayMs);
  }
  record.outcome = 'failed';
  record.reason = record.attempts.map((x) => `#${x.attempt}: ${x.error ?? `HTTP ${x.status}`}`).join('; ');
  return record;
}
