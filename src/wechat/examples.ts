/**
 * An example request per endpoint, for the API workbench to start from: WeChat's own field names, values that pass
 * the spec's `check` (test/wechat/examples.test.ts checks every spec), appids from the context. A spec may carry its
 * own `example`; these are for the specs written before that field. The values are samples, not facts about any
 * account: an openid or template id here will be refused by WeChat until replaced by a real one.
 */
import * as component from './endpoints/component';
import * as mpAudit from './endpoints/mp-audit';
import * as mpCode from './endpoints/mp-code';
import * as mpRegister from './endpoints/mp-register';
import * as mpRelease from './endpoints/mp-release';
import * as mpTemplate from './endpoints/mp-template';
import * as oaCustomService from './endpoints/oa-custom-service';
import * as oaMenu from './endpoints/oa-menu';
import * as oaTemplate from './endpoints/oa-template';
import * as quota from './endpoints/quota';
import type { EndpointSpec, ExampleContext, RequestOf } from './spec';

type Example<S> = (ctx: ExampleContext) => RequestOf<S>;

const EXAMPLES = new Map<EndpointSpec, (ctx: ExampleContext) => unknown>();
/** Registers an example typed by the spec's request. */
function example<S extends EndpointSpec<any, any>>(spec: S, make: Example<S>): void {
  EXAMPLES.set(spec as EndpointSpec, make);
}

const SAMPLE_APPID = 'wx0000000000000000';
const authorizer = (c: ExampleContext) => c.authorizerAppid ?? SAMPLE_APPID;
const OPENID = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
const noBody = () => ({}) as Record<string, never>;

// component (platform token)
example(component.apiCreatePreAuthCode, (c) => ({ component_appid: c.componentAppid }));
example(component.apiQueryAuth, (c) => ({ component_appid: c.componentAppid, authorization_code: 'queryauthcode@@@the-code-from-the-redirect' }));
example(component.apiGetAuthorizerInfo, (c) => ({ component_appid: c.componentAppid, authorizer_appid: authorizer(c) }));
example(component.apiGetAuthorizerList, (c) => ({ component_appid: c.componentAppid, offset: 0, count: 100 }));
example(component.apiGetAuthorizerOption, (c) => ({ component_appid: c.componentAppid, authorizer_appid: authorizer(c), option_name: 'voice_recognize' }));
example(component.apiSetAuthorizerOption, (c) => ({ component_appid: c.componentAppid, authorizer_appid: authorizer(c), option_name: 'voice_recognize', option_value: '1' }));
example(component.getAuthorizerOption, () => ({ option_name: 'voice_recognize' }));
example(component.setAuthorizerOption, () => ({ option_name: 'voice_recognize', option_value: '1' }));
// Secrets and refresh tokens are never typed into the workbench; these examples exist for completeness.
example(component.apiComponentToken, (c) => ({ component_appid: c.componentAppid, component_appsecret: 'APPSECRET', component_verify_ticket: 'TICKET' }));
example(component.apiStartPushTicket, (c) => ({ component_appid: c.componentAppid, component_secret: 'APPSECRET' }));
example(component.apiAuthorizerToken, (c) => ({ component_appid: c.componentAppid, authorizer_appid: authorizer(c), authorizer_refresh_token: 'REFRESH_TOKEN' }));

// quota (either token: the account called as)
example(quota.clearQuota, (c) => ({ appid: c.authorizerAppid ?? c.componentAppid }));
example(quota.clearQuotaV2, (c) => ({ component_appid: c.componentAppid, appsecret: 'APPSECRET', ...(c.authorizerAppid ? { appid: c.authorizerAppid } : {}) }));
example(quota.getApiQuota, () => ({ cgi_path: '/cgi-bin/message/custom/send' }));
example(quota.clearApiQuota, () => ({ cgi_path: '/cgi-bin/message/custom/send' }));
example(quota.getRid, () => ({ rid: '6512a3b4-2c1d5e6f-7a8b9c0d' }));

// official-account menus
example(oaMenu.createMenu, () => ({
  button: [
    { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC' },
    { name: '菜单', sub_button: [{ type: 'view', name: '搜索', url: 'https://www.soso.com/' }] },
  ],
}));
example(oaMenu.getMenu, noBody);
example(oaMenu.deleteMenu, noBody);
example(oaMenu.getCurrentSelfMenuInfo, noBody);
example(oaMenu.addConditionalMenu, () => ({
  button: [{ type: 'click', name: '安卓专属', key: 'ANDROID_ONLY' }],
  matchrule: { client_platform_type: '2' },
}));
example(oaMenu.deleteConditionalMenu, () => ({ menuid: '208379533' }));
example(oaMenu.tryMatchMenu, () => ({ user_id: OPENID }));

// template messages
example(oaTemplate.setIndustry, () => ({ industry_id1: '1', industry_id2: '4' }));
example(oaTemplate.getIndustry, noBody);
example(oaTemplate.addTemplate, () => ({ template_id_short: 'TM00015' }));
example(oaTemplate.getAllPrivateTemplates, noBody);
example(oaTemplate.deletePrivateTemplate, () => ({ template_id: 'Dyvp3-Ff0cnail_CDSzk1fIc6-9lOkxsQE7exTJbwUE' }));
example(oaTemplate.sendTemplateMessage, () => ({
  touser: OPENID,
  template_id: 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY',
  url: 'https://weixin.qq.com/download',
  data: { first: { value: '恭喜你购买成功！', color: '#173177' }, keyword1: { value: '巧克力' }, remark: { value: '欢迎再次购买！' } },
}));

// customer-service messages
example(oaCustomService.sendCustomMessage, () => ({ touser: OPENID, msgtype: 'text' as const, text: { content: 'Hello World' } }));

// mini programs
example(mpRegister.fastRegisterCreate, () => ({
  name: '深圳市某某科技有限公司',
  code: '91440300MA5XXXXXXX',
  code_type: 1 as const,
  legal_persona_wechat: 'legal_wechat_id',
  legal_persona_name: '张三',
  component_phone: '13800000000',
}));
example(mpRegister.fastRegisterSearch, () => ({ name: '深圳市某某科技有限公司', legal_persona_wechat: 'legal_wechat_id', legal_persona_name: '张三' }));
example(mpTemplate.getTemplateList, () => ({ template_type: 0 }));
example(mpCode.commitCode, (c) => ({
  template_id: 0,
  ext_json: JSON.stringify({ extAppid: authorizer(c), ext: { name: 'demo' } }),
  user_version: 'V1.0',
  user_desc: 'first release',
}));
example(mpCode.getTrialQrcode, () => ({ path: 'pages/index/index?from=workbench' }));
example(mpAudit.submitAudit, () => ({
  item_list: [{ address: 'pages/index/index', tag: '工具', first_class: '工具', second_class: '效率', first_id: 287, second_id: 612, title: '首页' }],
  version_desc: 'first release',
}));
example(mpAudit.getAuditStatus, () => ({ auditid: 1234567 }));
example(mpAudit.getLatestAuditStatus, noBody);
example(mpRelease.release, noBody);

/**
 * The example request of `spec`: its own, one listed here, or, for a spec without either, `{}` marked `derived` (the
 * workbench then says to fill the fields in from the reference). Upload specs have none: their file is not JSON.
 */
export function exampleFor(spec: EndpointSpec, ctx: ExampleContext): { body: unknown; derived: boolean } {
  const make = spec.example ? (c: ExampleContext) => spec.example!(c) : EXAMPLES.get(spec);
  if (make) return { body: make(ctx), derived: false };
  return { body: {}, derived: spec.request !== 'none' };
}
