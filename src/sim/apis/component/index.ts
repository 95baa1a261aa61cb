/** Family "component" (reference §3): the platform's token, pre-auth codes, code exchange, authorizer tokens, options. */
import { randomBytes } from 'node:crypto';
import * as spec from '../../../wechat/endpoints/component';
import type { AccountProfile } from '../../accounts';
import { ApiError } from '../../kernel/errors';
import type { SimKernel } from '../../kernel/kernel';
import { need, ok, route, str, type Route } from '../../kernel/routes';
import { TICKET_LIFE_S, TOKEN_LIFE_S } from '../../kernel/state';
import type { SimFamily } from '../family';

const PRE_AUTH_LIFE_S = 600;
const OPTION_VALUES: Record<string, string[]> = { location_report: ['0', '1', '2'], voice_recognize: ['0', '1'], customer_service: ['0', '1'] };

export class ComponentApis implements SimFamily {
  private readonly options = new Map<string, Record<string, string>>();

  constructor(private readonly k: SimKernel) {}

  reset(): void {
    this.options.clear();
  }

  routes(): Route[] {
    const { k } = this;
    const s = k.state;
    return [
      route(spec.apiComponentToken, ({ body }) => this.componentToken(body)),
      route(
        spec.apiStartPushTicket,
        ({ body }) => {
          s.checkComponent(need(body, 'component_appid'));
          if (need(body, 'component_secret') !== k.config.componentSecret) throw new ApiError(40125);
          k.pushes.track(k.pushes.ticket());
          return ok();
        },
        { ipCheck: false },
      ),
      route(spec.apiCreatePreAuthCode, ({ body }) => {
        s.checkComponent(need(body, 'component_appid'));
        const code = `preauthcode@@@${randomBytes(30).toString('base64url')}`;
        s.preAuthCodes.set(code, { expiresAt: k.clock.now() + PRE_AUTH_LIFE_S * 1000, used: false });
        return { pre_auth_code: code, expires_in: PRE_AUTH_LIFE_S };
      }),
      route(spec.apiQueryAuth, ({ body }) => this.queryAuth(body)),
      route(spec.apiAuthorizerToken, ({ body }) => this.authorizerToken(body)),
      route(spec.apiGetAuthorizerInfo, ({ body }) => {
        s.checkComponent(need(body, 'component_appid'));
        const appid = need(body, 'authorizer_appid');
        const auth = s.requireAuthorized(appid);
        return { authorizer_info: authorizerInfo(s.profile(appid)!), authorization_info: { authorizer_appid: appid, authorizer_refresh_token: s.rt(auth), func_info: funcInfo(auth.funcIds) } };
      }),
      route(spec.apiGetAuthorizerList, ({ body }) => {
        s.checkComponent(need(body, 'component_appid'));
        const offset = body.offset === undefined ? 0 : Number(body.offset);
        const count = body.count === undefined ? 500 : Number(body.count);
        if (!Number.isInteger(offset) || offset < 0) throw new ApiError(47001, 'data format error: offset must be an integer ≥ 0');
        if (!Number.isInteger(count) || count < 1 || count > 500) throw new ApiError(47001, 'data format error: count must be an integer 1..500');
        const list = s.authorizedOrder.slice(offset, offset + count).map((appid) => {
          const a = s.authorizations.get(appid)!;
          return { authorizer_appid: appid, refresh_token: s.rt(a), auth_time: a.authTime };
        });
        return { total_count: s.authorizedOrder.length, list };
      }),
      route(spec.apiGetAuthorizerOption, ({ body }) => {
        s.checkComponent(need(body, 'component_appid'));
        const appid = need(body, 'authorizer_appid');
        s.requireAuthorized(appid);
        const name = optionName(body);
        return { authorizer_appid: appid, option_name: name, option_value: this.optionsOf(appid)[name] };
      }),
      route(spec.apiSetAuthorizerOption, ({ body }) => {
        s.checkComponent(need(body, 'component_appid'));
        const appid = need(body, 'authorizer_appid');
        s.requireAuthorized(appid);
        this.setOption(appid, body);
        return ok();
      }),
      route(spec.getAuthorizerOption, ({ body, principal }) => {
        const name = optionName(body);
        return ok({ option_name: name, option_value: this.optionsOf(principal.appid)[name] });
      }),
      route(spec.setAuthorizerOption, ({ body, principal }) => {
        this.setOption(principal.appid, body);
        return ok();
      }),
    ];
  }

  private componentToken(body: Record<string, unknown>): Record<string, unknown> {
    const { k } = this;
    const appid = need(body, 'component_appid');
    const secret = need(body, 'component_appsecret');
    k.state.checkComponent(appid);
    if (secret !== k.config.componentSecret) throw new ApiError(40125);
    const value = str(body, 'component_verify_ticket');
    if (!value) throw new ApiError(61006, 'component ticket is invalid: component_verify_ticket missing');
    const ticket = k.state.tickets.find((t) => t.value === value);
    if (!ticket) throw new ApiError(61006);
    if (k.clock.now() - ticket.issuedAt >= TICKET_LIFE_S * 1000) throw new ApiError(61005);
    return { component_access_token: k.state.issueComponentToken(), expires_in: TOKEN_LIFE_S };
  }

  private queryAuth(body: Record<string, unknown>): Record<string, unknown> {
    const s = this.k.state;
    s.checkComponent(need(body, 'component_appid'));
    const code = need(body, 'authorization_code');
    const rec = s.authCodes.get(code);
    if (!rec) throw new ApiError(40029, 'invalid code: unknown authorization_code');
    if (rec.used) throw new ApiError(40029, 'invalid code: this authorization_code has already been used');
    if (rec.expiresAt <= this.k.clock.now()) throw new ApiError(40029, 'invalid code: this authorization_code has expired');
    rec.used = true;
    const auth = s.requireAuthorized(rec.appid);
    const tok = s.issueAuthorizerToken(rec.appid, 'query_auth', code);
    return {
      authorization_info: {
        authorizer_appid: rec.appid,
        authorizer_access_token: tok.token,
        expires_in: TOKEN_LIFE_S,
        authorizer_refresh_token: s.rt(auth),
        func_info: funcInfo(auth.funcIds),
      },
    };
  }

  private authorizerToken(body: Record<string, unknown>): Record<string, unknown> {
    const { k } = this;
    const s = k.state;
    s.checkComponent(need(body, 'component_appid'));
    const appid = need(body, 'authorizer_appid');
    const refresh = need(body, 'authorizer_refresh_token');
    const auth = s.authorizations.get(appid);
    if (!auth || s.rt(auth) !== refresh) throw new ApiError(61023);
    if (k.settings.rotateRefreshTokens) auth.refreshToken = s.refreshTokenFor(appid, auth.generation + 1000 * ++k.counter);
    const tok = s.issueAuthorizerToken(appid, 'refresh', null);
    return { authorizer_access_token: tok.token, expires_in: TOKEN_LIFE_S, authorizer_refresh_token: s.rt(auth) };
  }

  private optionsOf(appid: string): Record<string, string> {
    let o = this.options.get(appid);
    if (!o) this.options.set(appid, (o = { location_report: '0', voice_recognize: '0', customer_service: '0' }));
    return o;
  }

  private setOption(appid: string, body: Record<string, unknown>): void {
    const name = optionName(body);
    const value = need(body, 'option_value');
    if (!OPTION_VALUES[name]!.includes(value)) throw new ApiError(40097, `invalid args: ${name} takes ${OPTION_VALUES[name]!.join(', ')}`);
    this.optionsOf(appid)[name] = value;
  }
}

function optionName(body: Record<string, unknown>): string {
  const name = need(body, 'option_name');
  if (!(name in OPTION_VALUES)) throw new ApiError(40097, `invalid args: option_name must be one of ${Object.keys(OPTION_VALUES).join(', ')}`);
  return name;
}

function funcInfo(ids: number[]) {
  return ids.map((id) => (id === 18 || id === 19 ? { funcscope_category: { id }, confirm_info: { need_confirm: 0, already_confirm: 0, can_confirm: 0 } } : { funcscope_category: { id } }));
}

function authorizerInfo(p: AccountProfile): Record<string, unknown> {
  const info: Record<string, unknown> = {
    nick_name: p.nickName,
    head_img: p.headImg,
    service_type_info: { id: p.serviceType },
    verify_type_info: { id: p.verifyType },
    user_name: p.userName,
    principal_name: p.principalName,
    alias: p.alias,
    qrcode_url: p.qrcodeUrl,
    business_info: { open_store: 0, open_scan: 0, open_pay: p.verifyType === 0 ? 1 : 0, open_card: 0, open_shake: 0 },
    account_status: 1,
    idc: 1,
    signature: p.signature,
    basic_config: { is_phone_configured: true, is_email_configured: true },
  };
  if (p.kind === 'mp') {
    info.register_type = 0;
    info.MiniProgramInfo = {
      network: {
        RequestDomain: ['https://api.example.com'],
        WsRequestDomain: ['wss://ws.example.com'],
        UploadDomain: ['https://upload.example.com'],
        DownloadDomain: ['https://cdn.example.com'],
        BizDomain: [],
        UDPDomain: [],
      },
      categories: [{ first: '工具', second: '效率' }],
      visit_status: 0,
    };
  }
  return info;
}
