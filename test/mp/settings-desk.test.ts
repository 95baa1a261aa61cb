/**
 * The desk's mini-program settings service (src/main/mp/settings.ts) against the real simulator through the relay:
 * basic info with quotas, a nickname through a manual audit whose wxa_nickname_audit push reaches the inbox with a
 * note in both languages, the avatar upload with its crop box, a category needing a certificate approved (the
 * wxa_category_audit push noted; the category then in get_category), domains, testers, privacy with the undeclared
 * APIs, visit status; WeChat's refusals explained; bad input refused before any call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeChatApiError } from '../../src/main/api';
import { errorText, ServiceError } from '../../src/main/errors';
import * as code from '../../src/main/mp/code';
import * as settings from '../../src/main/mp/settings';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx3131454567678990';
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

describe('desk: one mini program\'s settings', () => {
  let stack: Stack;
  let invoke: settings.Invoke;
  let mps: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      creds: { componentAppid: APPID, secret: 'mp-settings-desk-secret-0123456789a', token: 'mpSettingsDeskToken', aesKey: 'MpSeTtInGsDeSkKeY0123456789abcdefghijklmnop', deskKey: 'desk-key-for-the-mp-settings-test-012345' },
      sim: { accounts: 8 },
      engineClock: 'simulator',
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    await stack.engine.syncAuthorizers(() => undefined);
    invoke = (spec, appid, req) => stack.engine.invokeAs(spec, appid, req);
    mps = [1, 3, 5, 7].map((i) => stack.sim.seededAccount(i).appid);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const events = (appid: string, event: string) => stack.store.events.list({ componentAppid: APPID, appid, event, limit: 10 }).rows;
  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!err) throw new Error('expected a failure');
    return err as Error;
  };

  it('nickname through a manual audit: check, set (audit id), the push in the inbox with a bilingual note, the quota used', async () => {
    const mp = mps[0]!;
    const before = await settings.basicInfo(invoke, mp);
    expect(before.quotas.nickname).toEqual({ used: 0, limit: 2 });
    expect(await settings.checkNickname(invoke, mp, '官方好店铺')).toMatchObject({ needsProof: true });
    const set = await settings.setNickname(invoke, mp, { nickname: '官方好店铺', license: 'licence-media' });
    expect(set.auditId).toBeGreaterThan(0);
    expect(await settings.nicknameAudit(invoke, mp, set.auditId!)).toMatchObject({ nickname: '官方好店铺', status: 1 });
    await stack.sim.decideNicknameAudit(mp, { result: 'approve' });
    const pushed = await until('wxa_nickname_audit in the inbox', () => events(mp, 'wxa_nickname_audit')[0]);
    await until('its note', () => stack.store.events.get(pushed.id)?.handledNoteZh);
    const e = stack.store.events.get(pushed.id)!;
    expect(e.handledNoteZh).toBe('名称审核通过：官方好店铺');
    expect(e.handledNote).toBe('name audit approved: 官方好店铺');
    const after = await settings.basicInfo(invoke, mp);
    expect(after.nickname).toBe('官方好店铺');
    expect(after.quotas.nickname.used).toBe(1);
    // A refusal from WeChat is explained in both languages.
    const taken = await failure(settings.setNickname(invoke, mps[1]!, { nickname: '官方好店铺' }));
    expect((taken as WeChatApiError).errcode).toBe(85029);
    expect(errorText(taken).zh).toMatch(/85029.*名称已被占用/);
  });

  it('avatar with a crop box, intro; the quotas count', async () => {
    const mp = mps[1]!;
    await settings.setAvatar(invoke, mp, { data: PNG, filename: 'logo.png' }, { x1: 0.1, y1: 0.1, x2: 0.9, y2: 0.9 });
    await settings.setSignature(invoke, mp, '为门店顾客提供线上点单与会员服务');
    const info = await settings.basicInfo(invoke, mp);
    expect(info.quotas.headImage).toEqual({ used: 1, limit: 5 });
    expect(info.signature).toBe('为门店顾客提供线上点单与会员服务');
    const call = stack.sim.getCalls('/cgi-bin/account/modifyheadimage').at(-1)!;
    expect(call.errcode).toBe(0);
  });

  it('categories: tree with certificates; add one needing a certificate, approved by the audit, then in get_category; delete', async () => {
    const mp = mps[2]!;
    const tree = await settings.categoryTree(invoke, mp);
    const medical = tree.find((n) => n.id === 304)!;
    expect(medical.children.find((c) => c.id === 305)).toMatchObject({ name: '医疗机构', certificates: ['医疗机构执业许可证'] });
    const cert = await settings.uploadImage(invoke, mp, { data: PNG, filename: 'licence.png' });
    await settings.addCategories(invoke, mp, [{ first: 304, second: 305, certicates: [{ key: '医疗机构执业许可证', value: cert }] }]);
    expect((await settings.setCategories(invoke, mp)).categories.find((c) => c.second === 305)).toMatchObject({ status: 1 });
    await stack.sim.decideCategoryAudit(mp, { first: 304, second: 305, result: 'reject', reason: '证件模糊' });
    const rejected = await until('wxa_category_audit in the inbox', () => events(mp, 'wxa_category_audit')[0]);
    await until('its note', () => stack.store.events.get(rejected.id)?.handledNoteZh);
    expect(stack.store.events.get(rejected.id)!.handledNoteZh).toBe('类目审核未通过：304/305，原因：证件模糊');
    await settings.modifyCategory(invoke, mp, { first: 304, second: 305, certicates: [{ key: '医疗机构执业许可证', value: cert }] });
    await stack.sim.decideCategoryAudit(mp, { first: 304, second: 305, result: 'approve' });
    expect((await code.submitOptions(invoke, mp).catch(() => null)) ?? null).toBeNull(); // no commit yet: get_page 86001
    const cats = (await invoke((await import('../../src/wechat/endpoints/mp-code')).getCategory, mp, {})).category_list;
    expect(cats.map((c) => c.second_id)).toEqual([612, 305]);
    await settings.deleteCategory(invoke, mp, 304, 305);
    expect((await settings.setCategories(invoke, mp)).categories.map((c) => c.second)).toEqual([612]);
  });

  it('domains, the webview confirm file, testers, privacy with the undeclared APIs, visit status', async () => {
    const mp = mps[3]!;
    const lists = { ...(await settings.serverDomains(invoke, mp)), requestdomain: ['https://api.wxopen-demo.com'], wsrequestdomain: ['wss://ws.wxopen-demo.com'] };
    expect((await settings.setServerDomains(invoke, mp, lists)).requestdomain).toEqual(['https://api.wxopen-demo.com']);
    const notOnPlatform = await failure(settings.setServerDomains(invoke, mp, { ...lists, requestdomain: ['https://api.elsewhere.com'] }));
    expect((notOnPlatform as WeChatApiError).errcode).toBe(85018);
    expect(errorText(notOnPlatform).zh).toMatch(/域名未在第三方平台配置/);
    expect(await settings.setWebviewDomains(invoke, mp, ['https://h5.wxopen-demo.com'])).toEqual(['https://h5.wxopen-demo.com']);
    expect((await settings.webviewConfirmFile(invoke, mp)).fileName).toMatch(/\.txt$/);
    const { userstr } = await settings.bindTester(invoke, mp, 'tester_alpha');
    expect(await settings.listTesters(invoke, mp)).toEqual([userstr]);
    await settings.unbindTester(invoke, mp, { userstr });
    expect(await settings.listTesters(invoke, mp)).toEqual([]);
    await code.commit(invoke, mp, { templateId: 2, userVersion: '1.0.0', userDesc: 'd', ext: {} });
    expect((await settings.privacy(invoke, mp)).privacy_list).toEqual(['UserInfo', 'Location', 'PhoneNumber']);
    const fileId = await settings.uploadPrivacyFile(invoke, mp, { data: new TextEncoder().encode('隐私指引'), filename: 'privacy.txt' });
    await settings.setPrivacy(invoke, mp, {
      privacy_ver: 2,
      owner_setting: { contact_email: 'p@example.com', notice_method: '弹窗', ext_file_media_id: fileId },
      setting_list: [{ privacy_key: 'UserInfo', privacy_text: '展示头像' }, { privacy_key: 'Location', privacy_text: '附近门店' }, { privacy_key: 'PhoneNumber', privacy_text: '登录' }],
    });
    expect((await settings.privacy(invoke, mp)).privacy_list).toEqual([]);
    await settings.setVisitStatus(invoke, mp, false);
    expect(await settings.visitStatus(invoke, mp)).toBe(0);
    await settings.setVisitStatus(invoke, mp, true);
    expect(await settings.visitStatus(invoke, mp)).toBe(1);
  });

  it('bad input is refused before any call, with the field named in both languages', async () => {
    const mp = mps[3]!;
    const before = stack.sim.getCalls().length;
    const cases: [Promise<unknown>, RegExp, RegExp][] = [
      [settings.setNickname(invoke, mp, { nickname: 'abc' }), /nick_name \(name\) is 3 characters wide/, /名称（nick_name）长度为 3 个字符/],
      [settings.setNickname(invoke, mp, { nickname: '好的小程序' }), /must not contain the word 小程序/, /不能包含“小程序”/],
      [settings.checkNickname(invoke, mp, '一二三四五六七八九十一二三四五六'), /32 characters wide/, /一个中文字算 2 个字符/],
      [settings.setAvatar(invoke, mp, { data: PNG, filename: 'a.png' }, { x1: 0.5, y1: 0, x2: 0.4, y2: 1 }), /x1 \(0.5\) must be less than x2/, /裁剪框：x1/],
      [settings.setAvatar(invoke, mp, { data: PNG, filename: 'a.bmp' }, { x1: 0, y1: 0, x2: 1, y2: 1 }), /png\/jpeg\/jpg\/gif/, /只接受/],
      [settings.setSignature(invoke, mp, 'ab'), /signature \(intro\) is 2 characters/, /简介（signature）为 2 个字符/],
      [settings.setServerDomains(invoke, mp, { requestdomain: ['http://api.wxopen-demo.com'], wsrequestdomain: [], uploaddomain: [], downloaddomain: [], udpdomain: [], tcpdomain: [] }), /requestdomain: "http:\/\/api.wxopen-demo.com" must be https:\/\/host/, /必须是 https:\/\/域名/],
      [settings.setWebviewDomains(invoke, mp, ['https://a.wxopen-demo.com:8443']), /must not carry a port/, /不能带端口/],
      [settings.bindTester(invoke, mp, '9lives'), /wechatid \(WeChat ID\)/, /微信号（wechatid）/],
      [settings.addCategories(invoke, mp, [{ first: 304, second: 305, certicates: [{ key: '医疗机构执业许可证', value: '' }] }]), /upload the image/, /请上传/],
      [settings.setPrivacy(invoke, mp, { owner_setting: { notice_method: '弹窗' }, setting_list: [] }), /at least one contact/, /隐私设置有误/],
      [settings.uploadPrivacyFile(invoke, mp, { data: new Uint8Array([1]), filename: 'p.pdf' }), /must be a \.txt file/, /须为 \.txt 文件/],
    ];
    for (const [p, en, zh] of cases) {
      const err = await failure(p);
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as ServiceError).code).toBe('invalid_arguments');
      expect(err.message).toMatch(en);
      expect((err as ServiceError).messageZh).toMatch(zh);
    }
    expect(stack.sim.getCalls().slice(before)).toEqual([]);
  });
});
