/**
 * The inbox against real pushes from the simulator through a real relay: the full-network release check (all five
 * groups, both account kinds), message and event dedupe under WeChat's retries, fast registration, and the ticket
 * watchdog asking for a ticket when none has arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformEngine } from '../../src/main/engine';
import type { Store } from '../../src/main/store';
import type { RunningRelay } from '../../src/relay/server';
import type { Simulator } from '../../src/sim';
import { startStack, until, type Stack } from '../helpers/stack';
import { MsgCrypt } from '../../src/wechat/crypto';
import { dedupeKey } from '../../src/main/inbox/inbox';
import { parseXml } from '../../src/wechat/xml';

const APPID = 'wxfedcba9876543210';
const SECRET = 'inbox-test-secret-0123456789abcd';
const TOKEN = 'inboxTestToken';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const DESK_KEY = 'desk-key-for-the-inbox-test-0123456789abcdef';

describe('inbox through the relay', () => {
  let stack: Stack;
  let store: Store;
  let relay: RunningRelay;
  let sim: Simulator;
  let engine: PlatformEngine;

  beforeAll(async () => {
    stack = await startStack({ creds: { componentAppid: APPID, secret: SECRET, token: TOKEN, aesKey: AES_KEY, deskKey: DESK_KEY }, sim: { pushTicketAtStart: false, accounts: 2, candidates: 1 }, watchdogCheckMs: 100, watchdogGraceMs: 200 });
    ({ store, relay, sim, engine } = stack);
  });

  afterAll(() => stack?.close());

  it('the watchdog asks for a ticket when none ever arrived, raises an alert, and the ticket lands', async () => {
    const ticket = await until('a ticket after api_start_push_ticket', () => store.tickets.latest(APPID));
    expect(sim.getCalls('/cgi-bin/component/api_start_push_ticket').length).toBe(1);
    expect(ticket.ticket).toBe(sim.latestTicket());
    const alerts = store.events.list({ componentAppid: APPID, kind: 'alert' }).rows;
    expect(alerts.some((a) => a.rawBody.includes('no component_verify_ticket has arrived yet'))).toBe(true);
  });

  it('passes the full-network release check for all five groups, official accounts and mini programs', async () => {
    const result = await sim.releaseCheck({ group: 'all', accounts: 'both', apiTimeoutMs: 8000 });
    const failures = result.groups.flatMap((g) => g.cases.filter((c) => !c.passed).map((c) => `group ${g.group} ${g.kind} ${c.name}: ${c.reason}`));
    expect(failures).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.groups).toHaveLength(10);
    // The passive replies were stored decrypted with the events.
    const replied = store.events.list({ componentAppid: APPID, kind: 'authorizer', event: 'LOCATION' }).rows;
    expect(replied.length).toBe(10);
    expect(replied[0]!.replyBody).toContain('LOCATIONfrom_callback');
  });

  it('ordinary users get `success`, and a message WeChat retries is stored and handled once', async () => {
    const appid = sim.seededAccount(0).appid;
    const before = store.events.count({ componentAppid: APPID, appid });
    const push = await sim.sendUserMessage({ appid, msgType: 'text', content: '你好，营业时间？' });
    const last = push.attempts[push.attempts.length - 1]!;
    expect(last.body).toBe('success');
    await until('the message event', () => store.events.count({ componentAppid: APPID, appid }) === before + 1);
    const e = store.events.list({ componentAppid: APPID, appid, search: '营业时间' }).rows[0]!;
    expect(e.msgType).toBe('text');
    expect(e.dedupeKey).toMatch(/^msg:/);
  });

  it('dedupes messages by MsgId and events by plaintext hash (two events in the same second are both kept)', () => {
    const msg = parseXml('<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>a</Content><MsgId>24001234567890123456</MsgId></xml>');
    expect(dedupeKey('wxa', msg, '')).toBe('msg:wxa:24001234567890123456:o1:1700000000');
    const e1 = '<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>1700000000</CreateTime><MsgType>event</MsgType><Event>CLICK</Event><EventKey>A</EventKey></xml>';
    const e2 = e1.replace('<EventKey>A</EventKey>', '<EventKey>B</EventKey>');
    expect(dedupeKey('wxa', parseXml(e1), e1)).not.toBe(dedupeKey('wxa', parseXml(e2), e2));
    expect(dedupeKey('wxa', parseXml(e1), e1)).toBe(dedupeKey('wxa', parseXml(e1), e1));
  });

  it('a retried push (new seq, same plaintext, new ciphertext) is stored once and not dispatched twice', async () => {
    const crypt = new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID });
    const plain = `<xml><AppId><![CDATA[${APPID}]]></AppId><CreateTime>1700000100</CreateTime><InfoType><![CDATA[unauthorized]]></InfoType><AuthorizerAppid><![CDATA[wxnotstored000001]]></AuthorizerAppid></xml>`;
    const push = (seq: number) => {
      const encrypt = crypt.encrypt(plain);
      const ts = '1700000100';
      const nonce = String(seq);
      return { seq, kind: 'component' as const, appid: null, receivedAt: Date.now(), query: { timestamp: ts, nonce, msg_signature: crypt.sign(ts, nonce, encrypt), encrypt_type: 'aes' }, body: `<xml><AppId><![CDATA[${APPID}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
    };
    const cursor = store.relay.getCursor(APPID);
    const a = await engine.inbox.process(push(cursor + 1000));
    const b = await engine.inbox.process(push(cursor + 1001));
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(true);
    expect(b.eventId).toBe(a.eventId);
    // Both seqs count as processed for the relay cursor.
    expect(store.relay.getCursor(APPID)).toBe(cursor + 1001);
    // The same seq again (relay redelivery) is a duplicate too.
    expect((await engine.inbox.process(push(cursor + 1001))).duplicate).toBe(true);
  });

  it('a successful fast registration exchanges its auth_code; a failed one is noted', async () => {
    const ok = sim.fastRegister({ status: 0 });
    await ok.push;
    await until('the fast-registered mini program', () => (ok.appid ? store.authorizers.get(APPID, ok.appid)?.status === 'active' : false));
    expect(store.authorizers.get(APPID, ok.appid!)?.kind).toBe('MP');
    const bad = sim.fastRegister({ status: 89250, msg: 'task not found' });
    await bad.push;
    await engine.inbox.idle();
    const ev = await until('the failed registration event', () =>
      store.events.list({ componentAppid: APPID, infoType: 'notify_third_fasteregister' }).rows.find((e) => e.handledNote?.includes('89250')),
    );
    expect(ev.handledNote).toContain('fast registration failed');
  });

  it('an authorization whose exchange never ran (crash after commit) is exchanged when the relay redelivers it', async () => {
    const candidate = sim.candidateProfiles()[0]!;
    const granted = sim.authorize(candidate.appid, { push: false });
    const crypt = new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID });
    const plain = `<xml><AppId><![CDATA[${APPID}]]></AppId><CreateTime>1700000200</CreateTime><InfoType><![CDATA[authorized]]></InfoType><AuthorizerAppid><![CDATA[${candidate.appid}]]></AuthorizerAppid><AuthorizationCode><![CDATA[${granted.authCode}]]></AuthorizationCode><AuthorizationCodeExpiredTime>1700003800</AuthorizationCodeExpiredTime><PreAuthCode><![CDATA[preauthcode@@@x]]></PreAuthCode></xml>`;
    const encrypt = crypt.encrypt(plain);
    const seq = store.relay.getCursor(APPID) + 1;
    const push = { seq, kind: 'component' as const, appid: null, receivedAt: Date.now(), query: { timestamp: '1700000200', nonce: '42', msg_signature: crypt.sign('1700000200', '42', encrypt) }, body: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
    // What a crash leaves behind: the event committed, its effect never run.
    store.events.insert({ componentAppid: APPID, seq, kind: 'component', appid: null, receivedAt: Date.now(), query: push.query, rawBody: push.body, plaintext: plain, status: 'ok', infoType: 'authorized', dedupeKey: dedupeKey(null, parseXml(plain), plain) });
    expect(store.authorizers.get(APPID, candidate.appid)).toBeNull();
    const r = await engine.inbox.process(push);
    expect(r.duplicate).toBe(true);
    await engine.inbox.idle();
    expect(store.authorizers.get(APPID, candidate.appid)?.status).toBe('active');
    expect(store.events.get(r.eventId)?.handledNote).toMatch(/^authorized/);
  });
});
