/** HTML for the simulator's authorization pages (componentloginpage and the mobile bindcomponent pages). */
import { escapeHtml } from '../../node/http';
import type { AccountProfile } from '../accounts';


const STYLE = `body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:720px;margin:32px auto;padding:0 16px;color:#1a1a1a}
h1{font-size:20px}.muted{color:#777;font-size:13px}.acct{display:flex;align-items:center;gap:12px;border:1px solid #e5e5e5;border-radius:8px;padding:12px;margin:10px 0}
.acct img{width:40px;height:40px;border-radius:50%;background:#eee}.acct .who{flex:1}.acct button{background:#07c160;color:#fff;border:0;border-radius:4px;padding:8px 16px;font-size:14px;cursor:pointer}
.err{border-left:4px solid #fa5151;padding:8px 16px;background:#fff5f5}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export interface AuthPageAccount {
  profile: AccountProfile;
  alreadyAuthorized: boolean;
}

/** The hidden fields the approve form carries back (the page's own query). */
export interface AuthPageParams {
  component_appid: string;
  pre_auth_code: string;
  redirect_uri: string;
  auth_type: string;
  biz_appid: string;
  category_id_list: string;
}

export function renderAuthPage(opts: { platformName: string; params: AuthPageParams; accounts: AuthPageAccount[]; approvePath: string }): string {
  const hidden = Object.entries(opts.params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const rows = opts.accounts
    .map(({ profile: p, alreadyAuthorized }) => {
      const kind = p.kind === 'oa' ? '公众号 Official account' : '小程序 Mini program';
      const state = alreadyAuthorized ? ' · 已授权，可更新授权 (already authorized: update)' : '';
      return `<form class="acct" method="post" action="${escapeHtml(opts.approvePath)}" data-appid="${escapeHtml(p.appid)}">${hidden}
<input type="hidden" name="appid" value="${escapeHtml(p.appid)}"><img src="${escapeHtml(p.headImg)}" alt="">
<div class="who"><div><b>${escapeHtml(p.nickName)}</b></div><div class="muted">${escapeHtml(kind)} · ${escapeHtml(p.principalName)} · ${escapeHtml(p.appid)}${state}</div></div>
<button type="submit" name="approve" value="${escapeHtml(p.appid)}">授权 Approve</button></form>`;
    })
    .join('\n');
  const empty = opts.accounts.length === 0 ? '<p class="err">没有可授权的账号。No account can authorize with these parameters (auth_type / biz_appid).</p>' : '';
  return layout(
    '公众号/小程序授权 Authorization',
    `<h1>授权给第三方平台 Authorize the third-party platform</h1>
<p>第三方平台 <b>${escapeHtml(opts.platformName)}</b> 请求获得你的账号的权限。请选择要授权的账号，管理员确认后即完成授权。</p>
<p class="muted">The platform ${escapeHtml(opts.platformName)} asks for permissions on your account. Choose the account to authorize. (WeChat simulator)</p>
${empty}${rows}`,
  );
}

export function renderErrorPage(zh: string, en: string): string {
  return layout('授权失败 Authorization failed', `<h1>授权失败 Authorization failed</h1><div class="err"><p>${escapeHtml(zh)}</p><p>${escapeHtml(en)}</p></div>`);
}
