/**
 * custom/send against the reply window the simulator keeps from the users' pushes ("OA and MP APIs" §3): a message
 * allows 5 sends in 48 h, a menu click / follow / scan 3 sends in 1 minute, nothing else opens it (45015), the count
 * runs out (45047), unfollowing closes it; media/upload keeps the files so unknown, foreign or expired media ids are
 * 40007; sent messages and media read back through the control endpoints. Over real HTTP.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken, type Json } from './helpers';

describe('simulator: customer-service reply window and media', () => {
  let sim: Simulator;
  let oa = '';
  let oa2 = '';
  const tokens: Record<string, string> = {};
  /** Fresh tokens (the tests move the clock past their lifetime). */
  async function refreshTokens(): Promise<void> {
    await sim.pushTicket();
    const ctoken = await componentToken(sim);
    for (const appid of [oa, oa2]) {
      const r = await call(sim.url, '/cgi-bin/component/api_authorizer_token', { component_appid: sim.config.componentAppid, authorizer_appid: appid, authorizer_refresh_token: sim.authorizer(appid)!.refreshToken }, { component_access_token: ctoken });
      tokens[appid] = r.authorizer_access_token as string;
    }
  }
  beforeAll(async () => {
    sim = await startSimulator({ accounts: 4, candidates: 0, ticketIntervalSeconds: 0 });
    oa = sim.seededAccount(0).appid;
    oa2 = sim.seededAccount(2).appid;
  });
  beforeEach(refreshTokens);
  afterAll(() => sim.close());

  const send = (touser: string, msg: Record<string, unknown> = { msgtype: 'text', text: { content: '您好' } }, appid = oa) =>
    call(sim.url, '/cgi-bin/message/custom/send', { touser, ...msg }, { access_token: tokens[appid]! }).then((r) => r.errcode as number);
  const interact = (body: Record<string, unknown>) => call(sim.url, '/__sim/interact', { appid: oa, ...body });
  async function upload(type: string, name: string, bytes: Uint8Array, appid = oa): Promise<Json> {
    const form = new FormData();
    form.set('media', new Blob([bytes]), name);
    const res = await fetch(`${sim.url}/cgi-bin/media/upload?type=${type}&access_token=${tokens[appid]}`, { method: 'POST', body: form });
    return (await res.json()) as Json;
  }

  it('a user who never interacted cannot be sent to (45015); a message allows 5 sends, then 45047; the sent log has them', async () => {
    expect(await send('oStranger')).toBe(45015);
    const r = await interact({ openid: 'oWriter', content: '在吗' });
    expect(r.openid).toBe('oWriter');
    expect(r.window).toEqual([expect.objectContaining({ by: 'message', what: 'text', left: 5 })]);
    for (let i = 0; i < 5; i++) expect(await send('oWriter', { msgtype: 'text', text: { content: `回复${i}` } })).toBe(0);
    expect(await send('oWriter')).toBe(45047);
    const log = await call(sim.url, `/__sim/messages?appid=${oa}`);
    expect(log.messages.filter((m: Json) => m.touser === 'oWriter').map((m: Json) => m.content)).toEqual(['回复0', '回复1', '回复2', '回复3', '回复4']);
    // Another message: 5 more.
    await interact({ openid: 'oWriter' });
    expect(await send('oWriter')).toBe(0);
  });

  it('a menu click, follow or scan allows 3 sends within 1 minute; VIEW and LOCATION open nothing; unfollowing closes it', async () => {
    for (const kind of ['CLICK', 'subscribe', 'SCAN', 'scancode_push', 'scancode_waitmsg']) {
      const openid = `o${kind}`;
      await interact({ openid, kind });
      for (let i = 0; i < 3; i++) expect(await send(openid)).toBe(0);
      expect(await send(openid)).toBe(45047);
    }
    await interact({ openid: 'oClicker', kind: 'CLICK' });
    expect(await send('oClicker')).toBe(0);
    sim.advanceClock(61);
    expect(await send('oClicker')).toBe(45015);
    await interact({ openid: 'oViewer', kind: 'VIEW' });
    expect(await send('oViewer')).toBe(45015);
    await interact({ openid: 'oLeaver' });
    await interact({ openid: 'oLeaver', kind: 'unsubscribe' });
    expect(await send('oLeaver')).toBe(45015);
  });

  it('the message window ends 48 h after the message (an older interaction pushed with secondsAgo is already closed)', async () => {
    await interact({ openid: 'oLate', secondsAgo: 49 * 3600 });
    expect(await send('oLate')).toBe(45015);
    await interact({ openid: 'oTwoDays' });
    sim.advanceClock(47 * 3600);
    await refreshTokens();
    expect(await send('oTwoDays')).toBe(0);
    sim.advanceClock(3600 + 1);
    await refreshTokens();
    expect(await send('oTwoDays')).toBe(45015);
  });

  it('text over 2048 bytes is 45002', async () => {
    await interact({ openid: 'oLong' });
    expect(await send('oLong', { msgtype: 'text', text: { content: '字'.repeat(683) } })).toBe(45002); // 2049 bytes
    expect(await send('oLong', { msgtype: 'text', text: { content: '字'.repeat(682) + 'ab' } })).toBe(0); // 2048
  });

  it('media/upload keeps the file; custom/send takes only this account\'s live media ids (40007 otherwise)', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    const up = await upload('image', 'photo.png', png);
    expect(up).toMatchObject({ type: 'image', media_id: expect.any(String), created_at: expect.any(Number) });
    const listed = await call(sim.url, `/__sim/media?appid=${oa}`);
    expect(listed.media.at(-1)).toMatchObject({ mediaId: up.media_id, type: 'image', filename: 'photo.png', size: png.length, sha256: createHash('sha256').update(png).digest('hex') });
    expect((await upload('image', 'doc.txt', png)).errcode).toBe(40005);
    expect((await upload('thumb', 'big.jpg', new Uint8Array(64 * 1024 + 1))).errcode).toBe(40006);
    const thumb = await upload('thumb', 't.jpg', new Uint8Array([0xff, 0xd8, 0xff]));
    expect(thumb.thumb_media_id).toBeTypeOf('string');

    await interact({ openid: 'oPic' });
    expect(await send('oPic', { msgtype: 'image', image: { media_id: 'nope' } })).toBe(40007);
    const foreign = await upload('image', 'x.png', png, oa2);
    expect(await send('oPic', { msgtype: 'image', image: { media_id: foreign.media_id } })).toBe(40007);
    expect(await send('oPic', { msgtype: 'image', image: { media_id: up.media_id } })).toBe(0);
    expect(await send('oPic', { msgtype: 'miniprogrampage', miniprogrampage: { title: 't', appid: 'wx1234567890abcdef', pagepath: 'pages/index', thumb_media_id: 'nope' } })).toBe(40007);
    const log = await call(sim.url, `/__sim/messages?appid=${oa}`);
    expect(log.messages.at(-1)).toMatchObject({ touser: 'oPic', msgtype: 'image', body: { image: { media_id: up.media_id } } });
    // Temporary media lives 3 days.
    sim.advanceClock(3 * 24 * 3600);
    await refreshTokens();
    await interact({ openid: 'oPic' });
    expect(await send('oPic', { msgtype: 'image', image: { media_id: up.media_id } })).toBe(40007);
  });
});
