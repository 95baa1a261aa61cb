import { describe, expect, it } from 'vitest';
import { API_METHODS, type ApiArgs, type ApiMethod } from '../../src/shared/contract';
import { argSchemas } from '../../src/main/ipc/schemas';

/** One realistic, valid argument object per method; the type makes sure no method is forgotten. */
const VALID: { [M in ApiMethod]: ApiArgs<M> } = {
  'app/info': {},
  'settings/get': {},
  'settings/set': { allowInsecureSecretStorage: true, language: 'zh-CN', timeZone: 'Europe/Berlin' },
  'shell/openExternal': { url: 'https://mp.weixin.qq.com/' },
  'platform/list': {},
  'platform/get': { componentAppid: 'wx0123456789abcdef' },
  'platform/save': {
    componentAppid: 'wx0123456789abcdef',
    name: '我的第三方平台',
    relayUrl: 'https://relay.example.com',
    egress: 'relay',
    appSecret: '0123456789abcdef0123456789abcdef',
    token: 'MessageCheckToken',
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    deskKey: 'f'.repeat(64),
  },
  'platform/select': { componentAppid: 'wx0123456789abcdef' },
  'platform/delete': { componentAppid: 'wx0123456789abcdef' },
  'dashboard/get': {},
  'relay/refusals': {},
  'events/list': { kind: 'authorizer', msgType: 'text', search: '你好', failedOnly: true, beforeId: 10, limit: 50, from: 0, to: Date.now() },
  'events/get': { id: 1 },
  'events/rerun': { id: 1 },
  'authorizers/list': { kind: 'MP', status: 'active', funcId: 18, search: '旅行', sort: 'nickName', dir: 'asc', offset: 0, limit: 1000 },
  'authorizers/get': { appid: 'wx570bc396a51b8ff8' },
  'authorizers/sync': {},
  'authorizers/export': { format: 'csv', kind: 'OA' },
  'authorizers/getOption': { appid: 'wx570bc396a51b8ff8', optionName: 'location_report' },
  'authorizers/setOption': { appid: 'wx570bc396a51b8ff8', optionName: 'location_report', optionValue: '2' },
  'authorizers/checkRefreshToken': { appid: 'wx570bc396a51b8ff8' },
  'authorizers/names': { appids: ['wx570bc396a51b8ff8'] },
  'auth/createLink': { authType: 3, bizAppid: 'wx570bc396a51b8ff8', categoryIds: '1|2' },
  'auth/listLinks': { limit: 20 },
  'apilog/list': { path: '/cgi-bin/component/api_query_auth', errcode: 40001, errorsOnly: true, limit: 500 },
  'apilog/get': { id: 1 },
  'errcode/explain': { errcode: -1 },
  'setup/test': {
    check: 'decrypt',
    sample: { timestamp: '1409304348', nonce: 'xxxxxx', msgSignature: 'a'.repeat(40), body: '<xml><Encrypt>x</Encrypt></xml>' },
  },
  'setup/backup': {},
  'batch/create': {
    kind: 'oa.menu.apply',
    title: '春节菜单',
    params: { menu: { button: [{ type: 'click', name: '今日', key: 'today' }] } },
    target: { by: 'filter', kind: 'OA', status: 'active' },
    concurrency: 4,
    ratePerSecond: 20,
  },
  'batch/list': { limit: 20 },
  'batch/get': { id: 1 },
  'batch/items': { id: 1, state: 'failed', afterSeq: 0, limit: 200 },
  'batch/start': { id: 1 },
  'batch/pause': { id: 1 },
  'batch/cancel': { id: 1 },
  'batch/retryFailed': { id: 1 },
  'batch/export': { id: 1, format: 'xlsx', headerStyle: 'zh-CN', timeZone: 'Asia/Shanghai' },
  'batch/codeTemplates': {},
  'batch/releaseFollowUp': { id: 1, action: 'release', title: '发布已通过的账号' },
  'oa/getMenu': { appid: 'wx570bc396a51b8ff8' },
  'oa/publishMenu': { appid: 'wx570bc396a51b8ff8', menu: { button: [{ type: 'view', name: '官网', url: 'https://example.com/' }] } },
  'oa/deleteMenu': { appid: 'wx570bc396a51b8ff8' },
  'oa/menuHistory': { appid: 'wx570bc396a51b8ff8', limit: 10 },
  'oa/addConditionalMenu': { appid: 'wx570bc396a51b8ff8', menu: { button: [{ type: 'click', name: '安卓', key: 'a' }] }, matchrule: { client_platform_type: '2' } },
  'oa/deleteConditionalMenu': { appid: 'wx570bc396a51b8ff8', menuid: '208379533' },
  'oa/tryMatchMenu': { appid: 'wx570bc396a51b8ff8', userId: 'oUser0123456789' },
  'oa/linkedMiniPrograms': { appid: 'wx570bc396a51b8ff8' },
  'workbench/endpoints': { appid: 'wx570bc396a51b8ff8' },
  'workbench/send': { name: 'menu/get', appid: 'wx570bc396a51b8ff8', body: '{}' },
  'workbench/getQuota': { appid: null, cgiPath: '/cgi-bin/menu/create' },
  'workbench/clearQuota': { appid: 'wx570bc396a51b8ff8' },
  'templates/industry': { appid: 'wx570bc396a51b8ff8' },
  'templates/setIndustry': { appid: 'wx570bc396a51b8ff8', industryId1: '1', industryId2: '4' },
  'templates/list': { appid: 'wx570bc396a51b8ff8' },
  'templates/add': { appid: 'wx570bc396a51b8ff8', shortId: 'OPENTM207498902' },
  'templates/remove': { appid: 'wx570bc396a51b8ff8', templateId: 'Dyvp3-Ff0cnail_CDSzk1fIc6-9lOkxsQE7exTJbwUE' },
  'templates/sendTest': {
    appid: 'wx570bc396a51b8ff8',
    templateId: 'Dyvp3-Ff0cnail_CDSzk1fIc6-9lOkxsQE7exTJbwUE',
    touser: 'oUser0123456789abcdefghij',
    url: 'https://example.com/o/1',
    miniprogram: { appid: 'wx286b93c14bbf93aa', pagepath: 'pages/index/index' },
    data: { first: { value: '您好', color: '#173177' } },
  },
  'templates/sends': { appid: 'wx570bc396a51b8ff8', limit: 20 },
  'messages/recipients': { appid: 'wx570bc396a51b8ff8', search: 'oUser', limit: 50 },
  'messages/upload': { appid: 'wx570bc396a51b8ff8', type: 'image', filename: 'a.png', dataBase64: 'iVBORw0KGgo=' },
  'messages/send': { appid: 'wx570bc396a51b8ff8', message: { touser: 'oUser0123456789', msgtype: 'text', text: { content: '您好' } } },
  'mpregister/list': {},
  'mpregister/createEnterprise': { name: '深圳市某某科技有限公司', code: '91440300MA5F000001', codeType: 1, legalPersonaWechat: 'fa_ren_wx', legalPersonaName: '王五' },
  'mpregister/createPersonal': { idname: '张三', wxuser: 'zhangsan_wx' },
  'mpregister/createBeta': { name: '试用小程序', openid: 'oTrialUser0000001' },
  'mpregister/createViaOa': { oaAppid: 'wx570bc396a51b8ff8', copyWxVerify: true },
  'mpregister/submitTicket': { id: 1, ticket: 'ticket0123' },
  'mpregister/refresh': { id: 1 },
  'mpregister/verifyBeta': { id: 1, enterpriseName: '深圳市某某科技有限公司', code: '91440300MA5F000001', codeType: 1, legalPersonaWechat: 'fa_ren_wx', legalPersonaName: '王五' },
  'mp/info': { appid: 'wx570bc396a51b8ff9' },
  'mp/checkNickname': { appid: 'wx570bc396a51b8ff9', nickname: '示例好店' },
  'mp/setNickname': { appid: 'wx570bc396a51b8ff9', nickname: '官方好店', license: 'media-id', others: ['media-2'] },
  'mp/nicknameAudit': { appid: 'wx570bc396a51b8ff9', auditId: 8000001 },
  'mp/upload': { appid: 'wx570bc396a51b8ff9', kind: 'image', filename: 'licence.png', dataBase64: 'iVBORw0KGgo=' },
  'mp/setAvatar': { appid: 'wx570bc396a51b8ff9', filename: 'logo.png', dataBase64: 'iVBORw0KGgo=', crop: { x1: 0, y1: 0, x2: 1, y2: 1 } },
  'mp/setSignature': { appid: 'wx570bc396a51b8ff9', signature: '为门店顾客提供线上点单' },
  'mp/categories': { appid: 'wx570bc396a51b8ff9' },
  'mp/addCategories': { appid: 'wx570bc396a51b8ff9', categories: [{ first: 304, second: 305, certicates: [{ key: '医疗机构执业许可证', value: 'media-id' }] }] },
  'mp/modifyCategory': { appid: 'wx570bc396a51b8ff9', first: 304, second: 305, certicates: [{ key: '医疗机构执业许可证', value: 'media-id' }] },
  'mp/deleteCategory': { appid: 'wx570bc396a51b8ff9', first: 304, second: 305 },
  'mp/domains': { appid: 'wx570bc396a51b8ff9' },
  'mp/setServerDomains': { appid: 'wx570bc396a51b8ff9', server: { requestdomain: ['https://api.example.com'], wsrequestdomain: [], uploaddomain: [], downloaddomain: [], udpdomain: [], tcpdomain: [] } },
  'mp/setWebviewDomains': { appid: 'wx570bc396a51b8ff9', webview: ['https://h5.example.com'] },
  'mp/webviewConfirmFile': { appid: 'wx570bc396a51b8ff9' },
  'mp/testers': { appid: 'wx570bc396a51b8ff9' },
  'mp/bindTester': { appid: 'wx570bc396a51b8ff9', wechatId: 'tester_alpha' },
  'mp/unbindTester': { appid: 'wx570bc396a51b8ff9', userstr: 'abc123' },
  'mp/privacy': { appid: 'wx570bc396a51b8ff9', version: 2 },
  'mp/setPrivacy': { appid: 'wx570bc396a51b8ff9', version: 2, owner: { contact_email: 'p@example.com', notice_method: '弹窗' }, settings: [{ privacy_key: 'UserInfo', privacy_text: '展示头像' }] },
  'mp/visitStatus': { appid: 'wx570bc396a51b8ff9' },
  'mp/setVisitStatus': { appid: 'wx570bc396a51b8ff9', open: false },
  'mp/linkedOfficialAccounts': { appid: 'wx570bc396a51b8ff9' },
  'mpcode/drafts': {},
  'mpcode/addToTemplates': { draftId: 11, templateType: 1 },
  'mpcode/templates': {},
  'mpcode/deleteTemplate': { templateId: 3 },
  'mpcode/versions': { appid: 'wx286b93c14bbf93aa' },
  'mpcode/commit': { appid: 'wx286b93c14bbf93aa', templateId: 2, userVersion: '1.0.3', userDesc: '修复支付', ext: '{"extAppid":"wx286b93c14bbf93aa","ext":{"shop":"demo"}}' },
  'mpcode/pages': { appid: 'wx286b93c14bbf93aa' },
  'mpcode/trialQr': { appid: 'wx286b93c14bbf93aa', path: 'pages/index/index?from=console' },
  'mpcode/submitOptions': { appid: 'wx286b93c14bbf93aa' },
  'mpcode/submit': {
    appid: 'wx286b93c14bbf93aa',
    items: [{ address: 'pages/index/index', title: '首页', tag: '工具 效率', category: 0 }],
    versionDesc: '首发',
    previewInfo: { picIds: ['mediaid1'] },
    privacyApiNotUse: false,
  },
  'mpcode/audits': { appid: 'wx286b93c14bbf93aa', limit: 20 },
  'mpcode/refreshAudit': { appid: 'wx286b93c14bbf93aa', auditid: 1234567 },
  'mpcode/undo': { appid: 'wx286b93c14bbf93aa' },
  'mpcode/speedUp': { appid: 'wx286b93c14bbf93aa' },
  'mpcode/release': { appid: 'wx286b93c14bbf93aa' },
  'mpcode/historyVersions': { appid: 'wx286b93c14bbf93aa' },
  'mpcode/rollback': { appid: 'wx286b93c14bbf93aa', appVersion: 2 },
  'mpcode/gray': { appid: 'wx286b93c14bbf93aa', percentage: 10, debuggerFirst: true, experiencerFirst: true },
  'mpcode/revertGray': { appid: 'wx286b93c14bbf93aa' },
  'mpcode/quota': { appid: 'wx286b93c14bbf93aa' },
};

describe('argument schemas', () => {
  it('accept a realistic call of every method', () => {
    for (const method of API_METHODS) {
      const parsed = argSchemas[method].safeParse(VALID[method]);
      expect(parsed.success, `${method}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
    }
  });

  it('refuse a time zone Intl does not know, in English and Chinese', () => {
    const schema = argSchemas['settings/set'];
    expect(schema.safeParse({ timeZone: null }).success).toBe(true);
    const bad = schema.safeParse({ timeZone: 'Mars/Olympus' });
    expect(bad.success).toBe(false);
    expect(bad.error?.message).toContain('unknown time zone');
    expect(bad.error?.message).toContain('未知时区');
  });

  it('clear secrets with null but refuse empty strings', () => {
    const schema = argSchemas['platform/save'];
    expect(schema.safeParse({ componentAppid: 'wx0123456789abcdef', name: 'x', appSecret: null, deskKey: null }).success).toBe(true);
    expect(schema.safeParse({ componentAppid: 'wx0123456789abcdef', name: 'x', appSecret: '' }).success).toBe(false);
    expect(schema.safeParse({ componentAppid: 'wx0123456789abcdef', name: '   ' }).success).toBe(false);
    expect(schema.safeParse({ componentAppid: 'wx0123456789abcdef', name: 'x', relayUrl: 'ftp://relay' }).success).toBe(false);
    // The desk key travels with every request to the relay: plain http/ws only to this computer.
    const plain = schema.safeParse({ componentAppid: 'wx0123456789abcdef', name: 'x', relayUrl: 'http://relay.example.com' });
    expect(plain.success).toBe(false);
    expect(JSON.stringify(plain.error?.issues)).toContain('须使用 https:// 或 wss://');
    expect(schema.safeParse({ componentAppid: 'wx0123456789abcdef', name: 'x', relayUrl: 'ws://relay.example.com' }).success).toBe(false);
    expect(schema.safeParse({ componentAppid: 'wx0123456789abcdef', name: 'x', relayUrl: 'http://127.0.0.1:8787' }).success).toBe(true);
  });
});
