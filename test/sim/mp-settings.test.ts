/**
 * One mini program's settings in the simulator over HTTP: basic info quotas, nickname rules (85029-85035, 85049) and
 * the manual audit with its wxa_nickname_audit push, avatar and intro, the category tree and addcategory with an
 * audited category (wxa_category_audit; approved ones feed get_category), server and webview domains (85015-85018,
 * 89019-89021, 89029), testers (85001-85004, 89034), privacy settings with the undeclared APIs, visit status, and the
 * control endpoints' errors. Also each spec's `check` refuses bad requests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim';
import * as spec from '../../src/wechat/endpoints/mp-settings';
import { call, componentToken } from './helpers';

describe('simulator: one mini program\'s settings', () => {
  let sim: Simulator;
  let mp = '';
  let oa = '';
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    sim = await startSimulator({ accounts: 4, candidates: 0, ticketIntervalSeconds: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    sim.reset();
    sim.mpSettingsConfig({ serverDomains: ['wxopen-demo.com'], webviewDomains: ['wxopen-demo.com'], testerLimit: 90, categoryLimit: 5, categoryChangesPerMonth: 50, manualAuditWords: ['官方', '旗舰'] });
    await sim.pushTicket();
    const ctoken = await componentToken(sim);
    for (const i of [0, 1]) {
      const a = sim.seededAccount(i);
      const r = await call(sim.url, '/cgi-bin/component/api_authorizer_token', { component_appid: sim.config.componentAppid, authorizer_appid: a.appid, authorizer_refresh_token: sim.authorizer(a.appid)!.refreshToken }, { component_access_token: ctoken });
      tokens[a.appid] = r.authorizer_access_token;
    }
    oa = sim.seededAccount(0).appid;
    mp = sim.seededAccount(1).appid;
    expect(sim.profile(mp)?.kind).toBe('mp');
  });

  const as = (appid: string, path: string, body?: unknown) => call(sim.url, path, body, { access_token: tokens[appid]! });
  const control = (path: string, body?: unknown) => call(sim.url, path, body);

  async function uploadImage(appid = mp): Promise<string> {
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])]), 'head.png');
    const res = await fetch(`${sim.url}/cgi-bin/media/upload?type=image&access_token=${tokens[appid]}`, { method: 'POST', body: form });
    const j = (await res.json()) as { media_id: string };
    expect(j.media_id).toBeTruthy();
    return j.media_id;
  }

  it('specs refuse bad requests before sending, naming the field', () => {
    expect(spec.setNickname.check!({ nick_name: 'abc' })).toMatch(/nick_name.*3 characters wide.*4-30/);
    expect(spec.setNickname.check!({ nick_name: '一二三四五六七八九十一二三四五六' })).toMatch(/32 characters wide/);
    expect(spec.setNickname.check!({ nick_name: '好店' })).toBeNull();
    expect(spec.modifyHeadImage.check!({ head_img_media_id: 'm', x1: 0.5, y1: 0, x2: 0.5, y2: 1 })).toMatch(/x1 \(0.5\) must be less than x2/);
    expect(spec.modifyHeadImage.check!({ head_img_media_id: 'm', x1: 0, y1: 0, x2: 1.2, y2: 1 } as never)).toMatch(/x2 must be a number from 0 to 1/);
    expect(spec.modifySignature.check!({ signature: 'abc' })).toMatch(/signature.*3 characters/);
    expect(spec.modifyDomain.check!({ action: 'add', requestdomain: ['http://a.wxopen-demo.com'] })).toMatch(/must be https:\/\/host/);
    expect(spec.modifyDomain.check!({ action: 'add', wsrequestdomain: ['wss://1.2.3.4'] })).toMatch(/IP address/);
    expect(spec.modifyDomain.check!({ action: 'add' })).toMatch(/needs at least one/);
    expect(spec.setWebviewDomain.check!({ action: 'add', webviewdomain: ['https://a.com/path'] })).toMatch(/without a path/);
    expect(spec.bindTester.check!({ wechatid: '1abc' })).toMatch(/starting with a letter/);
    expect(spec.unbindTester.check!({ wechatid: 'abcdef1', userstr: 'x' } as never)).toMatch(/exactly one/);
    expect(spec.addCategory.check!({ categories: [{ first: 7, second: 0 }] })).toMatch(/second must be a category id/);
    expect(spec.setPrivacySetting.check!({ owner_setting: { notice_method: '弹窗' }, setting_list: [] })).toMatch(/at least one contact/);
    expect(spec.changeVisitStatus.check!({ action: 'pause' } as never)).toMatch(/open.*close/);
  });

  it('basic info shows the monthly quotas; avatar (crop box, media id) and intro use them up: 85049, 85036, 40007', async () => {
    const info = await as(mp, '/cgi-bin/account/getaccountbasicinfo');
    expect(info).toMatchObject({ errcode: 0, appid: mp, account_type: 2, nickname_info: { modify_used_count: 0, modify_quota: 2 }, head_image_info: { modify_used_count: 0, modify_quota: 5 }, signature_info: { modify_quota: 5 } });
    expect((await as(oa, '/cgi-bin/account/getaccountbasicinfo')).errcode).toBe(48001);
    const media = await uploadImage();
    expect((await as(mp, '/cgi-bin/account/modifyheadimage', { head_img_media_id: 'nope', x1: 0, y1: 0, x2: 1, y2: 1 })).errcode).toBe(40007);
    expect((await as(mp, '/cgi-bin/account/modifyheadimage', { head_img_media_id: media, x1: 0.6, y1: 0, x2: 0.5, y2: 1 })).errcode).toBe(40097);
    for (let i = 0; i < 5; i++) expect((await as(mp, '/cgi-bin/account/modifyheadimage', { head_img_media_id: media, x1: 0, y1: 0.1, x2: 0.9, y2: 1 })).errcode).toBe(0);
    expect((await as(mp, '/cgi-bin/account/modifyheadimage', { head_img_media_id: media, x1: 0, y1: 0, x2: 1, y2: 1 })).errcode).toBe(85049);
    expect((await as(mp, '/cgi-bin/account/modifysignature', { signature: '含违禁内容的简介' })).errcode).toBe(85036);
    expect((await as(mp, '/cgi-bin/account/modifysignature', { signature: '为门店顾客提供线上点单' })).errcode).toBe(0);
    const after = await as(mp, '/cgi-bin/account/getaccountbasicinfo');
    expect(after.head_image_info.modify_used_count).toBe(5);
    expect(after.head_image_info.head_image_url).toMatch(/\/mmopen\/[0-9a-f]{40}\/0$/);
    expect((await fetch(after.head_image_info.head_image_url)).status).toBe(200);
    expect(after.signature_info).toMatchObject({ signature: '为门店顾客提供线上点单', modify_used_count: 1 });
    // A new month gives the quota back.
    sim.advanceClock(32 * 86_400);
    await refreshToken(mp);
    expect((await as(mp, '/cgi-bin/account/getaccountbasicinfo')).head_image_info.modify_used_count).toBe(0);
  });

  async function refreshToken(appid: string) {
    await sim.pushTicket();
    const ctoken = await componentToken(sim);
    const r = await call(sim.url, '/cgi-bin/component/api_authorizer_token', { component_appid: sim.config.componentAppid, authorizer_appid: appid, authorizer_refresh_token: sim.authorizer(appid)!.refreshToken }, { component_access_token: ctoken });
    tokens[appid] = r.authorizer_access_token;
  }

  it('nickname: 85030-85035 and 85029 (taken); a direct change; a manual audit pushes wxa_nickname_audit; 85049 after 2 a year', async () => {
    const set = (nick_name: string) => as(mp, '/wxa/setnickname', { nick_name });
    expect((await set('abc')).errcode).toBe(85030);
    expect((await set('违禁好店铺')).errcode).toBe(85031);
    expect((await set('被投诉的店')).errcode).toBe(85032);
    expect((await set('好店铺!!')).errcode).toBe(85033);
    expect((await set('腾讯好店')).errcode).toBe(85034);
    expect((await set('微信好店')).errcode).toBe(85035);
    expect((await set(sim.seededAccount(0).nickName)).errcode).toBe(85029);
    expect((await as(mp, '/cgi-bin/wxverify/checkwxverifynickname', { nick_name: '示例好店' })).hit_condition).toBe(false);
    expect((await as(mp, '/cgi-bin/wxverify/checkwxverifynickname', { nick_name: '官方好店' })).hit_condition).toBe(true);
    expect(await set('示例好店')).toMatchObject({ errcode: 0 });
    expect((await set('示例好店')).audit_id).toBeUndefined();
    const audited = await set('官方好店');
    expect(audited.errcode).toBe(0);
    expect(audited.audit_id).toBeGreaterThan(0);
    expect(await as(mp, '/wxa/api_wxa_querynickname', { audit_id: audited.audit_id })).toMatchObject({ nickname: '官方好店', audit_stat: 1 });
    const push = await control('/__sim/nickname-audit', { appid: mp, result: 'approve' });
    expect(push.type).toBe('event/wxa_nickname_audit');
    expect(push.plaintext).toMatch(/<ret>3<\/ret>/);
    expect(push.plaintext).toMatch(/<nickname><!\[CDATA\[官方好店\]\]><\/nickname>/);
    expect(await as(mp, '/wxa/api_wxa_querynickname', { audit_id: audited.audit_id })).toMatchObject({ audit_stat: 3 });
    const info = await as(mp, '/cgi-bin/account/getaccountbasicinfo');
    expect(info.nickname_info).toMatchObject({ nickname: '官方好店', modify_used_count: 2, modify_quota: 2 });
    expect((await set('第三个名字')).errcode).toBe(85049);
    expect((await control('/__sim/nickname-audit', { appid: mp, result: 'approve' })).error).toMatch(/no nickname audit in progress/);
    expect((await control('/__sim/nickname-audit', { appid: mp, result: 'maybe' })).error).toMatch(/approve.*reject/);
    expect((await control('/__sim/nickname-audit', { appid: oa, result: 'approve' })).error).toMatch(/not a known mini program/);
  });

  it('a rejected nickname audit pushes ret 2 with the reason and leaves the name', async () => {
    const audited = await as(mp, '/wxa/setnickname', { nick_name: '旗舰好店' });
    const push = await control('/__sim/nickname-audit', { appid: mp, result: 'reject', reason: '与主体不符' });
    expect(push.plaintext).toMatch(/<ret>2<\/ret>/);
    expect(push.plaintext).toMatch(/与主体不符/);
    expect(await as(mp, '/wxa/api_wxa_querynickname', { audit_id: audited.audit_id })).toMatchObject({ audit_stat: 2, fail_reason: '与主体不符' });
    expect((await as(mp, '/cgi-bin/account/getaccountbasicinfo')).nickname_info.nickname).toBe(sim.profile(mp)!.nickName);
  });

  it('categories: the tree; add one plain (approved at once) and one needing a certificate (audited, pushed, then in get_category); modify, delete', async () => {
    const tree = (await as(mp, '/cgi-bin/wxopen/getallcategories')).categories_list.categories;
    const clinic = tree.find((c: { id: number }) => c.id === 305);
    expect(clinic).toMatchObject({ name: '医疗机构', level: 2, father: 304, sensitive_type: 1 });
    expect(clinic.qualify.exter_list[0].inner_list[0].name).toBe('医疗机构执业许可证');
    const add = (categories: unknown) => as(mp, '/cgi-bin/wxopen/addcategory', { categories });
    expect((await add([{ first: 304, second: 999 }])).errcode).toBe(85077);
    expect((await add([{ first: 7, second: 305 }])).errcode).toBe(85077);
    expect((await add([{ first: 304, second: 305 }])).errmsg).toMatch(/needs certicates 医疗机构执业许可证/);
    expect((await add([{ first: 287, second: 612 }])).errmsg).toMatch(/already set/);
    expect((await add([{ first: 287, second: 614 }, { first: 304, second: 305, certicates: [{ key: '医疗机构执业许可证', value: 'media-1' }] }])).errcode).toBe(0);
    const set = await as(mp, '/cgi-bin/wxopen/getcategory');
    expect(set.categories.map((c: { second: number; audit_status: number }) => [c.second, c.audit_status])).toEqual([[612, 3], [614, 3], [305, 1]]);
    expect(set).toMatchObject({ limit: 50, quota: 49, category_limit: 5 });
    const ids = async () => (await as(mp, '/wxa/get_category')).category_list.map((c: { second_id: number }) => c.second_id);
    expect(await ids()).toEqual([612, 614]);
    const push = await control('/__sim/category-audit', { appid: mp, first: 304, second: 305, result: 'approve' });
    expect(push.type).toBe('event/wxa_category_audit');
    expect(push.plaintext).toMatch(/<ret>3<\/ret>/);
    expect(push.plaintext).toMatch(/<second>305<\/second>/);
    expect(await ids()).toEqual([612, 614, 305]);
    expect((await as(mp, '/wxa/get_category')).category_list[2]).toEqual({ first_class: '医疗服务', second_class: '医疗机构', first_id: 304, second_id: 305 });
    expect((await control('/__sim/category-audit', { appid: mp, first: 304, second: 305, result: 'approve' })).error).toMatch(/not in audit/);
    // modify sends it to audit again; a rejection pushes ret 2 with the reason.
    expect((await as(mp, '/cgi-bin/wxopen/modifycategory', { first: 304, second: 305, certicates: [{ key: '医疗机构执业许可证', value: 'media-2' }] })).errcode).toBe(0);
    const rejected = await control('/__sim/category-audit', { appid: mp, first: 304, second: 305, result: 'reject', reason: '证件过期' });
    expect(rejected.plaintext).toMatch(/<ret>2<\/ret>/);
    expect((await as(mp, '/cgi-bin/wxopen/getcategory')).categories[2]).toMatchObject({ audit_status: 2, audit_reason: '证件过期' });
    expect(await ids()).toEqual([612, 614]);
    expect((await as(mp, '/cgi-bin/wxopen/deletecategory', { first: 287, second: 614 })).errcode).toBe(0);
    expect((await as(mp, '/cgi-bin/wxopen/deletecategory', { first: 287, second: 614 })).errmsg).toMatch(/not set/);
    expect(await ids()).toEqual([612]);
    expect((await control('/__sim/category-audit', { appid: mp, first: 'x', second: 1, result: 'approve' })).error).toMatch(/category ids/);
  });

  it('server domains: get/add/delete/set against the platform list; 85015, 85016, 85017, 85018', async () => {
    const dom = (body: unknown, appid = mp) => as(appid, '/wxa/modify_domain', body);
    expect((await dom({ action: 'get' }, oa)).errcode).toBe(85015);
    expect(await dom({ action: 'get' })).toMatchObject({ errcode: 0, requestdomain: [], tcpdomain: [] });
    expect((await dom({ action: 'add', requestdomain: ['https://api.other.com'] })).errcode).toBe(85018);
    expect((await dom({ action: 'add', requestdomain: ['https://api.wxopen-demo.com'], wsrequestdomain: ['wss://ws.wxopen-demo.com'], udpdomain: ['udp://u.wxopen-demo.com'] })).errcode).toBe(0);
    expect((await dom({ action: 'add', requestdomain: ['https://api.wxopen-demo.com'] })).errcode).toBe(85017);
    expect((await dom({ action: 'delete', requestdomain: ['https://nothere.wxopen-demo.com'] })).errcode).toBe(85017);
    const got = await dom({ action: 'get' });
    expect(got).toMatchObject({ requestdomain: ['https://api.wxopen-demo.com'], wsrequestdomain: ['wss://ws.wxopen-demo.com'], udpdomain: ['udp://u.wxopen-demo.com'] });
    expect((await dom({ action: 'set', downloaddomain: ['https://cdn.wxopen-demo.com'] })).downloaddomain).toEqual(['https://cdn.wxopen-demo.com']);
    expect((await dom({ action: 'get' })).requestdomain).toEqual([]);
    const many = Array.from({ length: 1001 }, (_, i) => `https://h${i}.wxopen-demo.com`);
    expect((await dom({ action: 'set', requestdomain: many })).errcode).toBe(85016);
    // The platform list is configurable.
    sim.mpSettingsConfig({ serverDomains: ['other.com'] });
    expect((await dom({ action: 'add', requestdomain: ['https://api.other.com'] })).errcode).toBe(0);
    expect((await control('/__sim/platform-domains', { serverDomains: ['https://bad'] })).error).toMatch(/host names/);
    expect((await control('/__sim/platform-domains', { nope: 1 })).error).toMatch(/unknown setting nope/);
  });

  it('webview domains: 89020 none on the platform, 89021 not under it, 89019 unchanged, 89029 over 100; the confirm file', async () => {
    const web = (body: unknown) => as(mp, '/wxa/setwebviewdomain', body);
    expect((await web({ action: 'add', webviewdomain: ['https://www.other.com'] })).errcode).toBe(89021);
    expect((await web({ action: 'add', webviewdomain: ['https://www.wxopen-demo.com'] })).webviewdomain).toEqual(['https://www.wxopen-demo.com']);
    expect((await web({ action: 'add', webviewdomain: ['https://www.wxopen-demo.com'] })).errcode).toBe(89019);
    expect((await web({ action: 'get' })).webviewdomain).toEqual(['https://www.wxopen-demo.com']);
    expect((await web({ action: 'set', webviewdomain: Array.from({ length: 101 }, (_, i) => `https://w${i}.wxopen-demo.com`) })).errcode).toBe(89029);
    expect((await web({ action: 'delete', webviewdomain: ['https://www.wxopen-demo.com'] })).errcode).toBe(0);
    sim.mpSettingsConfig({ webviewDomains: [] });
    expect((await web({ action: 'add', webviewdomain: ['https://www.wxopen-demo.com'] })).errcode).toBe(89020);
    const file = await as(mp, '/wxa/get_webviewdomain_confirmfile', {});
    expect(file.file_name).toMatch(/^[0-9a-f]{10}\.txt$/);
    expect((await as(mp, '/wxa/get_webviewdomain_confirmfile', {})).file_content).toBe(file.file_content);
  });

  it('testers: bind (85001, 85003, 85004, 85002), list userstr, unbind by userstr (89034) or wechatid', async () => {
    const bind = (wechatid: string) => as(mp, '/wxa/bind_tester', { wechatid });
    expect((await bind('unknown_user')).errcode).toBe(85001);
    expect((await bind('busy_tester')).errcode).toBe(85003);
    const a = await bind('tester_one');
    expect(a.userstr).toMatch(/^[0-9a-f]{32}$/);
    expect((await bind('tester_one')).errcode).toBe(85004);
    await bind('tester_two');
    sim.mpSettingsConfig({ testerLimit: 2 });
    expect((await bind('tester_three')).errcode).toBe(85002);
    expect((await as(mp, '/wxa/memberauth', { action: 'get_experiencer' })).members).toHaveLength(2);
    expect((await as(mp, '/wxa/unbind_tester', { userstr: 'not-a-userstr' })).errcode).toBe(89034);
    expect((await as(mp, '/wxa/unbind_tester', { userstr: a.userstr })).errcode).toBe(0);
    expect((await as(mp, '/wxa/unbind_tester', { wechatid: 'tester_two' })).errcode).toBe(0);
    expect((await as(mp, '/wxa/unbind_tester', { wechatid: 'tester_two' })).errcode).toBe(85001);
    expect((await as(mp, '/wxa/memberauth', { action: 'get_experiencer' })).members).toEqual([]);
  });

  it('privacy: the committed code\'s APIs that are not declared are listed; set declares them; visit status', async () => {
    expect((await as(mp, '/cgi-bin/component/getprivacysetting', { privacy_ver: 2 })).code_exist).toBe(0);
    expect((await as(mp, '/wxa/commit', { template_id: 2, ext_json: '{}', user_version: '1.0.0', user_desc: 'd' })).errcode).toBe(0);
    const before = await as(mp, '/cgi-bin/component/getprivacysetting', { privacy_ver: 2 });
    expect(before).toMatchObject({ code_exist: 1, privacy_list: ['UserInfo', 'Location', 'PhoneNumber'], setting_list: [] });
    const owner = { contact_email: 'p@example.com', notice_method: '弹窗' };
    expect((await as(mp, '/cgi-bin/component/setprivacysetting', { privacy_ver: 2, owner_setting: owner, setting_list: [{ privacy_key: 'Nope', privacy_text: 'x' }] })).errcode).toBe(40097);
    expect((await as(mp, '/cgi-bin/component/setprivacysetting', { privacy_ver: 2, owner_setting: owner, setting_list: [{ privacy_key: 'UserInfo', privacy_text: '展示头像' }, { privacy_key: 'Location', privacy_text: '附近门店' }] })).errcode).toBe(0);
    const after = await as(mp, '/cgi-bin/component/getprivacysetting', { privacy_ver: 2 });
    expect(after.privacy_list).toEqual(['PhoneNumber']);
    expect(after.setting_list[0]).toEqual({ privacy_key: 'UserInfo', privacy_text: '展示头像', privacy_label: '用户信息（微信昵称、头像）' });
    expect(after.owner_setting).toEqual(owner);
    expect((await as(mp, '/wxa/getvisitstatus', {})).status).toBe(1);
    expect((await as(mp, '/wxa/change_visitstatus', { action: 'close' })).errcode).toBe(0);
    expect((await as(mp, '/wxa/getvisitstatus', {})).status).toBe(0);
    expect((await as(mp, '/wxa/change_visitstatus', { action: 'pause' })).errcode).toBe(40097);
  });

  it('privacy declared by control: one mini program cleared and set again; bad input refused', async () => {
    expect((await control('/__sim/privacy-declared', { appid: mp, declared: false })).ok).toBe(true);
    const cleared = await as(mp, '/cgi-bin/component/getprivacysetting', { privacy_ver: 2 });
    expect(cleared.setting_list).toEqual([]);
    expect(cleared.owner_setting).toEqual({ notice_method: '' });
    expect((await control('/__sim/privacy-declared', { appid: mp, declared: true })).ok).toBe(true);
    const declared = await as(mp, '/cgi-bin/component/getprivacysetting', { privacy_ver: 2 });
    expect(declared.owner_setting).toMatchObject({ contact_email: 'privacy@example.com' });
    expect(declared.setting_list.map((x: { privacy_key: string }) => x.privacy_key).sort()).toEqual(['Album', 'Camera', 'Location', 'PhoneNumber', 'UserInfo']);
    expect(declared.privacy_list).toEqual([]);
    expect((await control('/__sim/privacy-declared', { appid: mp })).error).toMatch(/declared must be true or false/);
    expect((await control('/__sim/privacy-declared', { appid: oa, declared: true })).error).toMatch(/not a known mini program/);
  });

  it('fault injection applies to the family', async () => {
    sim.setFaults({ rules: [{ path: '/wxa/bind_tester', errcode: 85002 }] });
    expect((await as(mp, '/wxa/bind_tester', { wechatid: 'tester_one' })).errcode).toBe(85002);
    sim.setFaults({ rules: [] });
  });
});
