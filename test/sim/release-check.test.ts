import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { buildReplyEnvelope, buildXml, field } from '../../src/wechat/xml';
import { RELEASE_TEST_GROUPS, startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken, cryptFor, startReceiver, type ReceivedPush, type Receiver } from './helpers';

/**
 * A small platform that does what §5.4 asks: passive replies for the event and the text case, and for
 * QUERY_AUTH_CODE an empty reply, then api_query_auth + custom/send. `mistakes` makes it wrong on purpose.
 */
function responder(sim: Simulator, mistakes: { wrongEventText?: boolean; skipApi?: boolean; swapFromTo?: boolean } = {}) {
  const crypt = cryptFor(sim);
  return async (p: ReceivedPush, res: ServerResponse) => {
    if (!p.path.startsWith('/wechat/authorizer/')) return void res.end('success');
    const from = field(p.inner, 'FromUserName')!;
    const to = field(p.inner, 'ToUserName')!;
    const text = (content: string) => {
      const [a, b] = mistakes.swapFromTo ? [to, from] : [from, to];
      const xml = buildXml({ ToUserName: a, FromUserName: b, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: content });
      res.end(buildReplyEnvelope(crypt.encryptReply(xml)));
    };
    if (field(p.inner, 'MsgType') === 'event') return text(mistakes.wrongEventText ? 'hello' : `${field(p.inner, 'Event')}from_callback`);
    const content = field(p.inner, 'Content') ?? '';
    if (content === 'TESTCOMPONENT_MSG_TYPE_TEXT') return text('TESTCOMPONENT_MSG_TYPE_TEXT_callback');
    if (content.startsWith('QUERY_AUTH_CODE:')) {
      res.end('');
      if (mistakes.skipApi) return;
      const code = content.slice('QUERY_AUTH_CODE:'.length);
      const token = await componentToken(sim);
      const q = await call(sim.url, '/cgi-bin/component/api_query_auth', { component_appid: sim.config.componentAppid, authorization_code: code }, { component_access_token: token });
      await call(sim.url, '/cgi-bin/message/custom/send', { touser: from, msgtype: 'text', text: { content: `${code}_from_api` } }, { access_token: q.authorization_info.authorizer_access_token });
      return;
    }
    res.end('success');
  };
}

describe('simulator: full-network release check', () => {
  let sim: Simulator;
  let receiver: Receiver | null = null;
  const logs: string[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ accounts: 2, candidates: 0, ticketIntervalSeconds: 0, pushRetryDelayMs: 10, log: (l) => logs.push(l) });
  });
  afterAll(async () => {
    await sim.close();
    await receiver?.close();
  });
  async function useResponder(mistakes: Parameters<typeof responder>[1]) {
    await receiver?.close();
    receiver = await startReceiver(cryptFor(sim), responder(sim, mistakes));
    sim.setMessageUrl(`${receiver.url}/wechat/authorizer/$APPID$`);
  }

  it('a correct platform passes all five groups (POST /__sim/release-check)', async () => {
    await useResponder({});
    const r = await call(sim.url, '/__sim/release-check', { group: 'all' });
    expect(r.groups).toHaveLength(5);
    for (const g of r.groups) expect(g.cases.map((c: { passed: boolean; reason: string }) => [c.passed, c.reason])).toEqual([
      [true, expect.any(String)],
      [true, expect.any(String)],
      [true, expect.any(String)],
    ]);
    expect(r.passed).toBe(true);
    expect(r.groups.map((g: { appid: string }) => g.appid)).toEqual(RELEASE_TEST_GROUPS.map((g) => g.oa.appid));
    // The test account became authorized through api_query_auth with the simulator's code.
    expect(sim.isAuthorized(RELEASE_TEST_GROUPS[0]!.oa.appid)).toBe(true);
    const sent = sim.getCustomMessages(RELEASE_TEST_GROUPS[0]!.oa.appid);
    expect(sent.at(-1)!.content).toMatch(/^queryauthcode@@@.+_from_api$/);
    // One log line per case, and no secrets in any of them.
    expect(logs.filter((l) => /^release-check group \d wx\w+ \w+: pass$/.test(l))).toHaveLength(15);
    for (const secret of [sim.config.componentSecret, sim.config.encodingAesKey, sim.config.token]) expect(logs.join('\n')).not.toContain(secret);
  });

  it('a wrong platform fails, case by case, with the reason', async () => {
    await useResponder({ wrongEventText: true, skipApi: true });
    const r = await sim.releaseCheck({ group: 2, apiTimeoutMs: 300 });
    expect(r.passed).toBe(false);
    const [loc, txt, api] = r.groups[0]!.cases;
    expect(loc).toMatchObject({ name: 'event_location', passed: false });
    expect(loc!.reason).toContain('Content is "hello", expected "LOCATIONfrom_callback"');
    expect(txt).toMatchObject({ name: 'text_passive', passed: true });
    expect(api).toMatchObject({ name: 'text_api', passed: false });
    expect(api!.reason).toContain('no custom/send');
    expect(logs).toContain(`release-check group 2 ${RELEASE_TEST_GROUPS[1]!.oa.appid} event_location: FAIL: ${loc!.reason}`);
  });

  it('From/To not swapped is a failure too (mini-program test account)', async () => {
    await useResponder({ swapFromTo: true });
    const r = await sim.releaseCheck({ group: 3, accounts: 'mp', apiTimeoutMs: 5000 });
    expect(r.groups[0]!.appid).toBe(RELEASE_TEST_GROUPS[2]!.mp.appid);
    expect(r.groups[0]!.cases[0]!.reason).toContain('From/To swapped');
    expect(r.groups[0]!.cases[2]!.passed).toBe(true);
  });

  it('no message URL → every case fails saying so', async () => {
    sim.setMessageUrl(null);
    const r = await sim.releaseCheck({ group: 1 });
    expect(r.groups[0]!.cases.every((c) => !c.passed && c.reason === 'no message URL configured')).toBe(true);
  });
});
