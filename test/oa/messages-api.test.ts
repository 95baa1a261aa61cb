/**
 * messages/* through the router against the real engine, relay and simulator: a user interacts in the simulator and
 * becomes a recipient with the window open (the push went through the relay and the inbox into oa_users); an image
 * uploaded and sent lands in the simulator's sent log with its media id; every message type sent; bad input refused
 * with the rule named before any WeChat call; the simulator's own window (45015, 45047) and media check (40007), and
 * fault injection (45015, 45047, 40007, latency), each explained in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, RecipientPage, SentMessage, UploadedMedia, WechatErrorDetails } from '../../src/shared/contract';
import type { Router } from '../../src/main/ipc/router';
import type { RuntimeHost } from '../../src/main/services/host';
import { routerCalls, trustedRouter } from '../helpers/router-calls';
import { startConsoleStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx1313242435354646';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d2a50000000049454e44ae426082', 'hex');

describe('messages/* through the router', () => {
  let stack: Stack;
  let router: Router;
  let oa = '';
  let mp = '';

  beforeAll(async () => {
    let host: RuntimeHost;
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: 'cs-messages-secret-0123456789abcd', token: 'csMessagesToken', aesKey: 'CsMeSsAgEsKeY0123456789abcdefghijklmnopqrst', deskKey: 'desk-key-for-the-cs-messages-test-0123456' },
      sim: { accounts: 4 },
    }));
    router = trustedRouter(host);
    oa = stack.sim.seededAccount(0).appid;
    mp = stack.sim.seededAccount(1).appid;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const { ok, fail } = routerCalls(() => router);
  /** A user interacts in the simulator (pushed through the relay); resolves once the console lists them. */
  async function interact(openid: string, body: Record<string, unknown> = {}) {
    await stack.sim.sendUserMessage({ appid: oa, openid, ...body });
    return until(`${openid} among the recipients`, () => stack.store.oaUsers.get(APPID, oa, openid));
  }
  const text = (touser: string, content = '您好') => ({ appid: oa, message: { touser, msgtype: 'text', text: { content } } });
  const sendCalls = () => stack.sim.getCalls('/cgi-bin/message/custom/send').length;

  it('a user who wrote is a recipient with the 48 h window open; an image uploaded and sent lands in the sent log', async () => {
    await interact('oWriter', { content: '在吗' });
    const page = await ok<RecipientPage>('messages/recipients', { appid: oa });
    const writer = page.rows.find((r) => r.openid === 'oWriter')!;
    expect(writer).toMatchObject({ lastSeenType: 'text', lastEvent: null, window: { open: true, by: 'message', sends: 5, unsubscribed: false } });
    expect(writer.window.closesAt! - writer.lastMessageAt!).toBe(48 * 3600_000);

    const media = await ok<UploadedMedia>('messages/upload', { appid: oa, type: 'image', filename: 'photo.png', dataBase64: PNG.toString('base64') });
    expect(media).toMatchObject({ type: 'image', filename: 'photo.png', size: PNG.length, mediaId: expect.any(String) });
    expect(stack.sim.getMedia(oa).at(-1)).toMatchObject({ mediaId: media.mediaId, size: PNG.length });
    const sent = await ok<SentMessage>('messages/send', { appid: oa, message: { touser: 'oWriter', msgtype: 'image', image: { media_id: media.mediaId } } });
    expect(sent).toMatchObject({ touser: 'oWriter', msgtype: 'image' });
    expect(stack.sim.getCustomMessages(oa).at(-1)).toMatchObject({ touser: 'oWriter', msgtype: 'image', body: { image: { media_id: media.mediaId } } });
  });

  it('sends every type with exactly its fields (blank optional fields left out)', async () => {
    await interact('oAll');
    const thumb = await ok<UploadedMedia>('messages/upload', { appid: oa, type: 'thumb', filename: 't.jpg', dataBase64: Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString('base64') });
    const voice = await ok<UploadedMedia>('messages/upload', { appid: oa, type: 'voice', filename: 'v.mp3', dataBase64: Buffer.from('ID3voice').toString('base64') });
    const video = await ok<UploadedMedia>('messages/upload', { appid: oa, type: 'video', filename: 'v.mp4', dataBase64: Buffer.from('....ftypmp4').toString('base64') });
    const card = await ok<UploadedMedia>('messages/upload', { appid: oa, type: 'image', filename: 'card.jpg', dataBase64: PNG.toString('base64') });
    const messages = [
      { msgtype: 'voice', voice: { media_id: voice.mediaId } },
      { msgtype: 'video', video: { media_id: video.mediaId, thumb_media_id: thumb.mediaId, title: '视频', description: '' } },
      { msgtype: 'news', news: { articles: [{ title: '新闻', description: '说明', url: 'https://example.com/a', picurl: '' }] } },
      { msgtype: 'miniprogrampage', miniprogrampage: { title: '小程序', appid: 'wx1234567890abcdef', pagepath: 'pages/index/index', thumb_media_id: card.mediaId } },
      { msgtype: 'msgmenu', msgmenu: { head_content: '您对本次服务是否满意呢?', list: [{ id: '101', content: '满意' }, { id: '102', content: '不满意' }], tail_content: '欢迎再次光临' } },
    ];
    for (const m of messages) await ok<SentMessage>('messages/send', { appid: oa, message: { touser: 'oAll', ...m } });
    const log = stack.sim.getCustomMessages(oa).filter((m) => m.touser === 'oAll');
    expect(log.map((m) => m.msgtype)).toEqual(['voice', 'video', 'news', 'miniprogrampage', 'msgmenu']);
    expect(log[1]!.body.video).toEqual({ media_id: video.mediaId, thumb_media_id: thumb.mediaId, title: '视频' });
    expect(log[2]!.body.news).toEqual({ articles: [{ title: '新闻', description: '说明', url: 'https://example.com/a' }] });
  });

  it('bad input is refused with the rule named, in both languages, and never reaches WeChat', async () => {
    const uploads = stack.sim.getCalls('/cgi-bin/media/upload').length;
    const sends = sendCalls();
    const issuesOf = (e: ApiError) => (e.details as { issues: { path: string; rule: string; messageZh: string }[] }).issues;

    const empty = await fail('messages/send', text('oWriter', '  '));
    expect(empty.code).toBe('invalid_arguments');
    expect(issuesOf(empty)).toEqual([expect.objectContaining({ path: 'text.content', rule: 'text_required' })]);
    expect(empty.messageZh).toContain('文本内容不能为空');
    const long = await fail('messages/send', text('oWriter', '字'.repeat(683)));
    expect(issuesOf(long)[0]).toMatchObject({ rule: 'text_bytes' });
    expect(long.messageZh).toContain('最多 2048 字节');
    expect(long.message).toContain('2049');
    expect(issuesOf(await fail('messages/send', { appid: oa, message: { touser: 'o', msgtype: 'news', news: { articles: [{ title: 'a' }, { title: 'b' }] } } }))[0]).toMatchObject({ rule: 'news_count' });
    expect(issuesOf(await fail('messages/send', { appid: oa, message: { touser: 'o', msgtype: 'msgmenu', msgmenu: { list: [] } } }))[0]).toMatchObject({ rule: 'menu_count' });
    expect(issuesOf(await fail('messages/send', { appid: oa, message: { touser: 'o', msgtype: 'msgmenu', msgmenu: { list: [{ id: '1', content: 'a' }, { id: '1', content: 'b' }] } } }))[0]).toMatchObject({ rule: 'menu_id_unique' });
    const card = issuesOf(await fail('messages/send', { appid: oa, message: { touser: 'o', msgtype: 'miniprogrampage', miniprogrampage: { title: '', appid: 'nope', pagepath: '' } } }));
    expect(card.map((i) => `${i.path} ${i.rule}`)).toEqual(['miniprogrampage.title field_required', 'miniprogrampage.appid appid_format', 'miniprogrampage.pagepath field_required', 'miniprogrampage.thumb_media_id media_required']);
    expect(issuesOf(await fail('messages/send', { appid: oa, message: { touser: 'o', msgtype: 'image', image: {} } }))[0]).toMatchObject({ rule: 'media_required' });
    expect(issuesOf(await fail('messages/send', { appid: oa, message: { touser: '', msgtype: 'text', text: { content: 'x' } } }))[0]).toMatchObject({ rule: 'touser_required' });

    const big = await fail('messages/upload', { appid: oa, type: 'image', filename: 'big.png', dataBase64: Buffer.alloc(2 * 1024 * 1024 + 1).toString('base64') });
    expect(issuesOf(big)[0]).toMatchObject({ path: 'file', rule: 'file_size' });
    expect(big.messageZh).toContain('最大 2 MB');
    const wrong = await fail('messages/upload', { appid: oa, type: 'image', filename: 'notes.txt', dataBase64: Buffer.from('hello').toString('base64') });
    expect(issuesOf(wrong)[0]).toMatchObject({ rule: 'file_type' });
    expect(wrong.messageZh).toContain('png/jpeg/jpg/gif');
    expect((await fail('messages/upload', { appid: oa, type: 'image', filename: 'x.png', dataBase64: 'not base64!' })).code).toBe('invalid_arguments');
    expect((await fail('messages/recipients', { appid: mp })).message).toContain('mini program');

    expect(stack.sim.getCalls('/cgi-bin/media/upload').length).toBe(uploads);
    expect(sendCalls()).toBe(sends);
  });

  it("WeChat's window and media checks: 45015 outside it (a 49 h old message), 45047 after 5 sends, 40007 for an unknown media id", async () => {
    const old = Math.floor(stack.sim.now() / 1000) - 49 * 3600;
    await interact('oOld', { content: '两天前', extra: { CreateTime: old } });
    const listed = (await ok<RecipientPage>('messages/recipients', { appid: oa, search: 'oOld' })).rows;
    expect(listed).toHaveLength(1);
    expect(listed[0]!.window).toMatchObject({ open: false, by: 'message' });
    const closed = await fail('messages/send', text('oOld'));
    expect(closed.code).toBe('wechat_error');
    expect((closed.details as WechatErrorDetails).errcode).toBe(45015);
    expect(closed.messageZh).toContain('48 小时');
    expect(closed.message).toContain('48 h');

    await interact('oCount');
    for (let i = 0; i < 5; i++) await ok('messages/send', text('oCount', `第${i + 1}条`));
    const over = await fail('messages/send', text('oCount'));
    expect((over.details as WechatErrorDetails).errcode).toBe(45047);
    expect(over.messageZh).toContain('最多 5 条');

    const unknown = await fail('messages/send', { appid: oa, message: { touser: 'oWriter', msgtype: 'image', image: { media_id: 'never-uploaded' } } });
    expect((unknown.details as WechatErrorDetails).errcode).toBe(40007);
    expect(unknown.messageZh).toContain('media_id');
  });

  it('fault injection: 45015, 45047 and 40007 answered for this account, and latency, each shown with its meaning', async () => {
    await interact('oFault');
    try {
      for (const errcode of [45015, 45047, 40007]) {
        stack.sim.setFaults({ rules: [{ path: '/cgi-bin/message/custom/send', appids: [oa], errcode }] });
        const e = await fail('messages/send', text('oFault'));
        expect((e.details as WechatErrorDetails).errcode).toBe(errcode);
        expect((e.details as WechatErrorDetails).explanation?.known).toBe(true);
        expect(e.messageZh).toContain(`${errcode}`);
      }
      stack.sim.setFaults({ rules: [{ path: '/cgi-bin/media/upload', appids: [oa], latencyMs: 400 }, { path: '/cgi-bin/message/custom/send', appids: [oa], latencyMs: 400 }] });
      const media = await ok<UploadedMedia>('messages/upload', { appid: oa, type: 'image', filename: 'slow.png', dataBase64: PNG.toString('base64') });
      await ok('messages/send', { appid: oa, message: { touser: 'oFault', msgtype: 'image', image: { media_id: media.mediaId } } });
      expect(stack.sim.getCustomMessages(oa).at(-1)).toMatchObject({ touser: 'oFault', body: { image: { media_id: media.mediaId } } });
    } finally {
      stack.sim.setFaults({ rules: [] });
    }
  });
});
