/**
 * What the simulator pushes: tickets and authorization events to the auth-event URL, user messages and events to
 * the message URL. Every push is recorded; delivery (encryption, attempts, reply checks) is in delivery.ts.
 */
import { randomBytes } from 'node:crypto';
import { buildXml, type XmlInputObject } from '../../wechat/xml';
import { userOpenid } from '../accounts';
import type { MsgCrypt } from '../../wechat/crypto';
import type { SimClock } from '../kernel/clock';
import type { Faults } from '../kernel/faults';
import type { SimState } from '../kernel/state';
import type { SimSettings, SimulatorConfig } from '../types';
import type { UserMessageInput } from '../types';
import { buildPushRequest, deliver, withQuery, type PushKind, type PushRecord, type PushSettings } from './delivery';

const MAX_RECORDS = 10_000;

/** What sending pushes needs of the kernel that owns it (an interface, so this file does not import the kernel back). */
export interface PushHost {
  readonly config: SimulatorConfig;
  readonly crypt: MsgCrypt;
  readonly settings: SimSettings;
  readonly clock: SimClock;
  readonly faults: Faults;
  readonly state: SimState;
  readonly log: (line: string) => void;
  counter: number;
  /** Told of every user message or event pushed (the reply window of customer-service messages counts them). */
  userActed?: (appid: string, openid: string, msgType: string, event: string | null, at: number) => void;
}

export class Pushes {
  records: PushRecord[] = [];
  private seq = 0;
  private readonly inflight = new Set<Promise<unknown>>();
  /** Aborted on close: deliveries stop retrying. */
  readonly stop = new AbortController();

  constructor(private readonly k: PushHost) {}

  reset(): void {
    this.records = [];
  }

  /** Keep a promise until it settles, so close() can wait for what is in flight. */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  settled(): Promise<unknown> {
    return Promise.allSettled([...this.inflight]);
  }

  /** Issue a new component_verify_ticket and push it to the auth-event URL. */
  ticket(): Promise<PushRecord> {
    const value = `ticket@@@${randomBytes(32).toString('base64url')}`;
    const tickets = this.k.state.tickets;
    tickets.push({ value, issuedAt: this.k.clock.now() });
    if (tickets.length > 200) tickets.shift();
    return this.component('component_verify_ticket', { ComponentVerifyTicket: value });
  }

  /** A push to the auth-event URL: <xml><AppId/><CreateTime/><InfoType/>…</xml>. */
  component(infoType: string, fields: XmlInputObject, appid: string | null = null): Promise<PushRecord> {
    const plaintext = buildXml({ AppId: this.k.config.componentAppid, CreateTime: this.k.clock.nowS(), InfoType: infoType, ...fields });
    return this.push('component', infoType, appid, this.k.settings.authEventUrl, plaintext, {});
  }

  /** Push a user message or event for an authorizer to the message URL; resolves with the record (reply included). */
  userMessage(input: UserMessageInput): Promise<PushRecord> {
    const k = this.k;
    const p = k.state.profile(input.appid);
    if (!p) throw new RangeError(`unknown account ${input.appid}`);
    const openid = input.openid ?? p.testOpenid ?? userOpenid(k.settings.seed, p.appid);
    const msgType = input.msgType ?? (input.event ? 'event' : 'text');
    if (msgType !== 'text' && msgType !== 'event') throw new RangeError('msgType must be "text" or "event"');
    if (input.extra !== undefined && (typeof input.extra !== 'object' || input.extra === null || Array.isArray(input.extra))) {
      throw new RangeError('extra must be an object of element names to values');
    }
    const nowS = k.clock.nowS();
    const fields: XmlInputObject = { ToUserName: p.userName, FromUserName: openid, CreateTime: nowS, MsgType: msgType };
    if (msgType === 'text') {
      fields.Content = input.content ?? '你好';
      fields.MsgId = String(BigInt(nowS) * 1_000_000n + BigInt(++k.counter % 1_000_000));
    } else {
      if (!input.event) throw new RangeError('an event message needs event');
      fields.Event = input.event;
      if (input.event === 'LOCATION') {
        fields.Latitude = String(input.latitude ?? 22.543099);
        fields.Longitude = String(input.longitude ?? 114.057868);
        fields.Precision = String(input.precision ?? 65.0);
      } else if (input.eventKey !== undefined || ['CLICK', 'VIEW', 'SCAN'].includes(input.event)) {
        fields.EventKey = input.eventKey ?? '';
      }
    }
    for (const [key, v] of Object.entries(input.extra ?? {})) fields[key] = v;
    // The user acted when CreateTime says (a test may push an older interaction through extra.CreateTime).
    const actedAt = fields.CreateTime === nowS ? k.clock.now() : Number(fields.CreateTime) * 1000;
    k.userActed?.(p.appid, openid, msgType, input.event ?? null, actedAt);
    const type = msgType === 'event' ? `event/${input.event}` : msgType;
    const url = k.settings.messageUrl ? k.settings.messageUrl.split('$APPID$').join(p.appid) : null;
    return this.push('authorizer', type, p.appid, url, buildXml(fields), { toUserName: p.userName, openid });
  }

  private push(kind: PushKind, type: string, appid: string | null, url: string | null, plaintext: string, extra: { toUserName?: string; openid?: string }): Promise<PushRecord> {
    const k = this.k;
    const record: PushRecord = { id: ++this.seq, kind, type, appid, url, plaintext, createdAt: k.clock.now(), attempts: [], outcome: 'pending' };
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records.shift();
    const what = `push #${record.id} ${kind} ${type}${appid ? ` ${appid}` : ''}`;
    if (!url) {
      record.outcome = 'no_url';
      record.reason = kind === 'component' ? 'no auth-event URL configured' : 'no message URL configured';
      k.log(`${what}: not sent (${record.reason})`);
      return Promise.resolve(record);
    }
    if (k.faults.dropPush()) {
      record.outcome = 'dropped';
      record.reason = 'dropped by fault injection';
      k.log(`${what}: dropped (fault injection)`);
      return Promise.resolve(record);
    }
    // Real time in the query: receivers check it against their own clock (the simulator clock only judges lifetimes).
    const { query, body } = buildPushRequest(k.crypt, plaintext, {
      kind,
      nowSeconds: Math.floor(Date.now() / 1000),
      componentAppid: k.config.componentAppid,
      ...extra,
    });
    const settings: PushSettings = { timeoutMs: k.settings.pushTimeoutMs, maxAttempts: k.settings.pushMaxAttempts, retryDelayMs: k.settings.pushRetryDelayMs };
    return this.track(
      deliver(record, { url: withQuery(url, query), body }, settings, k.crypt, this.stop.signal).then((r) => {
        k.log(`${what}: ${r.outcome} after ${r.attempts.length} attempt(s)${r.reason ? ` (${r.reason})` : ''}`);
        return r;
      }),
    );
  }
}
