/**
 * Push intake (授权事件接收URL and 消息与事件接收URL): cheap checks before costly ones, the signature before any XML
 * parsing, the push committed before WeChat gets `success`, and for an authorizer push the desk's passive reply if it
 * comes before the reply deadline. Whatever is pending at HARD_ANSWER_MS, WeChat gets an answer then.
 */
import type http from 'node:http';
import { HttpRefusal, readBody } from '../node/http';
import type { PushKind } from '../shared/relay-protocol';
import { signMessage, signaturesEqual } from '../wechat/crypto';
import { XmlError, field, parseXml } from '../wechat/xml';
import type { RelayContext } from './context';
import type { Delivery } from './delivery';
import { QueryError, hasXmlDeclaration, parseQueryStrict, scanEncrypt } from './ingest';
import { HARD_ANSWER_MS, MAX_PUSH_BYTES } from './limits';
import { send } from './respond';

/** A body still arriving this close to the answer bound gets its 408 now, before the bound's 503. */
const BODY_DEADLINE_MARGIN_MS = 200;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

export type PushHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, kind: PushKind, appid: string | null, arrivedAt: number) => Promise<void>;

export function createIntake(ctx: RelayContext, delivery: Delivery): PushHandler {
  const { config, queue, log, refusals } = ctx;
  const { replyWaiters } = delivery;

  return async function handlePush(req, res, url, kind, appid, arrivedAt) {
    const path = url.pathname;
    let stored: { seq: number } | null = null;
    let readingBody = false;
    // The hard bound: whatever is still pending at 4.4 s, WeChat gets an answer now.
    const guard = setTimeout(() => {
      if (res.headersSent) return;
      if (stored) send(res, 200, 'success');
      else if (readingBody) refusals.reject(res, req, 408, 'body_timeout', path);
      else {
        send(res, 503, 'busy\n', 'text/plain; charset=utf-8', true);
        log('warn', 'push not committed within the answer bound; WeChat will retry', { path });
      }
    }, Math.max(0, arrivedAt + HARD_ANSWER_MS - Date.now()));
    let raw: Buffer | undefined;
    try {
      // Cheap checks first, in order of cost: query, size and time, a scan for DOCTYPE and Encrypt, the signature.
      // Only a body signed with the Token is parsed.
      const q = parseQueryStrict(url.search);
      const { timestamp, nonce, msg_signature: msgSignature } = q;
      if (!timestamp || !nonce || !msgSignature) throw new HttpRefusal(400, 'missing_query');
      if (!/^\d{1,12}$/.test(timestamp)) throw new HttpRefusal(400, 'bad_timestamp');
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > config.timestampWindowS) throw new HttpRefusal(403, 'stale_timestamp');
      const ct = String(req.headers['content-type'] ?? '');
      if (ct && !/xml|text\/plain/i.test(ct)) throw new HttpRefusal(415, 'not_xml_content_type');
      readingBody = true;
      // The body's 408 comes before the answer bound's 503, whatever bodyTimeoutMs says.
      raw = await readBody(req, MAX_PUSH_BYTES, Math.min(Date.now() + config.bodyTimeoutMs, arrivedAt + HARD_ANSWER_MS - BODY_DEADLINE_MARGIN_MS));
      readingBody = false;
      // On the raw bytes: nothing is decoded or parsed for a body that fails these.
      if (hasXmlDeclaration(raw)) throw new HttpRefusal(400, 'doctype_or_entity');
      const encrypt = scanEncrypt(raw);
      if (!encrypt) throw new HttpRefusal(400, 'no_encrypt');
      if (encrypt.length % 4 !== 0 || !BASE64_RE.test(encrypt)) throw new HttpRefusal(400, 'encrypt_not_base64');
      if (!signaturesEqual(signMessage(config.token, timestamp, nonce, encrypt), msgSignature)) throw new HttpRefusal(403, 'bad_msg_signature');
      const plain = q['signature'];
      if (plain && !signaturesEqual(signMessage(config.token, timestamp, nonce), plain)) throw new HttpRefusal(403, 'bad_signature');
      const body = raw.toString('utf8');
      let xml;
      try {
        xml = parseXml(body, MAX_PUSH_BYTES);
      } catch (err) {
        if (err instanceof XmlError) throw new HttpRefusal(err.kind === 'doctype' ? 400 : err.kind === 'too_large' ? 413 : 400, err.kind === 'doctype' ? 'doctype_or_entity' : err.kind === 'too_large' ? 'body_too_large' : `xml_${err.kind}`);
        throw err;
      }
      // What was signed must be what the desk will read.
      if (field(xml, 'Encrypt') !== encrypt) throw new HttpRefusal(400, 'encrypt_mismatch');
      if (kind === 'component') {
        const bodyAppid = field(xml, 'AppId');
        if (bodyAppid !== undefined && bodyAppid !== config.componentAppid) throw new HttpRefusal(400, 'component_appid_mismatch');
      }
      if (ctx.closing) throw new HttpRefusal(503, 'shutting_down');
      const result = await queue.insert({
        kind,
        appid,
        // Exactly the query that was checked.
        query: q,
        body,
        dedupeSource: `POST ${req.url}\n${body}`,
        receivedAt: arrivedAt,
      });
      stored = result;
      ctx.lastPushAt = arrivedAt;
      if (kind === 'component') ctx.lastTicketPushAt = arrivedAt;
      let answer: string | null = null;
      if (kind === 'authorizer') {
        let waiter = replyWaiters.get(result.seq);
        if (result.duplicate) answer = result.reply;
        else if (delivery.connectedDesk() && !ctx.closing) {
          let resolveFn!: (b: string | null) => void;
          const promise = new Promise<string | null>((r) => (resolveFn = r));
          waiter = { deadline: arrivedAt + config.replyDeadlineMs, promise, resolve: resolveFn };
          replyWaiters.set(result.seq, waiter);
          setTimeout(() => {
            waiter!.resolve(null);
            replyWaiters.delete(result.seq);
          }, HARD_ANSWER_MS + 100).unref();
        }
        // Deliver now: the desk must see the push (with its replyDeadline) while we wait for its reply.
        if (!result.duplicate) delivery.schedulePump();
        if (answer === null && waiter) {
          const waitMs = Math.max(0, Math.min(waiter.deadline, arrivedAt + HARD_ANSWER_MS) - Date.now());
          let t: NodeJS.Timeout | undefined;
          answer = await Promise.race([waiter.promise, new Promise<null>((r) => (t = setTimeout(() => r(null), waitMs)))]);
          clearTimeout(t);
        }
      } else if (!result.duplicate) delivery.schedulePump();
      if (answer !== null) send(res, 200, answer, answer.trimStart().startsWith('<') ? 'application/xml; charset=utf-8' : 'text/plain; charset=utf-8');
      else send(res, 200, 'success');
    } catch (err) {
      readingBody = false;
      if (err instanceof HttpRefusal) refusals.reject(res, req, err.status, err.reason, path, config.debugBodies && raw ? raw.toString('utf8') : undefined);
      else if (err instanceof QueryError) refusals.reject(res, req, 400, err.reason, path);
      else {
        log('error', 'push failed', { path, error: (err as Error).message });
        send(res, 500, 'internal error\n');
      }
    } finally {
      clearTimeout(guard);
      if (stored) {
        const seq = stored.seq;
        // Leave the waiter for retries only while its deadline can still matter.
        const w = replyWaiters.get(seq);
        if (w && w.deadline <= Date.now()) replyWaiters.delete(seq);
      }
    }
  };
}
