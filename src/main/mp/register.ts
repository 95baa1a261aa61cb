/**
 * Registering mini programs for customers (reference "OA and MP APIs" §4, §8): enterprise (fastregisterweapp, result
 * push notify_third_fasteregister), personal (fastregisterpersonalweapp: taskid, authorize_url, query; the same push
 * with taskid), trial (fastregisterbetaweapp: unique_id, authorize_url; push notify_third_fastregisterbetaapp, then the
 * authorized push; verifybetaweapp → notify_third_fastverifybetaapp) and via an official account (WeChat's
 * fastregisterauth page, whose redirect brings a ticket to the relay's /authorized page or, without a relay, to the
 * operator who pastes it; account/fastregister with the official account's token gives the new mini program and its
 * authorization code). Each attempt is a task in the store (store.mpRegister); pushes and queries find it by WeChat's
 * ids. A task ends done once its mini program is an authorizer (the usual code exchange), or failed with the errcode.
 * Bad input is refused before any call, with the field named in both languages.
 */
import { randomBytes } from 'node:crypto';
import type { Authorizer } from '../../shared/domain';
import type { InvalidArgumentsDetails } from '../../shared/contract';
import {
  betaIssues,
  INTERRUPTED_CREATE,
  UNANSWERED_CREATE,
  enterpriseIssues,
  personalIssues,
  ticketFromInput,
  verifyBetaIssues,
  viaOaIssues,
  type BetaForm,
  type EnterpriseForm,
  type PersonalForm,
  type RegisterIssue,
  type RegisterTask,
  type VerifyBetaForm,
  type ViaOaForm,
} from '../../shared/mp/register';
import type { AuthLinkRequest, AuthLinkResponse } from '../../shared/relay-protocol';
import * as spec from '../../wechat/endpoints/mp-register';
import { field, type XmlObject } from '../../wechat/xml';
import { outcomeUnknown } from '../api';
import { ServiceError } from '../errors';
import type { Bilingual } from '../../shared/contract';
import type { Store } from '../store';
import type { RegisterTaskPatch } from '../store/mp-register';
import type { Invoke } from './code';

/** How long a via-OA registration link is offered (WeChat does not say how long its page stays valid). */
const VIA_OA_LINK_MS = 24 * 3600 * 1000;

export interface MpRegistrationDeps {
  store: Pick<Store, 'mpRegister' | 'authorizers' | 'transaction'>;
  componentAppid: string;
  invoke: Invoke;
  /** The existing authorization-code path (api_query_auth, tokens, info stored). */
  exchangeCode: (code: string, hint: { authorizerAppid?: string }) => Promise<Authorizer>;
  /** Registers the start link on the relay; null without a relay. */
  registerOnRelay: ((link: Required<AuthLinkRequest>) => Promise<AuthLinkResponse>) | null;
  /** The relay's public base URL (its /authorized page is the redirect_uri); null without a relay. */
  relayPublicUrl: string | null;
  /** WeChat's page host (https://mp.weixin.qq.com); the simulator's URL in the sandbox. */
  registerPageBase?: string;
  now?: () => number;
  onChange?: (task: RegisterTask) => void;
}

/** A request refused before any call: invalid_arguments naming each field. */
function refuse(issues: RegisterIssue[]): never {
  const details: InvalidArgumentsDetails = { issues: issues.map((i) => ({ path: i.field, message: i.en, messageZh: i.zh })) };
  throw new ServiceError(
    'invalid_arguments',
    { zh: `未发送：${issues.map((i) => `${i.field}：${i.zh}`).join('；')}。`, en: `Not sent: ${issues.map((i) => `${i.field}: ${i.en}`).join('; ')}.` },
    details,
  );
}

const errcodeOf = (err: unknown): number | null => {
  const c = (err as { errcode?: unknown })?.errcode;
  return typeof c === 'number' ? c : null;
};
const messageOf = (err: unknown): string => {
  const e = err as { errmsg?: unknown; message?: unknown };
  return String(typeof e?.errmsg === 'string' ? e.errmsg : (e?.message ?? err)).slice(0, 500);
};
const toInt = (v: string | undefined): number | null => (v !== undefined && /^-?\d{1,10}$/.test(v) ? Number(v) : null);
/**
 * A result push's non-zero status is an errcode when it is one of registration's own (61070, 86004, 89247-89255 …);
 * other values (-1 "open verity failed") are only WeChat's status, shown with its msg, not explained as an errcode.
 */
const REGISTER_ERRCODES = new Set([61058, 61070, 86004, 89247, 89248, 89249, 89250, 89251, 89252, 89253, 89254, 89255]);
const pushErrcode = (status: number | null): number | null => (status !== null && REGISTER_ERRCODES.has(status) ? status : null);

export class MpRegistration {
  private readonly now: () => number;

  constructor(private readonly deps: MpRegistrationDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * At start: a task still `submitted` had its create call in flight when the console stopped. An enterprise task can
   * be looked up (refresh: the search), so it waits; the others have no id to ask about, so they fail saying why (a
   * new attempt is answered 89249 if WeChat did start the first). Answers how many were found.
   */
  recoverInterrupted(): number {
    const stuck = this.deps.store.mpRegister.list(this.deps.componentAppid, 1000).filter((t) => t.stage === 'submitted');
    for (const t of stuck) {
      this.update(t.id, t.kind === 'enterprise' ? { stage: 'waiting', errorMsg: INTERRUPTED_CREATE } : { stage: 'failed', errorMsg: INTERRUPTED_CREATE }, ['submitted']);
    }
    return stuck.length;
  }

  list(limit = 200): RegisterTask[] {
    return this.deps.store.mpRegister.list(this.deps.componentAppid, limit);
  }

  get(id: number): RegisterTask {
    const t = this.deps.store.mpRegister.get(this.deps.componentAppid, id);
    if (!t) throw new ServiceError('not_found', { en: `No registration task ${id} on this platform.`, zh: `本平台没有注册任务 ${id}。` });
    return t;
  }

  private update(id: number, patch: RegisterTaskPatch, onlyIn?: RegisterTask['stage'][]): boolean {
    const changed = this.deps.store.mpRegister.update(this.deps.componentAppid, id, patch, onlyIn);
    if (changed) this.deps.onChange?.(this.get(id));
    return changed;
  }

  private create(kind: RegisterTask['kind'], name: string, inputs: RegisterTask['inputs'], linkId: string | null = null): RegisterTask {
    const t = this.deps.store.mpRegister.create({ componentAppid: this.deps.componentAppid, kind, name, inputs, linkId });
    this.deps.onChange?.(t);
    return t;
  }

  /**
   * Runs the call that starts a task; a refusal fails the task (with WeChat's errcode) and is returned, not thrown.
   * No answer (a timeout, a dropped connection) leaves it unknown whether WeChat started the task: an enterprise task
   * waits, as after a stop (its search can tell, and its result push finds it); the others fail saying so.
   */
  private async start(task: RegisterTask, call: () => Promise<RegisterTaskPatch>): Promise<RegisterTask> {
    try {
      this.update(task.id, { ...(await call()), stage: 'waiting' }, ['submitted']);
    } catch (err) {
      if (outcomeUnknown(err)) {
        this.update(task.id, task.kind === 'enterprise' ? { stage: 'waiting', errorMsg: UNANSWERED_CREATE } : { stage: 'failed', errcode: null, errorMsg: UNANSWERED_CREATE });
      } else {
        this.update(task.id, { stage: 'failed', errcode: errcodeOf(err), errorMsg: messageOf(err) });
      }
    }
    return this.get(task.id);
  }

  async createEnterprise(f: EnterpriseForm): Promise<RegisterTask> {
    const issues = enterpriseIssues(f);
    if (issues.length) refuse(issues);
    const phone = f.componentPhone || undefined;
    const task = this.create('enterprise', f.name, { name: f.name, code: f.code, codeType: f.codeType, legalPersonaWechat: f.legalPersonaWechat, legalPersonaName: f.legalPersonaName, ...(phone ? { componentPhone: phone } : {}) });
    return this.start(task, async () => {
      await this.deps.invoke(spec.fastRegisterCreate, null, {
        name: f.name,
        code: f.code,
        code_type: f.codeType as 1 | 2 | 3,
        legal_persona_wechat: f.legalPersonaWechat,
        legal_persona_name: f.legalPersonaName,
        ...(phone ? { component_phone: phone } : {}),
      });
      return {};
    });
  }

  async createPersonal(f: PersonalForm): Promise<RegisterTask> {
    const issues = personalIssues(f);
    if (issues.length) refuse(issues);
    const phone = f.componentPhone || undefined;
    const task = this.create('personal', f.idname, { idname: f.idname, wxuser: f.wxuser, ...(phone ? { componentPhone: phone } : {}) });
    return this.start(task, async () => {
      const r = await this.deps.invoke(spec.fastRegisterPersonalCreate, null, { idname: f.idname, wxuser: f.wxuser, ...(phone ? { component_phone: phone } : {}) });
      return { taskid: r.taskid ?? null, authorizeUrl: r.authorize_url ?? null, wechatStatus: r.status ?? null };
    });
  }

  async createBeta(f: BetaForm): Promise<RegisterTask> {
    const issues = betaIssues(f);
    if (issues.length) refuse(issues);
    const task = this.create('beta', f.name, { name: f.name, openid: f.openid });
    return this.start(task, async () => {
      const r = await this.deps.invoke(spec.fastRegisterBeta, null, { name: f.name, openid: f.openid });
      return { uniqueId: r.unique_id ?? null, authorizeUrl: r.authorize_url ?? null };
    });
  }

  /**
   * Builds WeChat's fastregisterauth link for an authorized official account and, with a relay, registers it there
   * (the start page on the relay's registered domain; the landing records the ticket). Without a relay the operator
   * gives the redirect URL and pastes the ticket back (submitTicket).
   */
  async createViaOa(f: ViaOaForm): Promise<RegisterTask> {
    const issues = viaOaIssues(f);
    if (issues.length) refuse(issues);
    const oa = this.deps.store.authorizers.get(this.deps.componentAppid, f.oaAppid);
    if (!oa) refuse([{ field: 'oaAppid', en: `${f.oaAppid} is not an authorizer of this platform; authorize it (or sync) first`, zh: `${f.oaAppid} 不是本平台的授权账号：请先授权（或同步）` }]);
    if (oa.kind !== 'OA') refuse([{ field: 'oaAppid', en: `${f.oaAppid} is a mini program; choose an official account`, zh: `${f.oaAppid} 是小程序，请选择公众号` }]);
    const linkId = randomBytes(16).toString('base64url');
    let redirectUri = f.redirectUri || null;
    if (!redirectUri) {
      if (!this.deps.relayPublicUrl) {
        refuse([
          {
            field: 'redirectUri',
            en: 'no relay is configured, so give the redirect URL (a page on the domain registered for the platform); then paste the ticket the admin lands with',
            zh: '没有配置中继：请填写回跳地址（第三方平台登记的域名下的页面），管理员确认后把回跳地址中的 ticket 粘贴回来',
          },
        ]);
      }
      redirectUri = `${this.deps.relayPublicUrl.replace(/\/+$/, '')}/authorized?link=${encodeURIComponent(linkId)}`;
    }
    const url = new URL(spec.FAST_REGISTER_AUTH_PATH, this.deps.registerPageBase ?? spec.FAST_REGISTER_AUTH_BASE);
    url.search = new URLSearchParams({ appid: f.oaAppid, component_appid: this.deps.componentAppid, copy_wx_verify: f.copyWxVerify ? '1' : '0', redirect_uri: redirectUri }).toString();
    const registerUrl = url.toString();
    const task = this.create('via_oa', oa.nickName ?? f.oaAppid, { oaAppid: f.oaAppid, copyWxVerify: f.copyWxVerify, ...(f.redirectUri ? { redirectUri: f.redirectUri } : {}) }, linkId);
    try {
      const relay = this.deps.registerOnRelay && !f.redirectUri ? await this.deps.registerOnRelay({ url: registerUrl, expiresAt: this.now() + VIA_OA_LINK_MS, id: linkId }) : null;
      this.update(task.id, { registerUrl, startUrl: relay?.startUrl ?? null, stage: 'waiting' }, ['submitted']);
    } catch (err) {
      this.update(task.id, { registerUrl, stage: 'failed', errcode: null, errorMsg: `the relay did not take the link: ${messageOf(err)}` });
    }
    return this.get(task.id);
  }

  /** The operator pastes the ticket (or the whole address the admin landed on) for a via-OA task. */
  async submitTicket(id: number, input: string): Promise<RegisterTask> {
    const task = this.get(id);
    if (task.kind !== 'via_oa') refuse([{ field: 'id', en: 'only a registration via an official account takes a ticket', zh: '只有复用公众号资质的注册需要 ticket' }]);
    const ticket = ticketFromInput(input);
    if (!ticket) refuse([{ field: 'ticket', en: 'paste the ticket, or the whole address the admin landed on (it has ?ticket=…)', zh: '请粘贴 ticket，或管理员确认后跳转到的完整地址（其中带有 ?ticket=…）' }]);
    return this.register(task, ticket);
  }

  /**
   * A ticket from the relay's landing page. Anyone can reach that page, so only a link this desk made, still waiting,
   * leads to a WeChat call.
   */
  async ticketArrived(ticket: string, linkId: string | null): Promise<RegisterTask> {
    const task = linkId ? this.deps.store.mpRegister.findBy(this.deps.componentAppid, 'linkId', linkId, 'via_oa') : null;
    if (!task) {
      throw new ServiceError('not_found', {
        en: `the registration landing names ${linkId ? `link ${linkId}, which this desk did not make` : 'no link'}, so its ticket was not used`,
        zh: `注册回跳${linkId ? `指向的链接 ${linkId} 不是本机生成的` : '没有指明链接'}，因此没有使用其中的 ticket`,
      });
    }
    return this.register(task, ticket);
  }

  /** account/fastregister with the official account's token, then the code exchange: once per task. */
  private async register(task: RegisterTask, ticket: string): Promise<RegisterTask> {
    if (!this.update(task.id, { stage: 'registering' }, ['waiting'])) {
      throw new ServiceError('conflict', {
        en: `registration task ${task.id} is ${this.get(task.id).stage}, not waiting for a ticket; create a new link to register again`,
        zh: `注册任务 ${task.id} 当前不在等待 ticket（${this.get(task.id).stage}）：如需再次注册，请生成新的链接`,
      });
    }
    const oaAppid = String(task.inputs['oaAppid']);
    let appid: string | undefined;
    let code: string | undefined;
    try {
      const r = await this.deps.invoke(spec.fastRegisterViaOa, oaAppid, { ticket });
      appid = r.appid;
      code = r.authorization_code;
      if (!appid || !code) throw Object.assign(new Error('account/fastregister answered without appid or authorization_code'), { messageZh: 'account/fastregister 的应答中没有 appid 或 authorization_code' });
    } catch (err) {
      this.update(task.id, { stage: 'failed', errcode: errcodeOf(err), errorMsg: messageOf(err) });
      return this.get(task.id);
    }
    this.update(task.id, { stage: 'authorizing', appid });
    await this.exchange(task.id, code, appid);
    return this.get(task.id);
  }

  private async exchange(id: number, code: string, appid: string): Promise<void> {
    try {
      const a = await this.deps.exchangeCode(code, { authorizerAppid: appid });
      this.authorized(a.appid);
    } catch (err) {
      this.update(id, { stage: 'failed', errcode: errcodeOf(err), errorMsg: `the mini program ${appid} was registered, but exchanging its authorization code failed: ${messageOf(err)}` });
    }
  }

  /** The mini program is an authorizer now (the inbox's exchange of a result push finished): its task is done. */
  authorized(appid: string): void {
    const task = this.deps.store.mpRegister.findBy(this.deps.componentAppid, 'appid', appid);
    if (task) this.update(task.id, { stage: 'done' }, ['authorizing', 'waiting', 'registering']);
  }

  /** Asks WeChat about a waiting task: the enterprise search or the personal query. */
  async refresh(id: number): Promise<RegisterTask> {
    const task = this.get(id);
    try {
      if (task.kind === 'enterprise') {
        await this.deps.invoke(spec.fastRegisterSearch, null, { name: String(task.inputs['name']), legal_persona_wechat: String(task.inputs['legalPersonaWechat']), legal_persona_name: String(task.inputs['legalPersonaName']) });
        this.update(id, { errcode: null, errorMsg: null });
      } else if (task.kind === 'personal' && task.taskid) {
        const r = await this.deps.invoke(spec.fastRegisterPersonalQuery, null, { taskid: task.taskid });
        this.update(id, { wechatStatus: r.status ?? null, ...(r.authorize_url ? { authorizeUrl: r.authorize_url } : {}) });
      } else {
        throw new ServiceError('conflict', { en: 'WeChat has no query for this kind of registration; its result arrives as a push', zh: '这种注册方式没有查询接口，结果会通过推送送达' });
      }
    } catch (err) {
      if (err instanceof ServiceError) throw err;
      // The search answers an errcode that tells the task's state (89250 none, 89251 waiting for the face check …).
      const errcode = errcodeOf(err);
      if (errcode === null) throw err;
      this.update(id, { errcode, errorMsg: messageOf(err) });
    }
    return this.get(id);
  }

  /** Verifies a trial mini program as an enterprise's (verifybetaweapp with its own token). */
  async verifyBeta(id: number, f: VerifyBetaForm): Promise<RegisterTask> {
    const task = this.get(id);
    if (task.kind !== 'beta' || task.stage !== 'done' || !task.appid) {
      refuse([{ field: 'id', en: 'only a trial mini program that has been created and authorized can be verified', zh: '只有已创建并授权的试用小程序才能认证' }]);
    }
    const issues = verifyBetaIssues(f);
    if (issues.length) refuse(issues);
    try {
      await this.deps.invoke(spec.verifyBeta, task.appid, {
        verify_info: {
          enterprise_name: f.enterpriseName,
          code: f.code,
          code_type: f.codeType as 1 | 2 | 3,
          legal_persona_wechat: f.legalPersonaWechat,
          legal_persona_name: f.legalPersonaName,
          ...(f.componentPhone ? { component_phone: f.componentPhone } : {}),
        },
      });
      this.update(id, { verifyStage: 'waiting', verifyErrcode: null, verifyErrorMsg: null });
    } catch (err) {
      this.update(id, { verifyStage: 'failed', verifyErrcode: errcodeOf(err), verifyErrorMsg: messageOf(err) });
    }
    return this.get(id);
  }

  /**
   * A result push (inside the inbox's transaction): finds its task and records the outcome. Returns the event's
   * note, or null when no task of this desk matches (the inbox keeps its own note then).
   */
  onResult(infoType: string, msg: XmlObject): Bilingual | null {
    const { store, componentAppid } = this.deps;
    const status = toInt(field(msg, 'status'));
    const appid = field(msg, 'appid') || null;
    const info = (typeof msg['info'] === 'object' && msg['info'] !== null ? msg['info'] : {}) as XmlObject;
    const wechatMsg = (field(msg, 'msg') ?? '').slice(0, 500);
    let task: RegisterTask | null = null;
    if (infoType === 'notify_third_fasteregister') {
      // A personal registration's taskid: inside <info> in real pushes (with <name> empty), at the top in older samples.
      const taskid = field(info, 'taskid') || field(msg, 'taskid');
      task = taskid
        ? store.mpRegister.findBy(componentAppid, 'taskid', taskid, 'personal')
        : field(info, 'name')
          ? store.mpRegister.findWaitingEnterprise(componentAppid, field(info, 'name')!, field(info, 'legal_persona_wechat') ?? null)
          : null;
    } else if (infoType === 'notify_third_fastregisterbetaapp') {
      const uniqueId = field(info, 'unique_id');
      task = uniqueId ? store.mpRegister.findBy(componentAppid, 'uniqueId', uniqueId, 'beta') : null;
    } else if (infoType === 'notify_third_fastverifybetaapp') {
      task = appid ? store.mpRegister.findBy(componentAppid, 'appid', appid, 'beta') : null;
      if (!task) return null;
      this.update(task.id, status === 0 ? { verifyStage: 'done', verifyErrcode: null, verifyErrorMsg: null } : { verifyStage: 'failed', verifyErrcode: pushErrcode(status), verifyErrorMsg: `status ${status ?? '?'} ${wechatMsg}`.trim() });
      return status === 0
        ? { en: `trial mini program ${appid} verified (registration task ${task.id})`, zh: `试用小程序 ${appid} 已认证（注册任务 ${task.id}）` }
        : { en: `verification of trial mini program ${appid} failed: status ${status} ${wechatMsg}`.trim(), zh: `试用小程序 ${appid} 认证失败：状态 ${status} ${wechatMsg}`.trim() };
    }
    if (!task) return null;
    if (status === 0 && appid) {
      // Done once the mini program is an authorizer (the code exchange the inbox starts, or the authorized push).
      const already = store.authorizers.get(componentAppid, appid);
      this.update(task.id, { stage: already ? 'done' : 'authorizing', appid, wechatStatus: 0, errcode: null, errorMsg: null });
      return { en: `registration task ${task.id}: mini program ${appid} created`, zh: `注册任务 ${task.id}：小程序 ${appid} 已创建` };
    }
    this.update(task.id, { stage: 'failed', wechatStatus: status, errcode: pushErrcode(status), errorMsg: pushErrcode(status) === null ? `status ${status ?? '?'} ${wechatMsg}`.trim() : wechatMsg || null });
    return { en: `registration task ${task.id} failed: status ${status ?? '?'} ${wechatMsg}`.trim(), zh: `注册任务 ${task.id} 失败：状态 ${status ?? '?'} ${wechatMsg}`.trim() };
  }
}
