import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MsgCrypt } from '../../src/wechat/crypto';
import { buildReplyEnvelope, buildXml, field, type XmlObject } from '../../src/wechat/xml';
import { startSimulator, type Simulator } from '../../src/sim';
import { call, cryptFor, infoType, startReceiver, type Receiver } from './helpers';

describe('simulator: pushes', () => {
  let sim: Simulator;
  let receiver: Receiver;
  /** Answers by path: how many failures before success, and what to reply to messages. */
  const failuresLeft = new Map<string, number>();
  let replyWith: ((inner: XmlObject) => string) | null = null;

  beforeAll(async () => {
    sim = await startSimulator({ accounts: 4, candidates: 1, ticketIntervalSeconds: 0, pushRetryDelayMs: 10, pushTimeoutMs: 2000, pushTicketAtStart: false });
    receiver = await startReceiver(cryptFor(sim), (p, res) => {
      const left = failuresLeft.get(p.path) ?? 0;
      if (left > 0) {
        failuresLeft.set(p.path, left - 1);
        res.statusCode = 500;
        res.end('busy');
        return;
      }
      res.end(p.path.startsWith('/wechat/authorizer/') && replyWith ? replyWith(p.inner) : 'success');
    });
    sim.setAuthEventUrl(`${receiver.url}/wechat/component`);
    sim.setMessageUrl(`${receiver.url}/wechat/authorizer/$APPID$`);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('pushes tickets (ticket@@@…) with the §1.3 query and outer XML', async () => {
    const rec = await sim.pushTicket();
    expect(rec.outcome).toBe('success');
    const p = await receiver.waitFor(infoType('component_verify_ticket'));
    expect([...p.query.keys()].sort()).toEqual(['encrypt_type', 'msg_signature', 'nonce', 'signature', 'timestamp']);
    expect(Object.keys(p.outer).sort()).toEqual(['AppId', 'Encrypt']);
    expect(field(p.inner, 'ComponentVerifyTicket')).toBe(sim.latestTicket());
    expect(field(p.inner, 'ComponentVerifyTicket')).toMatch(/^ticket@@@/);
  });

  it('retries a failing receiver: 2 failures then success = 3 attempts; 3 failures = failed', async () => {
    failuresLeft.set('/wechat/component', 2);
    const ok = await sim.pushTicket();
    expect(ok.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(ok.outcome).toBe('success');
    failuresLeft.set('/wechat/component', 3);
    const bad = await sim.pushTicket();
    expect(bad.attempts).toHaveLength(3);
    expect(bad.outcome).toBe('failed');
    expect(bad.reason).toContain('HTTP 500');
    // Recorded for inspection over HTTP as well.
    const listed = await call(sim.url, '/__sim/pushes?kind=component&type=component_verify_ticket');
    expect(listed.pushes.at(-1).outcome).toBe('failed');
  });

  it('an unreachable receiver fails with the network error; dropped pushes are recorded as dropped', async () => {
    sim.setAuthEventUrl('http://127.0.0.1:1/nothing');
    const rec = await sim.pushTicket();
    expect(rec.outcome).toBe('failed');
    expect(rec.attempts.every((a) => a.status === null && !!a.error)).toBe(true);
    sim.setAuthEventUrl(`${receiver.url}/wechat/component`);
    sim.setFaults({ dropPushShare: 1 });
    expect((await sim.pushTicket()).outcome).toBe('dropped');
    sim.setFaults({});
  });

  it('messages go to the message URL with $APPID$ replaced, openid in the query, ToUserName outside', async () => {
    const oa = sim.seededAccount(0);
    const rec = await sim.sendUserMessage({ appid: oa.appid, event: 'CLICK', eventKey: 'V1001_TODAY' });
    expect(rec.outcome).toBe('success');
    const p = receiver.received.at(-1)!;
    expect(p.path).toBe(`/wechat/authorizer/${oa.appid}`);
    expect(p.query.get('openid')).toBe(field(p.inner, 'FromUserName'));
    expect(field(p.outer, 'ToUserName')).toBe(oa.userName);
    expect(field(p.inner, 'Event')).toBe('CLICK');
    expect(field(p.inner, 'EventKey')).toBe('V1001_TODAY');
    const text = await call(sim.url, '/__sim/message', { appid: oa.appid, content: '你好，世界' });
    expect(text.outcome).toBe('success');
    expect(field(receiver.received.at(-1)!.inner, 'Content')).toBe('你好，世界');
  });

  it('validates and records encrypted replies; a reply ending with the wrong appid is refused', async () => {
    const oa = sim.seededAccount(0);
    const crypt = cryptFor(sim);
    const reply = (c: MsgCrypt) => (inner: XmlObject) =>
      buildReplyEnvelope(c.encryptReply(buildXml({ ToUserName: field(inner, 'FromUserName')!, FromUserName: field(inner, 'ToUserName')!, CreateTime: 1, MsgType: 'text', Content: 'pong' })));
    replyWith = reply(crypt);
    const good = await sim.sendUserMessage({ appid: oa.appid, content: 'ping' });
    expect(good.outcome).toBe('reply');
    expect(good.replyFields?.Content).toBe('pong');
    replyWith = reply(new MsgCrypt({ token: sim.config.token, encodingAesKey: sim.config.encodingAesKey, appid: oa.appid }));
    const wrong = await sim.sendUserMessage({ appid: oa.appid, content: 'ping' });
    expect(wrong.outcome).toBe('bad_reply');
    expect(wrong.reason).toContain('appid');
    replyWith = () => '<xml><ToUserName>x</ToUserName><Content>plain</Content></xml>';
    const plain = await sim.sendUserMessage({ appid: oa.appid, content: 'ping' });
    expect(plain.outcome).toBe('bad_reply');
    expect(plain.reason).toContain('not encrypted');
    replyWith = null;
  });

  it('fast-register result: lower-case children, and the auth_code works with api_query_auth', async () => {
    const r = await call(sim.url, '/__sim/fastregister', { name: '深圳市测试科技有限公司', legalPersonaName: '李四' });
    expect(r.push.outcome).toBe('success');
    const p = await receiver.waitFor(infoType('notify_third_fasteregister'));
    expect(field(p.inner, 'appid')).toBe(r.appid);
    expect(field(p.inner, 'status')).toBe('0');
    expect(field(p.inner, 'auth_code')).toBe(r.authCode);
    expect(field(p.inner.info as XmlObject, 'legal_persona_name')).toBe('李四');
    const failed = sim.fastRegister({ status: 89250, msg: 'task not found' });
    await failed.push;
    expect(failed.appid).toBeNull();
  });

  it('audit results go to the message URL as weapp_audit_success / weapp_audit_fail', async () => {
    const mp = sim.seededAccount(1);
    await sim.auditResult(mp.appid, 'fail', '名称不符');
    const p = receiver.received.at(-1)!;
    expect(field(p.inner, 'Event')).toBe('weapp_audit_fail');
    expect(field(p.inner, 'Reason')).toBe('名称不符');
    expect(p.path).toBe(`/wechat/authorizer/${mp.appid}`);
  });

  it('close() ends pushes to a receiver that never answers (outcome failed: the simulator closed)', async () => {
    const hanging = createServer(() => {});
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    const other = await startSimulator({ accounts: 0, candidates: 0, ticketIntervalSeconds: 0, pushTicketAtStart: false, pushTimeoutMs: 60_000 });
    other.setAuthEventUrl(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`);
    const pending = other.pushTicket();
    await new Promise((r) => hanging.once('request', r));
    await other.close();
    const rec = await pending;
    expect(rec.outcome).toBe('failed');
    expect(rec.reason).toContain('the simulator closed');
    hanging.closeAllConnections();
    await new Promise<void>((r) => hanging.close(() => r()));
  });
});
