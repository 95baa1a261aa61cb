/**
 * mp/* through the router against the real engine, relay and simulator: scoped to a mini program of the current
 * platform (an official account's appid and an unknown appid refused in both languages before any call); the
 * settings round trip (info, nickname audit, avatar upload with crop, categories, domains, testers, privacy, visit
 * status); bad input refused by the contract schema or the desk with the field named, before any WeChat call;
 * WeChat's refusals (85004, fault-injected 85049) explained.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MpBasicInfo, MpCategories, MpDomains, MpLinkedOfficialAccounts, MpPrivacy } from '../../src/shared/contract';
import type { Router } from '../../src/main/ipc/router';
import type { RuntimeHost } from '../../src/main/services/host';
import { routerCalls, trustedRouter } from '../helpers/router-calls';
import { startConsoleStack, type Stack } from '../helpers/stack';

const APPID = 'wx1313242435354647';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d2a50000000049454e44ae426082', 'hex');

describe('mp/* through the router', () => {
  let stack: Stack;
  let router: Router;
  let oa = '';
  let mp = '';

  beforeAll(async () => {
    let host: RuntimeHost;
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: 'mp-settings-api-secret-0123456789a', token: 'mpSettingsApiToken', aesKey: 'MpSeTtInGsApIkEy0123456789abcdefghijklmnopq', deskKey: 'desk-key-for-the-mp-settings-api-test-0123' },
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

  it('refuses an official account and an unknown appid in both languages, before any WeChat call', async () => {
    const before = stack.sim.getCalls().length;
    const asOa = await fail('mp/info', { appid: oa });
    expect(asOa.code).toBe('invalid_arguments');
    expect(asOa.message).toMatch(/is an official account; these settings belong to mini programs/);
    expect(asOa.messageZh).toMatch(/是公众号；这些设置只属于小程序/);
    const unknown = await fail('mp/testers', { appid: 'wx00000000000000ff' });
    expect(unknown.code).toBe('not_found');
    expect(unknown.messageZh).toMatch(/本平台没有授权账号 wx00000000000000ff/);
    expect(stack.sim.getCalls().slice(before)).toEqual([]);
  });

  it('round trip: info, nickname with a manual audit, avatar with crop, categories, domains, testers, privacy, visit status', async () => {
    const info = await ok<MpBasicInfo>('mp/info', { appid: mp });
    expect(info.quotas).toEqual({ nickname: { used: 0, limit: 2 }, headImage: { used: 0, limit: 5 }, signature: { used: 0, limit: 5 } });
    const set = await ok<{ auditId: number | null }>('mp/setNickname', { appid: mp, nickname: '旗舰好店铺' });
    expect(set.auditId).toBeGreaterThan(0);
    await stack.sim.decideNicknameAudit(mp, { result: 'reject', reason: '需要商标证明' });
    expect(await ok('mp/nicknameAudit', { appid: mp, auditId: set.auditId })).toMatchObject({ status: 2, reason: '需要商标证明' });
    await ok('mp/setAvatar', { appid: mp, filename: 'logo.png', dataBase64: PNG.toString('base64'), crop: { x1: 0, y1: 0.25, x2: 1, y2: 0.75 } });
    expect(stack.sim.getCalls('/cgi-bin/account/modifyheadimage').at(-1)).toMatchObject({ errcode: 0 });
    expect((await ok<MpBasicInfo>('mp/info', { appid: mp })).quotas.headImage.used).toBe(1);
    const { mediaId } = await ok<{ mediaId: string }>('mp/upload', { appid: mp, kind: 'image', filename: 'licence.jpg', dataBase64: PNG.toString('base64') });
    await ok('mp/addCategories', { appid: mp, categories: [{ first: 7, second: 9, certicates: [{ key: '食品经营许可证', value: mediaId }] }] });
    await stack.sim.decideCategoryAudit(mp, { first: 7, second: 9, result: 'approve' });
    const cats = await ok<MpCategories>('mp/categories', { appid: mp });
    expect(cats.set.find((c) => c.second === 9)).toMatchObject({ secondName: '餐饮服务场所/餐饮服务管理企业', status: 3 });
    expect(cats.tree.map((n) => n.name)).toContain('医疗服务');
    const server = { requestdomain: ['https://api.wxopen-demo.com'], wsrequestdomain: [], uploaddomain: [], downloaddomain: ['https://cdn.wxopen-demo.com'], udpdomain: [], tcpdomain: ['tcp://t.wxopen-demo.com'] };
    await ok('mp/setServerDomains', { appid: mp, server });
    await ok('mp/setWebviewDomains', { appid: mp, webview: ['https://h5.wxopen-demo.com'] });
    expect(await ok<MpDomains>('mp/domains', { appid: mp })).toEqual({ server, webview: ['https://h5.wxopen-demo.com'] });
    const { userstr } = await ok<{ userstr: string }>('mp/bindTester', { appid: mp, wechatId: 'tester_beta' });
    const again = await fail('mp/bindTester', { appid: mp, wechatId: 'tester_beta' });
    expect(again.messageZh).toMatch(/85004.*已经是体验者/);
    expect(await ok('mp/testers', { appid: mp })).toEqual([userstr]);
    await ok('mp/unbindTester', { appid: mp, userstr });
    await ok('mp/setPrivacy', { appid: mp, owner: { contact_phone: '13800000000', notice_method: '弹窗', contact_email: '' }, settings: [{ privacy_key: 'UserInfo', privacy_text: '展示头像' }] });
    const privacy = await ok<MpPrivacy>('mp/privacy', { appid: mp });
    expect(privacy.settings).toEqual([{ privacy_key: 'UserInfo', privacy_text: '展示头像', privacy_label: '用户信息（微信昵称、头像）' }]);
    expect(privacy.owner).toEqual({ contact_phone: '13800000000', notice_method: '弹窗' });
    await ok('mp/setVisitStatus', { appid: mp, open: false });
    expect(await ok('mp/visitStatus', { appid: mp })).toEqual({ status: 0 });
  });

  it('linked official accounts: each official account of the platform asked (wxamplinkget); one that cannot answer is named', async () => {
    const oas = stack.store.authorizers.list({ componentAppid: APPID, kind: 'OA', status: 'active' }).total;
    stack.sim.setMiniProgramLink(oa, mp, 1);
    const before = stack.sim.getCalls('/cgi-bin/wxopen/wxamplinkget').length;
    const found = await ok<MpLinkedOfficialAccounts>('mp/linkedOfficialAccounts', { appid: mp });
    expect(found.accounts).toEqual([{ appid: oa, nickName: expect.any(String), status: 1 }]);
    expect(found).toMatchObject({ checked: oas, total: oas, failed: [] });
    expect(stack.sim.getCalls('/cgi-bin/wxopen/wxamplinkget').length - before).toBe(oas);
    stack.sim.setMiniProgramLink(oa, mp, 12);
    expect((await ok<MpLinkedOfficialAccounts>('mp/linkedOfficialAccounts', { appid: mp })).accounts).toEqual([{ appid: oa, nickName: expect.any(String), status: 12 }]);
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/wxopen/wxamplinkget', appids: [oa], errcode: 48001 }] });
    try {
      const faulted = await ok<MpLinkedOfficialAccounts>('mp/linkedOfficialAccounts', { appid: mp });
      expect(faulted.accounts).toEqual([]);
      expect(faulted.failed).toEqual([{ appid: oa, en: expect.stringMatching(/48001/), zh: expect.stringMatching(/48001/) }]);
    } finally {
      stack.sim.setFaults({});
      stack.sim.setMiniProgramLink(oa, mp, null);
    }
  });

  it('bad input refused by the schema or the desk with the field named, before any WeChat call; faults explained', async () => {
    const before = stack.sim.getCalls().length;
    const both = await fail('mp/unbindTester', { appid: mp, wechatId: 'tester_one', userstr: 'x' });
    expect(both.code).toBe('invalid_arguments');
    expect(both.message).toMatch(/exactly one of wechatId or userstr/);
    const crop = await fail('mp/setAvatar', { appid: mp, filename: 'a.png', dataBase64: PNG.toString('base64'), crop: { x1: 0, y1: 0, x2: 1, y2: 1.5 } });
    expect(crop.message).toMatch(/crop box y2 must be a number from 0 to 1/);
    expect(crop.messageZh).toMatch(/裁剪框 y2/);
    const dom = await fail('mp/setWebviewDomains', { appid: mp, webview: ['https://10.0.0.1'] });
    expect(dom.messageZh).toMatch(/webviewdomain：“https:\/\/10.0.0.1”是 IP 地址/);
    const name = await fail('mp/checkNickname', { appid: mp, nickname: 'ab' });
    expect(name.message).toMatch(/nick_name \(name\) is 2 characters wide/);
    const file = await fail('mp/upload', { appid: mp, kind: 'privacy', filename: 'guide.doc', dataBase64: 'aGk=' });
    expect(file.message).toMatch(/must be a \.txt file/);
    expect(stack.sim.getCalls().slice(before)).toEqual([]);
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/account/modifysignature', errcode: 85049 }] });
    try {
      const quota = await fail('mp/setSignature', { appid: mp, signature: '一段合规的小程序简介文字' });
      expect(quota.messageZh).toMatch(/85049.*修改次数已用完/);
    } finally {
      stack.sim.setFaults({});
    }
  });
});
