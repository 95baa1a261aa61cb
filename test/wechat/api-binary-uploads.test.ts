/**
 * The client's binary answers and multipart uploads, over loopback against the simulator (whose routes use the same
 * endpoint specs): the trial QR code comes back as JPEG bytes, a JSON error in its place is an error, uploads are
 * checked against WeChat's limits before anything is sent, and the simulator answers the same faults with WeChat's
 * errcodes when a request gets past the client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim';
import {
  WeChatApiError,
  WeChatClient,
  WeChatInputError,
  WeChatTransportError,
  type ApiCallRecord,
  type TokenSource,
} from '../../src/main/api';
import { component, media, mpAudit, mpCode, mpSettings } from '../../src/wechat';
import { startFakeWeChat } from '../helpers/fake-wechat-server';

const KB = 1024;
const MB = 1024 * KB;

let sim: Simulator;
let client: WeChatClient;
let records: ApiCallRecord[];
const tokens = { oa: '', mp: '' };

beforeAll(async () => {
  sim = await startSimulator({ accounts: 2, candidates: 0, ticketIntervalSeconds: 0 });
  client = new WeChatClient({ baseUrl: sim.url, retry: { baseDelayMs: 1, maxDelayMs: 4 }, onCall: (r) => records.push(r) });
  const { componentAppid, componentSecret } = sim.config;
  const ct = await client.componentToken({ component_appid: componentAppid, component_appsecret: componentSecret, component_verify_ticket: sim.latestTicket()! });
  for (const i of [0, 1]) {
    const a = sim.seededAccount(i);
    const body = { component_appid: componentAppid, authorizer_appid: a.appid, authorizer_refresh_token: sim.authorizer(a.appid)!.refreshToken! };
    tokens[a.kind] = (await client.authorizerToken(ct.component_access_token, body)).authorizer_access_token;
  }
});
afterAll(() => sim.close());
beforeEach(() => {
  records = [];
  sim.setFaults({});
});

const file = (filename: string, size: number) => ({ data: Buffer.alloc(size, 0x61), filename });

/** A request the client would refuse, sent as it is, to see what the simulator (WeChat) answers. */
async function rawUpload(path: string, field: string, f: { data: Buffer; filename: string } | null, query: Record<string, string> = {}) {
  const url = new URL(path, sim.url);
  for (const [k, v] of Object.entries({ access_token: tokens.mp, ...query })) url.searchParams.set(k, v);
  const form = new FormData();
  if (f) form.append(field, new Blob([f.data]), f.filename);
  const res = await fetch(url, { method: 'POST', body: form });
  return (await res.json()) as { errcode?: number; errmsg?: string };
}

describe('binary answers: wxa/get_qrcode', () => {
  it('comes back as JPEG bytes with the content type and file name; the path goes URL-encoded in the query', async () => {
    const qr = await client.invoke(mpCode.getTrialQrcode, tokens.mp, { path: 'pages/index?action=1' });
    expect(qr.contentType).toBe('image/jpeg');
    expect(qr.filename).toBe('QRCode.jpg');
    expect([...qr.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect([...qr.bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
    // SOF0: 8-bit, 264 × 264 (33 modules of 8 pixels, quiet zone included), one component.
    const sof = Buffer.from(qr.bytes).indexOf(Buffer.from([0xff, 0xc0]));
    expect(Buffer.from(qr.bytes).readUInt16BE(sof + 5)).toBe(264);
    expect(records.map((r) => [r.path, r.errcode])).toEqual([['/wxa/get_qrcode?path=pages%2Findex%3Faction%3D1', 0]]);
    // The API log notes the file (its type and size), never its bytes.
    expect(records[0]).toMatchObject({ method: 'GET', tokenParam: 'access_token', requestBody: null, responseBinary: true, responseBody: `image/jpeg, ${qr.bytes.byteLength} B` });
    // The same page gives the same image; another page another one.
    expect(Buffer.from((await client.invoke(mpCode.getTrialQrcode, tokens.mp, { path: 'pages/index?action=1' })).bytes)).toEqual(Buffer.from(qr.bytes));
    expect(Buffer.from((await client.invoke(mpCode.getTrialQrcode, tokens.mp, {})).bytes)).not.toEqual(Buffer.from(qr.bytes));
  });

  it('a JSON error in place of the image is a WeChatApiError (an official account has no trial version: 48001)', async () => {
    const e = (await client.invoke(mpCode.getTrialQrcode, tokens.oa, {}).catch((x: unknown) => x)) as WeChatApiError;
    expect(e).toBeInstanceOf(WeChatApiError);
    expect(e.errcode).toBe(48001);
    expect(e.rid).toMatch(/^[0-9a-f-]{26}$/);
    expect(records.at(-1)).toMatchObject({ path: '/wxa/get_qrcode', errcode: 48001, rid: e.rid });
  });

  it('retries -1 and refreshes an expired token like any JSON call', async () => {
    // A share of 0.5 answers every second call -1: the first call goes through, the second is retried.
    sim.setFaults({ rules: [{ path: '/wxa/get_qrcode', systemErrorShare: 0.5 }] });
    for (let i = 0; i < 2; i++) expect((await client.invoke(mpCode.getTrialQrcode, tokens.mp, {})).bytes[0]).toBe(0xff);
    expect(records.map((r) => r.errcode)).toEqual([0, -1, 0]);

    sim.setFaults({});
    const invalidated: string[] = [];
    const source: TokenSource = { get: async () => (invalidated.length ? tokens.mp : 'not-a-token'), invalidate: (t) => invalidated.push(t) };
    expect((await client.invoke(mpCode.getTrialQrcode, source, {})).contentType).toBe('image/jpeg');
    expect(invalidated).toEqual(['not-a-token']);
  });

  it('an error with an image content type is still an error; JSON without errcode is a bad response, not bytes', async () => {
    const server = await startFakeWeChat({
      '/wxa/get_qrcode': (r) =>
        r.nth === 1
          ? { text: '{"errcode":85074,"errmsg":"not trial version rid: 1-2-3"}', contentType: 'image/jpeg' }
          : { text: '{"ok":true}', contentType: 'application/json' },
    });
    try {
      const c = new WeChatClient({ baseUrl: server.url, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
      const e1 = (await c.invoke(mpCode.getTrialQrcode, 'T', {}).catch((x: unknown) => x)) as WeChatApiError;
      expect(e1).toBeInstanceOf(WeChatApiError);
      expect(e1.errcode).toBe(85074);
      const e2 = (await c.invoke(mpCode.getTrialQrcode, 'T', {}).catch((x: unknown) => x)) as WeChatTransportError;
      expect(e2).toBeInstanceOf(WeChatTransportError);
      expect(e2.kind).toBe('bad_response');
      expect(e2.message).toMatch(/expected a file/);
      expect(server.requests.map((r) => r.headers.accept)).toEqual(['*/*', '*/*']);
    } finally {
      await server.close();
    }
  });
});

describe('uploads: media/upload (multipart field "media", type in the query)', () => {
  it('uploads an image and a thumb; the simulator saw the whole file in the media field', async () => {
    const img = await client.invoke(media.uploadMedia, tokens.oa, { type: 'image', media: file('photo.jpg', 300 * KB) });
    expect(img).toMatchObject({ type: 'image', media_id: expect.stringMatching(/^[\w-]{20,}$/), created_at: expect.any(Number) });
    const rid = await client.getRid(tokens.oa, { rid: sim.getCalls('/cgi-bin/media/upload').at(-1)!.rid });
    expect(rid.request.request_url).toBe('/cgi-bin/media/upload?type=image&access_token=ACCESS_TOKEN');
    expect(rid.request.request_body).toBe(`multipart: media=<file "photo.jpg", ${300 * KB} bytes>`);
    const thumb = await client.invoke(media.uploadMedia, tokens.oa, { type: 'thumb', media: { data: new Blob([Buffer.alloc(64 * KB)]), filename: 't.jpg' } });
    expect(thumb).toMatchObject({ type: 'thumb', thumb_media_id: expect.any(String) });
    expect(thumb).not.toHaveProperty('media_id');
  });

  it('refuses, before sending, a file over the limit, of the wrong type, empty, or an unknown type, naming the rule', async () => {
    const refuse = async (req: Parameters<typeof client.invoke<media.UploadMediaRequest, media.UploadMediaResponse>>[2]) => {
      const e = await client.invoke(media.uploadMedia, tokens.oa, req).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(WeChatInputError);
      return (e as Error).message;
    };
    expect(await refuse({ type: 'image', media: file('big.png', 2 * MB + 1) })).toBe('media/upload: "big.png" is 2.0 MB; WeChat takes at most 2 MB for type=image');
    expect(await refuse({ type: 'thumb', media: file('t.jpg', 64 * KB + 1) })).toMatch(/at most 64 KB for type=thumb/);
    expect(await refuse({ type: 'video', media: file('v.mp4', 10 * MB + 1) })).toMatch(/at most 10 MB for type=video/);
    expect(await refuse({ type: 'image', media: file('pic.bmp', 10) })).toBe('media/upload: "pic.bmp" is not a file type WeChat takes for type=image; it takes png, jpeg, jpg, gif');
    expect(await refuse({ type: 'voice', media: file('v.wav', 10) })).toMatch(/takes amr, mp3/);
    expect(await refuse({ type: 'image', media: file('empty.jpg', 0) })).toMatch(/"empty.jpg" is empty/);
    expect(await refuse({ type: 'file' as 'image', media: file('a.jpg', 10) })).toBe('media/upload: type must be one of image, voice, video, thumb (got "file")');
    expect(await refuse({ type: 'image' } as never)).toMatch(/needs the file in the field "media"/);
    expect(sim.getCalls('/cgi-bin/media/upload').filter((c) => c.at >= sim.now() - 1000 && c.errcode !== 0)).toEqual([]);
    expect(records).toEqual([]);
  });

  it('the simulator answers what gets past a client with WeChat’s errcodes', async () => {
    const path = '/cgi-bin/media/upload';
    expect((await rawUpload(path, 'media', file('big.jpg', 2 * MB + 1), { type: 'image' })).errcode).toBe(40006);
    expect((await rawUpload(path, 'media', file('pic.bmp', 10), { type: 'image' })).errcode).toBe(40005);
    expect((await rawUpload(path, 'media', file('a.jpg', 10), { type: 'file' })).errcode).toBe(40004);
    expect((await rawUpload(path, 'media', file('a.jpg', 0), { type: 'image' })).errcode).toBe(44001);
    expect((await rawUpload(path, 'media', null, { type: 'image' })).errcode).toBe(41005);
    expect((await rawUpload(path, 'file', file('a.jpg', 10), { type: 'image' })).errcode).toBe(41005);
    const tooBig = await rawUpload(path, 'media', file('big.jpg', 2 * MB + 1), { type: 'image' });
    expect(tooBig.errmsg).toMatch(/^invalid media size: "big.jpg" is 2.0 MB; WeChat takes at most 2 MB for type=image rid: /);
  });

  it('a -1 is retried with the whole file sent again', async () => {
    sim.setFaults({ rules: [{ path: '/cgi-bin/media/upload', systemErrorShare: 0.5 }] });
    const before = sim.getCalls('/cgi-bin/media/upload').length;
    for (let i = 0; i < 2; i++) {
      const r = await client.invoke(media.uploadMedia, tokens.oa, { type: 'voice', media: file('hello.mp3', 5000) });
      expect(r.media_id).toBeTruthy();
    }
    expect(records.map((x) => x.errcode)).toEqual([0, -1, 0]);
    const calls = sim.getCalls('/cgi-bin/media/upload').slice(before);
    const bodies = await Promise.all(calls.map(async (c) => (await client.getRid(tokens.oa, { rid: c.rid })).request.request_body));
    expect(bodies).toEqual(new Array(3).fill('multipart: media=<file "hello.mp3", 5000 bytes>'));
  });
});

describe('uploads: wxa/uploadmedia and uploadprivacyextfile', () => {
  it('audit media: the kind comes from the file (image 2 MB, video 10 MB); other types are refused', async () => {
    expect(await client.invoke(mpAudit.uploadAuditMedia, tokens.mp, { media: file('shot.png', 1 * MB) })).toMatchObject({ errcode: 0, type: 'image', mediaid: expect.any(String) });
    expect(await client.invoke(mpAudit.uploadAuditMedia, tokens.mp, { media: file('demo.mp4', 3 * MB) })).toMatchObject({ type: 'video' });
    await expect(client.invoke(mpAudit.uploadAuditMedia, tokens.mp, { media: file('shot.png', 2 * MB + 1) })).rejects.toThrow(
      'wxa/uploadmedia: "shot.png" is 2.0 MB; WeChat takes at most 2 MB for image files',
    );
    await expect(client.invoke(mpAudit.uploadAuditMedia, tokens.mp, { media: file('notes.txt', 10) })).rejects.toThrow(
      'wxa/uploadmedia: "notes.txt" is not a file type this API takes; it takes png/jpeg/jpg/gif (image, at most 2 MB), mp4 (video, at most 10 MB)',
    );
    expect((await rawUpload('/wxa/uploadmedia', 'media', file('notes.txt', 10))).errcode).toBe(40005);
    expect((await rawUpload('/wxa/uploadmedia', 'media', file('demo.mp4', 10 * MB + 1))).errcode).toBe(40006);
  });

  it('privacy guide: txt only, at most 100 KB (40126 over it, 40006 for another type)', async () => {
    const ok = await client.invoke(mpSettings.uploadPrivacyExtFile, tokens.mp, { file: { data: Buffer.from('隐私保护指引\n'), filename: 'privacy.txt' } });
    expect(ok.ext_file_media_id).toMatch(/^\d{19,}$/);
    await expect(client.invoke(mpSettings.uploadPrivacyExtFile, tokens.mp, { file: file('privacy.txt', 100 * KB + 1) })).rejects.toThrow(
      'uploadprivacyextfile: "privacy.txt" is 100.0 KB; WeChat takes at most 100 KB for txt files',
    );
    await expect(client.invoke(mpSettings.uploadPrivacyExtFile, tokens.mp, { file: file('privacy.pdf', 10) })).rejects.toThrow(/takes txt/);
    expect((await rawUpload('/cgi-bin/component/uploadprivacyextfile', 'file', file('privacy.txt', 100 * KB + 1))).errcode).toBe(40126);
    expect((await rawUpload('/cgi-bin/component/uploadprivacyextfile', 'file', file('privacy.pdf', 10))).errcode).toBe(40006);
    expect((await rawUpload('/cgi-bin/component/uploadprivacyextfile', 'file', file('privacy.txt', 10), { access_token: tokens.oa })).errcode).toBe(48001);
  });
});

describe('invoke: the token the spec asks for', () => {
  it('refuses a missing token, and a token for an API that takes none, before sending', async () => {
    await expect(client.invoke(mpCode.getTrialQrcode, null, {})).rejects.toThrow('wxa/get_qrcode needs an authorizer token; get one from the TokenManager');
    await expect(client.invoke(component.apiCreatePreAuthCode, null, { component_appid: sim.config.componentAppid })).rejects.toThrow(/needs a component token/);
    await expect(
      client.invoke(component.apiStartPushTicket, 'T', { component_appid: sim.config.componentAppid, component_secret: sim.config.componentSecret }),
    ).rejects.toThrow('api_start_push_ticket takes no token (it authenticates with the secret); pass null');
    expect(records).toEqual([]);
  });
});
