/**
 * Family "mp/register" (reference §7.1, §2.3; "OA and MP APIs" §4): registering mini programs.
 * - Enterprise: fastregisterweapp?action=create starts a task (one per enterprise name at a time, 89249 while it runs,
 *   24 h at most), ?action=search finds it (89250 when there is none); the result is the notify_third_fasteregister
 *   push, sent when a test calls POST /__sim/fastregister (which completes the task of the same name, if there is one).
 * - Personal: fastregisterpersonalweapp?action=create → taskid, authorize_url, status; ?action=query answers the same;
 *   POST /__sim/fastregister {taskid} finishes it with the same push (info{wxuser, idname}, taskid).
 * - Trial (beta): fastregisterbetaweapp → unique_id, authorize_url; POST /__sim/fastregister-beta pushes
 *   notify_third_fastregisterbetaapp and, on success, authorizes the new mini program (the authorized push).
 *   verifybetaweapp (the trial's own token) records a verification; POST /__sim/fastverify-beta pushes its result.
 * - Via an official account: the page /cgi-bin/fastregisterauth (served here, as the authorization pages are) where the
 *   account's admin confirms; it redirects to redirect_uri with ?ticket=; account/fastregister (the official account's
 *   token) takes the ticket once and answers the new, authorized mini program's appid and authorization_code.
 */
import * as spec from '../../../../wechat/endpoints/mp-register';
import type { XmlInputObject } from '../../../../wechat/xml';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '../../../../node/http';
import { hashHex, seededProfile, type AccountProfile } from '../../../accounts';
import { ApiError } from '../../../kernel/errors';
import { readBody, sendHtml } from '../../../kernel/http';
import type { SimKernel } from '../../../kernel/kernel';
import { ok, route, str, type Route } from '../../../kernel/routes';
import type { PushRecord } from '../../../pushes/delivery';
import { renderErrorPage } from '../../../pages/render';
import type { FastRegisterBetaInput, FastRegisterInput, FastVerifyBetaInput } from '../../../types';
import type { SimFamily } from '../../family';

const TASK_LIFE_MS = 24 * 3600 * 1000;
/** The code's length by code_type: 1 unified social credit code, 2 organisation code, 3 business licence number. */
const CODE_LENGTH: Record<string, number> = { '1': 18, '2': 9, '3': 15 };
/** A WeChat ID: a letter, then 5-19 letters, digits, _ or - (86004 otherwise). */
const WECHAT_ID_RE = /^[A-Za-z][-_A-Za-z0-9]{5,19}$/;
/** How long a fastregisterauth ticket can be used (the simulator's choice; WeChat does not document it). */
const TICKET_LIFE_MS = 30 * 60 * 1000;
export const FAST_REGISTER_CONFIRM_PATH = `${spec.FAST_REGISTER_AUTH_PATH}/confirm`;

/** Personal task status as the simulator answers it (WeChat does not document the values): 0 waiting, 1 done, 2 failed. */
const PERSONAL_WAITING = 0;
const PERSONAL_DONE = 1;
const PERSONAL_FAILED = 2;

interface PersonalTask {
  taskid: string;
  idname: string;
  wxuser: string;
  componentPhone: string;
  status: number;
  createdAt: number;
}
interface BetaTask {
  uniqueId: string;
  name: string;
  openid: string;
  createdAt: number;
  appid: string | null;
}
interface ViaOaTicket {
  oaAppid: string;
  copyWxVerify: boolean;
  expiresAt: number;
  used: boolean;
}

interface Task {
  name: string;
  code: string;
  codeType: number;
  legalPersonaWechat: string;
  legalPersonaName: string;
  componentPhone: string;
  createdAt: number;
}

export class RegisterApis implements SimFamily {
  private readonly tasks = new Map<string, Task>();
  private readonly personal = new Map<string, PersonalTask>();
  private readonly beta = new Map<string, BetaTask>();
  /** Trial mini programs by appid, with the verification they asked for (null: none yet). */
  private readonly betaApps = new Map<string, { uniqueId: string; name: string; verify: Record<string, unknown> | null }>();
  private readonly tickets = new Map<string, ViaOaTicket>();

  constructor(private readonly k: SimKernel) {}

  reset(): void {
    this.tasks.clear();
    this.personal.clear();
    this.beta.clear();
    this.betaApps.clear();
    this.tickets.clear();
  }

  routes(): Route[] {
    return [
      route(spec.fastRegisterCreate, ({ body }) => {
        const { name, code, legal_persona_wechat: wechat, legal_persona_name: legalName } = fields(body, ['name', 'code', 'legal_persona_wechat', 'legal_persona_name']);
        const codeType = str(body, 'code_type') ?? '';
        if (!(codeType in CODE_LENGTH)) throw new ApiError(89248, `invalid code type: code_type must be 1, 2 or 3, got "${codeType}"`);
        if (code.length !== CODE_LENGTH[codeType]) throw new ApiError(89255, `code is invalid: code_type ${codeType} takes ${CODE_LENGTH[codeType]} characters`);
        if (!WECHAT_ID_RE.test(wechat)) throw new ApiError(86004, 'invalid wechat: legal_persona_wechat is not a WeChat ID');
        if (this.running(name)) throw new ApiError(89249, 'task running: a registration for this enterprise is in progress; retry after 24 h');
        this.tasks.set(name, {
          name,
          code,
          codeType: Number(codeType),
          legalPersonaWechat: wechat,
          legalPersonaName: legalName,
          componentPhone: str(body, 'component_phone') ?? '',
          createdAt: this.k.clock.now(),
        });
        this.k.log(`fastregisterweapp: task for ${name}`);
        return ok();
      }),
      route(spec.fastRegisterSearch, ({ body }) => {
        const { name, legal_persona_wechat: wechat, legal_persona_name: legalName } = fields(body, ['name', 'legal_persona_wechat', 'legal_persona_name']);
        const task = this.running(name);
        if (!task || task.legalPersonaWechat !== wechat || task.legalPersonaName !== legalName) throw new ApiError(89250);
        return ok();
      }),
      route(spec.fastRegisterPersonalCreate, ({ body }) => {
        const { idname, wxuser } = fields(body, ['idname', 'wxuser']);
        if (!WECHAT_ID_RE.test(wxuser)) throw new ApiError(86004, 'invalid wechat: wxuser is not a WeChat ID');
        const busy = [...this.personal.values()].find((t) => t.wxuser === wxuser && t.status === PERSONAL_WAITING && t.createdAt + TASK_LIFE_MS > this.k.clock.now());
        if (busy) throw new ApiError(89249, 'task running: a registration for this WeChat user is in progress');
        const taskid = `wxa_personal_${hashHex(this.k.settings.seed, 'personal', this.k.counter++).slice(0, 24)}`;
        const task: PersonalTask = { taskid, idname, wxuser, componentPhone: str(body, 'component_phone') ?? '', status: PERSONAL_WAITING, createdAt: this.k.clock.now() };
        this.personal.set(taskid, task);
        return ok(this.personalAnswer(task));
      }),
      route(spec.fastRegisterPersonalQuery, ({ body }) => {
        const { taskid } = fields(body, ['taskid']);
        const task = this.personal.get(taskid);
        if (!task) throw new ApiError(89250, 'task not found');
        return ok(this.personalAnswer(task));
      }),
      route(spec.fastRegisterBeta, ({ body }) => {
        const { name, openid } = fields(body, ['name', 'openid']);
        if ([...name].length > 30) throw new ApiError(89253, 'name is longer than 30 characters');
        if (!/^[-_A-Za-z0-9]{6,64}$/.test(openid)) throw new ApiError(40003, 'invalid openid');
        const uniqueId = hashHex(this.k.settings.seed, 'beta', this.k.counter++).slice(0, 32);
        this.beta.set(uniqueId, { uniqueId, name, openid, createdAt: this.k.clock.now(), appid: null });
        return ok({ unique_id: uniqueId, authorize_url: `${this.k.config.url}/wxa/fastregisterbeta/authorize?unique_id=${uniqueId}` });
      }),
      route(spec.verifyBeta, ({ body, principal }) => {
        const app = this.betaApps.get(principal.appid);
        if (!app) throw new ApiError(89247, 'inner error: this mini program is not a trial (beta) mini program');
        const info = (body['verify_info'] ?? null) as Record<string, unknown> | null;
        if (!info || typeof info !== 'object') throw new ApiError(89253, 'lack of some params: verify_info');
        const f = fields(info, ['enterprise_name', 'code', 'legal_persona_wechat', 'legal_persona_name']);
        const codeType = str(info, 'code_type') ?? '';
        if (!(codeType in CODE_LENGTH)) throw new ApiError(89248, 'invalid code type');
        if (f.code.length !== CODE_LENGTH[codeType]) throw new ApiError(89255, `code is invalid: code_type ${codeType} takes ${CODE_LENGTH[codeType]} characters`);
        if (!WECHAT_ID_RE.test(f.legal_persona_wechat)) throw new ApiError(86004, 'invalid wechat');
        app.verify = { ...info };
        return ok();
      }),
      route(spec.fastRegisterViaOa, ({ body, principal }) => {
        const { ticket } = fields(body, ['ticket']);
        const rec = this.tickets.get(ticket);
        if (!rec || rec.used || rec.expiresAt <= this.k.clock.now() || rec.oaAppid !== principal.appid) throw new ApiError(61058, 'invalid ticket');
        rec.used = true;
        const oa = this.k.state.profile(rec.oaAppid)!;
        const appid = this.newMiniProgram(`${oa.nickName}小程序`, oa.principalName, rec.copyWxVerify ? oa.verifyType : -1);
        const { authCode } = this.k.authorize(appid, { push: false });
        const verified = rec.copyWxVerify && oa.verifyType >= 0;
        return ok({ appid, authorization_code: authCode, is_wx_verify_succ: verified, is_link_succ: true });
      }),
    ];
  }

  private personalAnswer(t: PersonalTask): Record<string, unknown> {
    return { taskid: t.taskid, authorize_url: `${this.k.config.url}/wxa/fastregisterpersonal/authorize?taskid=${t.taskid}`, status: t.status };
  }

  /** A new mini program's profile (not authorized yet). */
  private newMiniProgram(nickName: string, principalName: string, verifyType: number): string {
    const k = this.k;
    const h = hashHex(k.settings.seed, 'fastregister', k.counter++, Date.now());
    const appid = `wx${h.slice(0, 16)}`;
    const profile: AccountProfile = { ...seededProfile(k.settings.seed, 1), appid, nickName, principalName, userName: `gh_${h.slice(16, 28)}`, verifyType };
    k.state.extraProfiles.set(appid, profile);
    return appid;
  }

  /** The fastregisterauth page and its confirm form; false when the path is neither. */
  async handlePage(req: IncomingMessage, res: ServerResponse, method: string, url: URL): Promise<boolean> {
    if (url.pathname === spec.FAST_REGISTER_AUTH_PATH) {
      if (method !== 'GET') sendHtml(res, 405, renderErrorPage('请使用 GET 打开此页。', 'Open this page with GET.'));
      else this.authPage(res, url.searchParams);
      return true;
    }
    if (url.pathname === FAST_REGISTER_CONFIRM_PATH) {
      if (method !== 'POST') sendHtml(res, 405, renderErrorPage('请通过页面上的按钮确认。', 'Confirm with the button on the page.'));
      else await this.confirm(req, res);
      return true;
    }
    return false;
  }

  private authParams(q: URLSearchParams) {
    return { appid: q.get('appid') ?? '', component_appid: q.get('component_appid') ?? '', copy_wx_verify: q.get('copy_wx_verify') ?? '1', redirect_uri: q.get('redirect_uri') ?? '' };
  }

  private authProblem(p: ReturnType<RegisterApis['authParams']>): [string, string] | null {
    const s = this.k.state;
    if (p.component_appid !== this.k.config.componentAppid) return ['component_appid 不正确。', `component_appid "${p.component_appid}" is not this platform.`];
    if (!p.appid || s.profile(p.appid)?.kind !== 'oa') return ['appid 不是公众号。', `appid "${p.appid}" is not an official account.`];
    if (!s.isAuthorized(p.appid)) return ['该公众号未授权给此第三方平台。', `Official account ${p.appid} has not authorized this platform.`];
    if (p.copy_wx_verify !== '0' && p.copy_wx_verify !== '1') return ['copy_wx_verify 须为 0 或 1。', 'copy_wx_verify must be 0 or 1.'];
    if (!/^https?:\/\//i.test(p.redirect_uri)) return ['redirect_uri 缺失或不是 http(s) 地址。', 'redirect_uri is missing or not an http(s) URL.'];
    return null;
  }

  private authPage(res: ServerResponse, q: URLSearchParams): void {
    const p = this.authParams(q);
    const problem = this.authProblem(p);
    if (problem) return sendHtml(res, 400, renderErrorPage(...problem));
    const oa = this.k.state.profile(p.appid)!;
    const hidden = Object.entries(p)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
      .join('');
    sendHtml(
      res,
      200,
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>复用公众号资质快速注册小程序</title></head><body>
<h1>复用公众号资质快速注册小程序</h1><p>公众号：<b class="oa-name">${escapeHtml(oa.nickName)}</b>（${escapeHtml(oa.appid)}）</p>
<p>主体：${escapeHtml(oa.principalName)}</p><p>${p.copy_wx_verify === '1' ? '将复用公众号的微信认证。' : '不复用微信认证。'}</p>
<form method="post" action="${FAST_REGISTER_CONFIRM_PATH}">${hidden}<button type="submit" name="confirm" value="1">管理员确认 / Confirm</button></form></body></html>`,
    );
  }

  private async confirm(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const p = this.authParams(new URLSearchParams(await readBody(req, 16 * 1024)));
    const problem = this.authProblem(p);
    if (problem) return sendHtml(res, 400, renderErrorPage(...problem));
    const ticket = hashHex(this.k.settings.seed, 'fastregister-ticket', this.k.counter++, Date.now()).slice(0, 40);
    this.tickets.set(ticket, { oaAppid: p.appid, copyWxVerify: p.copy_wx_verify === '1', expiresAt: this.k.clock.now() + TICKET_LIFE_MS, used: false });
    const target = p.redirect_uri + (p.redirect_uri.includes('?') ? '&' : '?') + `ticket=${ticket}`;
    res.writeHead(302, { location: target, 'content-type': 'text/html; charset=utf-8' }).end(`<a href="${escapeHtml(target)}">continue</a>`);
  }

  /** Push a notify_third_fastregisterbetaapp result; on status 0 the trial mini program exists and is authorized. */
  completeBeta(input: FastRegisterBetaInput): { appid: string | null; push: Promise<PushRecord>; authorized: Promise<PushRecord> | null } {
    const task = this.beta.get(input.uniqueId);
    if (!task) throw new RangeError(`no trial registration with unique_id ${input.uniqueId}: call fastregisterbetaweapp first`);
    this.beta.delete(input.uniqueId);
    const status = input.status ?? 0;
    let appid: string | null = null;
    let authorized: Promise<PushRecord> | null = null;
    if (status === 0) {
      appid = this.newMiniProgram(task.name, '', -1);
      this.betaApps.set(appid, { uniqueId: task.uniqueId, name: task.name, verify: null });
    }
    const fieldsOut: XmlInputObject = { appid: appid ?? '', status, msg: input.msg ?? (status === 0 ? 'OK' : 'failed'), info: { unique_id: task.uniqueId, name: task.name } };
    const push = this.k.pushes.component('notify_third_fastregisterbetaapp', fieldsOut, appid);
    // The trial mini program is authorized to the platform once created (after the result push).
    if (appid) {
      const id = appid;
      authorized = push.then(() => this.k.authorize(id).push);
    }
    return { appid, push, authorized };
  }

  /** Push a notify_third_fastverifybetaapp result for a trial mini program that called verifybetaweapp. */
  completeVerify(input: FastVerifyBetaInput): { push: Promise<PushRecord> } {
    const app = this.betaApps.get(input.appid);
    if (!app?.verify) throw new RangeError(`${input.appid} has no verification in progress: call verifybetaweapp with its token first`);
    const status = input.status ?? 0;
    const v = app.verify;
    app.verify = null;
    const info: XmlInputObject = {
      name: String(v['enterprise_name'] ?? ''),
      code: String(v['code'] ?? ''),
      code_type: Number(v['code_type'] ?? 1),
      legal_persona_wechat: String(v['legal_persona_wechat'] ?? ''),
      legal_persona_name: String(v['legal_persona_name'] ?? ''),
      component_phone: String(v['component_phone'] ?? ''),
    };
    if (status === 0) {
      const p = this.k.state.profile(input.appid);
      if (p) Object.assign(p, { principalName: info['name'], verifyType: 0 });
    }
    return { push: this.k.pushes.component('notify_third_fastverifybetaapp', { appid: input.appid, status, msg: input.msg ?? (status === 0 ? 'OK' : 'failed'), info }, input.appid) };
  }

  private running(name: string): Task | undefined {
    const task = this.tasks.get(name);
    return task && task.createdAt + TASK_LIFE_MS > this.k.clock.now() ? task : undefined;
  }

  /** Push a notify_third_fasteregister result (§2.3); on status 0 a new mini program is authorized. */
  complete(input: FastRegisterInput = {}): { appid: string | null; authCode: string | null; push: Promise<PushRecord> } {
    const { k } = this;
    const personal = input.taskid !== undefined ? this.personal.get(input.taskid) : undefined;
    if (input.taskid !== undefined && (!personal || personal.status !== PERSONAL_WAITING)) {
      throw new RangeError(`no personal registration waiting with taskid ${input.taskid}: call fastregisterpersonalweapp?action=create first`);
    }
    const name = input.name ?? (personal ? `${personal.idname}的小程序` : '深圳市新注册科技有限公司');
    const task = personal ? undefined : this.running(name);
    if (!personal) this.tasks.delete(name);
    const status = input.status ?? 0;
    if (personal) personal.status = status === 0 ? PERSONAL_DONE : PERSONAL_FAILED;
    let appid: string | null = null;
    let authCode: string | null = null;
    if (status === 0) {
      appid = personal ? this.newMiniProgram(name, personal.idname, -1) : this.newMiniProgram(`${name.replace(/有限公司$/, '')}小程序`, name, -1);
      authCode = k.authorize(appid, { push: false }).authCode;
    }
    const who = personal ? { wxuser: personal.wxuser, idname: personal.idname } : input.personal;
    // A personal registration's result carries its taskid inside <info>, with <name> empty (a real push the
    // developer community posted; the reference's §7.1 samples omit it).
    const info: XmlInputObject = who
      ? { name: '', wxuser: who.wxuser, idname: who.idname, component_phone: input.componentPhone ?? personal?.componentPhone ?? '', ...(personal ? { taskid: personal.taskid } : {}) }
      : {
          name,
          code: input.code ?? task?.code ?? '91440300MA5FXXXXXX',
          code_type: input.codeType ?? task?.codeType ?? 1,
          legal_persona_wechat: input.legalPersonaWechat ?? task?.legalPersonaWechat ?? 'legal_wx_001',
          legal_persona_name: input.legalPersonaName ?? task?.legalPersonaName ?? '张三',
          component_phone: input.componentPhone ?? task?.componentPhone ?? '',
        };
    const fields: XmlInputObject = {
      appid: appid ?? '',
      status,
      auth_code: authCode ?? '',
      msg: input.msg ?? (status === 0 ? 'OK' : 'open verity failed'),
      info,
    };
    return { appid, authCode, push: k.pushes.component('notify_third_fasteregister', fields, appid) };
  }
}

/** Required fields of a fast-register request: 89253 (missing params) names the first one absent. */
function fields<K extends string>(body: Record<string, unknown>, names: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const n of names) {
    const v = str(body, n);
    if (v === undefined) throw new ApiError(89253, `lack of some params: ${n}`);
    out[n] = v;
  }
  return out;
}
