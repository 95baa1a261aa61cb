/**
 * The authorization pages at WeChat's paths (reference §4): the PC page (/cgi-bin/componentloginpage) and the mobile
 * link (/safe/bindcomponent), the approval they post, and placeholder images at the CDN paths.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashHex, type AccountKind, type AccountProfile } from '../accounts';
import { readBody, sendHtml } from '../kernel/http';
import type { SimKernel } from '../kernel/kernel';
import { renderAuthPage, renderErrorPage, type AuthPageAccount, type AuthPageParams } from './render';

const AUTH_CODE_REDIRECT_S = 600;
export const AUTH_PAGE_PATHS = new Set(['/cgi-bin/componentloginpage', '/safe/bindcomponent', '/wxaopen/safe/bindcomponent']);
export const APPROVE_PATH = '/cgi-bin/componentloginpage/approve';

export class AuthPages {
  constructor(private readonly k: SimKernel) {}

  /** Serve one page request; false when the path is not a page's. */
  async handle(req: IncomingMessage, res: ServerResponse, method: string, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (method === 'GET' && (path.startsWith('/mmopen/') || path.startsWith('/mmbiz_jpg/'))) {
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }).end(placeholderImage(path));
      return true;
    }
    if (AUTH_PAGE_PATHS.has(path)) {
      if (method !== 'GET') sendHtml(res, 405, renderErrorPage('请使用 GET 打开授权页。', 'Open the authorization page with GET.'));
      else this.authPage(res, url.searchParams);
      return true;
    }
    if (path === APPROVE_PATH) {
      if (method !== 'POST') sendHtml(res, 405, renderErrorPage('请通过授权页的按钮提交。', 'Submit with the button on the authorization page.'));
      else await this.approve(req, res);
      return true;
    }
    return false;
  }

  private pageParams(q: URLSearchParams): AuthPageParams {
    return {
      component_appid: q.get('component_appid') ?? '',
      pre_auth_code: q.get('pre_auth_code') ?? '',
      redirect_uri: q.get('redirect_uri') ?? '',
      auth_type: q.get('auth_type') ?? '',
      biz_appid: q.get('biz_appid') ?? '',
      category_id_list: q.get('category_id_list') ?? '',
    };
  }

  /** Check the page parameters; returns an error page's text pair, or null when they are fine. */
  private pageProblem(p: AuthPageParams): [string, string] | null {
    const s = this.k.state;
    if (!p.component_appid) return ['缺少 component_appid 参数。', 'component_appid is missing.'];
    if (p.component_appid !== this.k.config.componentAppid) return ['component_appid 不正确。', `component_appid ${p.component_appid} is not this platform.`];
    if (!p.redirect_uri || !/^https?:\/\//i.test(p.redirect_uri)) return ['redirect_uri 缺失或不是 http(s) 地址。', 'redirect_uri is missing or not an http(s) URL.'];
    if (!p.pre_auth_code) return ['缺少 pre_auth_code 参数。', 'pre_auth_code is missing.'];
    const code = s.preAuthCodes.get(p.pre_auth_code);
    if (!code) return ['预授权码无效，请重新发起授权。', 'The pre_auth_code is invalid: start the authorization again.'];
    if (code.used) return ['预授权码已被使用，请重新发起授权。', 'The pre_auth_code has already been used: start the authorization again.'];
    if (code.expiresAt <= this.k.clock.now()) return ['预授权码已过期，请重新发起授权。', 'The pre_auth_code has expired (10 minutes): start the authorization again.'];
    if (p.auth_type && !/^[1-6]$/.test(p.auth_type)) return ['auth_type 参数不正确。', `auth_type ${p.auth_type} is not one of 1..6.`];
    if (p.category_id_list && !/^\d+(\|\d+)*$/.test(p.category_id_list)) return ['category_id_list 格式不正确。', 'category_id_list must be ids separated by "|".'];
    if (p.biz_appid && !s.profile(p.biz_appid)) return ['biz_appid 对应的账号不存在。', `No account ${p.biz_appid} exists.`];
    return null;
  }

  private pageAccounts(p: AuthPageParams): AuthPageAccount[] {
    const s = this.k.state;
    const entry = (profile: AccountProfile): AuthPageAccount => ({ profile, alreadyAuthorized: s.isAuthorized(profile.appid) });
    if (p.biz_appid) return [entry(s.profile(p.biz_appid)!)]; // biz_appid wins over auth_type
    const kinds: AccountKind[] = p.auth_type === '1' ? ['oa'] : p.auth_type === '2' ? ['mp'] : ['oa', 'mp'];
    const list = s.candidateProfiles();
    // A few already-authorized accounts too, so the update-authorization path can be clicked.
    for (let i = 0; i < Math.min(2, s.authorizedOrder.length); i++) {
      const prof = s.profile(s.authorizedOrder[i]!);
      if (prof && !list.some((x) => x.appid === prof.appid)) list.push(prof);
    }
    return list.filter((x) => kinds.includes(x.kind)).map(entry);
  }

  private authPage(res: ServerResponse, q: URLSearchParams): void {
    const params = this.pageParams(q);
    const problem = this.pageProblem(params);
    if (problem) return sendHtml(res, 400, renderErrorPage(...problem));
    sendHtml(res, 200, renderAuthPage({ platformName: this.k.config.componentAppid, params, accounts: this.pageAccounts(params), approvePath: APPROVE_PATH }));
  }

  private async approve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req, 64 * 1024));
    const params = this.pageParams(form);
    const problem = this.pageProblem(params);
    if (problem) return sendHtml(res, 400, renderErrorPage(...problem));
    const appid = form.get('appid') ?? form.get('approve') ?? '';
    if (!this.pageAccounts(params).some((a) => a.profile.appid === appid)) {
      return sendHtml(res, 400, renderErrorPage('该账号不能在此授权。', `Account ${appid} is not offered for these parameters.`));
    }
    const profile = this.k.state.profile(appid)!;
    let funcIds = profile.funcIds;
    if (params.category_id_list) {
      const wanted = new Set(params.category_id_list.split('|').map(Number));
      funcIds = funcIds.filter((id) => wanted.has(id));
      if (funcIds.length === 0) return sendHtml(res, 400, renderErrorPage('category_id_list 中没有该账号可授权的权限集。', 'category_id_list names none of the permission sets this account can grant.'));
    }
    this.k.state.preAuthCodes.get(params.pre_auth_code)!.used = true;
    const result = this.k.authorize(appid, { funcIds, preAuthCode: params.pre_auth_code });
    const target = params.redirect_uri + (params.redirect_uri.includes('?') ? '&' : '?') + `auth_code=${encodeURIComponent(result.authCode)}&expires_in=${AUTH_CODE_REDIRECT_S}`;
    res.writeHead(302, { location: target, 'content-type': 'text/html; charset=utf-8' }).end(`<a href="${target.replace(/"/g, '&quot;')}">continue</a>`);
  }
}

/** A coloured square standing in for an avatar or QR code; the colour comes from the path so it is stable. */
function placeholderImage(path: string): string {
  const hue = parseInt(hashHex(path).slice(0, 4), 16) % 360;
  const qr = path.startsWith('/mmbiz_jpg/');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 8 8"><rect width="8" height="8" fill="hsl(${hue},55%,${qr ? 90 : 55}%)"/>${
    qr ? '<path d="M1 1h2v2H1zM5 1h2v2H5zM1 5h2v2H1zM4 4h1v1H4zM6 5h1v2H6z" fill="#222"/>' : ''
  }</svg>`;
}
