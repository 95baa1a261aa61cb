/**
 * Batch job "mp.release": one template version to many mini programs — commit (ext_json filled per account), submit for
 * audit, and on approval release (or release to a gray percentage, or hold for a click). Each account's stage is kept
 * in SQLite (batch_items.stage):
 *
 *   (none) → committed → submitting → submitted ⇄ delayed → approved → released | gray | held;  → rejected | withdrawn
 *
 * `submitting` is written before submit_audit goes out; an account found in it (a crash, a timeout) is read back with
 * get_latest_auditstatus — an audit newer than the one before and of this version is ours — so no account is submitted
 * twice in one run. An account with an auditid of this run is never submitted again. Audits are moved on by the
 * weapp_audit_* pushes (the runner's poke) and, for pushes that never come, by get_auditstatus every pollSeconds. At most
 * maxAuditsInFlight audits wait at once; the run pauses when more than stopWhenRejectedPercent of the decided audits
 * were rejected, and on 85085 (the month's audit quota) with the quota shown.
 */
import { ACCOUNT_VARIABLES, extTemplateProblems, fillExtTemplate, parseVariablesCsv, type Problem } from '../../shared/mp/ext-template';
import type { BatchItem, BatchPause, BatchWords } from '../../shared/batch';
import { explainErrcode } from '../../shared/errcodes';
import * as auditSpec from '../../wechat/endpoints/mp-audit';
import * as codeSpec from '../../wechat/endpoints/mp-code';
import * as libSpec from '../../wechat/endpoints/mp-template';
import * as settingsSpec from '../../wechat/endpoints/mp-settings';
import { WeChatApiError } from '../api';
import { BatchInputError, BatchPauseError, type AdvanceOutcome, type BatchContext, type BatchJob, type PlanOutcome } from '../batch/runner';
import { UNDECIDED_AUDIT_STATES, AUDIT_STATUS_CODE } from '../../shared/mp/audits';
import { FOLLOW_UP_ACTIONS, RELEASE_STAGE_WORDS, type FollowUpAction, type ReleaseStage } from '../../shared/mp/release';
import type { AuditBook } from './audits';
import * as code from './code';

export interface ReleasePolicy {
  /** Submit for audit after the commit (false: commit only). */
  autoSubmit: boolean;
  /** On approval: release at once, or hold for the operator. */
  onApproval: 'release' | 'hold';
  /** Release to this share of users first (grayrelease) instead of everyone; null: everyone. */
  grayPercentage: number | null;
  /** Pause the run when more than this share of the decided audits were rejected (from 10 decided on). */
  stopWhenRejectedPercent: number;
  /** Audits pending at once (committed and submitted accounts count). */
  maxAuditsInFlight: number;
  /** An audit no push has decided is polled (get_auditstatus) this often. */
  pollSeconds: number;
  /** More accounts than the audit quota left: refuse to start, or plan only as many as fit (the rest skipped). */
  overQuota: 'refuse' | 'fit';
}

export interface ReleaseParams {
  templateId: number;
  userVersion: string;
  userDesc: string;
  /** The ext_json template: JSON text with ${variables}. */
  extJson: string;
  /** Per-account values: CSV with an appid column (optional). */
  csv?: string;
  policy: ReleasePolicy;
  /**
   * A follow-up of an earlier release run (the operator's click): `release` the accounts it held after approval,
   * `full`: release the ones in gray to everyone, or `rollback` the ones it released (a gray release is stopped
   * instead). Nothing is committed or submitted.
   */
  followUp?: { action: FollowUpAction; fromRun: number };
}

export interface ReleasePlan {
  ext: Record<string, unknown>;
  /** The account's latest audit when planned (so a newer one of this version is known to be ours). */
  prevAuditid: number | null;
  hasLive: boolean;
  /** A rollback follow-up of an account in gray release: stop the gray (revertgrayrelease), the live version stays. */
  stopGray?: true;
}


/** The decided stages (for the rejection share). */
const DECIDED: readonly ReleaseStage[] = ['approved', 'released', 'gray', 'held', 'rejected'];
/** The rejection share is judged from this many decided audits on. */
export const MIN_DECIDED_FOR_STOP = 10;

const DEFAULT_POLICY: ReleasePolicy = { autoSubmit: true, onApproval: 'release', grayPercentage: null, stopWhenRejectedPercent: 20, maxAuditsInFlight: 50, pollSeconds: 1800, overQuota: 'refuse' };

function refuse(problems: Problem[]): never {
  throw new BatchInputError(
    { en: `The release is not valid: ${problems.map((p) => `${p.path} ${p.en}`).join('; ')}`, zh: `批量发布的参数有误：${problems.map((p) => `${p.path}：${p.zh}`).join('；')}` },
    { issues: problems.map((p) => ({ path: p.path, message: p.en, messageZh: p.zh })) },
  );
}

/** The audit book the job records submits in and reads pushes from (absent: nothing recorded, every look is a poll). */
export type BookOf = () => AuditBook | null;

const invokeOf = (ctx: BatchContext): code.Invoke => (spec, appid, req) => ctx.call(spec, appid as string, req);

/** The library's templates, read once per run while it is planned (the component token), kept a few minutes. */
const libraries = new Map<string, Promise<number[]>>();
const LIBRARY_KEEP_MS = 5 * 60_000;
function libraryOf(ctx: BatchContext): Promise<number[]> {
  const key = `${ctx.componentAppid}:${ctx.runId}`;
  let p = libraries.get(key);
  if (!p) {
    // No appid: the engine calls with the component token (the library is the platform's).
    p = ctx.call(libSpec.getTemplateList, null as unknown as string, {}).then((r) => r.template_list.map((t) => t.template_id));
    p.catch(() => libraries.delete(key));
    libraries.set(key, p);
    setTimeout(() => libraries.delete(key), LIBRARY_KEEP_MS).unref();
  }
  return p;
}

function csvOf(params: ReleaseParams): Map<string, Record<string, string>> {
  if (!params.csv) return new Map();
  const parsed = parseVariablesCsv(params.csv);
  return 'problem' in parsed ? new Map() : parsed.byAppid;
}
const csvCache = new WeakMap<ReleaseParams, Map<string, Record<string, string>>>();
const csvRows = (p: ReleaseParams) => csvCache.get(p) ?? (csvCache.set(p, csvOf(p)), csvCache.get(p)!);

const words = (en: string, zh: string): BatchWords => ({ en, zh });
const errWords = (err: WeChatApiError): BatchWords => {
  const e = explainErrcode(err.errcode);
  return { en: `${err.errcode} ${e.en}`, zh: `${err.errcode} ${e.zh}` };
};

/** The job, recording its audits in the engine's audit book (which hears the weapp_audit_* pushes). */
export function releaseJobWith(bookOf: BookOf): BatchJob<ReleaseParams, ReleasePlan> {
  return {
    ...releaseJob,
    async apply(ctx, appid, params, plan) {
      return applyRelease(ctx, appid, params, plan, bookOf());
    },
    waits: { ...releaseJob.waits!, advance: (ctx, item, params, trigger) => advanceRelease(ctx, item, params, trigger, bookOf()) },
  };
}

export const releaseJob: BatchJob<ReleaseParams, ReleasePlan> = {
  kind: 'mp.release',
  accountKinds: ['MP'],

  parseParams(raw: unknown): ReleaseParams {
    const p = (raw ?? {}) as Partial<ReleaseParams> & { policy?: Partial<ReleasePolicy> };
    const problems: Problem[] = [];
    const input = { templateId: p.templateId as number, userVersion: p.userVersion as string, userDesc: p.userDesc as string, ext: {} };
    problems.push(...code.commitProblems(input).filter((x) => x.path !== 'ext'));
    let columns: string[] = [];
    if (p.csv !== undefined) {
      if (typeof p.csv !== 'string') problems.push({ path: 'csv', zh: '须为 CSV 文本', en: 'must be CSV text' });
      else {
        const parsed = parseVariablesCsv(p.csv);
        if ('problem' in parsed) problems.push(parsed.problem);
        else columns = parsed.columns;
      }
    }
    problems.push(...extTemplateProblems(p.extJson as string, columns));
    const policy = { ...DEFAULT_POLICY, ...(p.policy ?? {}) };
    const pol = (path: string, zh: string, en: string) => problems.push({ path: `policy.${path}`, zh, en });
    if (typeof policy.autoSubmit !== 'boolean') pol('autoSubmit', '须为 true 或 false', 'must be true or false');
    if (policy.onApproval !== 'release' && policy.onApproval !== 'hold') pol('onApproval', '须为 release（通过即发布）或 hold（等待确认）', 'must be release or hold');
    if (policy.grayPercentage !== null && !(Number.isInteger(policy.grayPercentage) && policy.grayPercentage >= 1 && policy.grayPercentage <= 100)) pol('grayPercentage', '须为 1–100 的整数，或留空（全量发布）', 'must be an integer 1–100, or empty (release to everyone)');
    if (!(Number.isFinite(policy.stopWhenRejectedPercent) && policy.stopWhenRejectedPercent >= 0 && policy.stopWhenRejectedPercent <= 100)) pol('stopWhenRejectedPercent', '须为 0–100', 'must be 0–100');
    if (!(Number.isInteger(policy.maxAuditsInFlight) && policy.maxAuditsInFlight >= 1 && policy.maxAuditsInFlight <= 10_000)) pol('maxAuditsInFlight', '须为 1–10000 的整数', 'must be an integer 1–10000');
    if (!(Number.isFinite(policy.pollSeconds) && policy.pollSeconds >= 0.05 && policy.pollSeconds <= 86_400)) pol('pollSeconds', '须为 0.05–86400 秒', 'must be 0.05–86400 seconds');
    if (policy.overQuota !== 'refuse' && policy.overQuota !== 'fit') pol('overQuota', '须为 refuse（拒绝开始）或 fit（只计划配额内的）', 'must be refuse or fit');
    const f = (p as { followUp?: unknown }).followUp as ReleaseParams['followUp'] | undefined;
    if (f !== undefined && (typeof f !== 'object' || f === null || !FOLLOW_UP_ACTIONS.includes(f.action) || !Number.isSafeInteger(f.fromRun) || f.fromRun < 1)) {
      problems.push({ path: 'followUp', zh: '须为 {action: release|full|rollback, fromRun: 任务编号}', en: 'must be {action: release|full|rollback, fromRun: a run id}' });
    }
    if (problems.length > 0) refuse(problems);
    return {
      ...(f ? { followUp: { action: f.action, fromRun: f.fromRun } } : {}),
      templateId: p.templateId!,
      userVersion: p.userVersion!.trim(),
      userDesc: p.userDesc!.trim(),
      extJson: p.extJson!,
      ...(p.csv !== undefined ? { csv: p.csv } : {}),
      policy,
    };
  },

  async plan(ctx, appid, params) {
    if (params.followUp) return planFollowUp(ctx, appid, params, params.followUp.action);
    if (!(await libraryOf(ctx)).includes(params.templateId)) {
      return { apply: false, reason: words(`Template ${params.templateId} is not in the code template library (85014).`, `模板 ${params.templateId} 不在代码模板库中（85014）。`) };
    }
    const account = ctx.store.authorizers.get(ctx.componentAppid, appid);
    const values: Record<string, string> = { ...(csvRows(params).get(appid) ?? {}) };
    const fields: Record<(typeof ACCOUNT_VARIABLES)[number], string | null | undefined> = {
      appid,
      nickname: account?.nickName,
      username: account?.userName,
      principal: account?.principalName,
      alias: account?.alias,
    };
    for (const [k, v] of Object.entries(fields)) if (v !== null && v !== undefined && values[k] === undefined) values[k] = v;
    const filled = fillExtTemplate(params.extJson, values);
    if ('problem' in filled) {
      const inCsv = params.csv ? ' ' : '';
      return { apply: false, reason: words(`ext_json: ${filled.problem.en}${inCsv && !csvRows(params).has(appid) ? ' (the CSV has no row for this account)' : ''}.`, `ext_json：${filled.problem.zh}${inCsv && !csvRows(params).has(appid) ? '（CSV 中没有这个账号的行）' : ''}。`) };
    }
    const inv = invokeOf(ctx);
    const categories = await ctx.call(codeSpec.getCategory, appid, {});
    if (categories.category_list.length === 0) {
      return { apply: false, reason: words('No approved category (get_category is empty): add one and wait for its approval.', '没有审核通过的类目（get_category 为空）：请先添加类目并等待审核通过。') };
    }
    if (params.policy.autoSubmit) {
      // The development version's privacy settings are what the audit checks the new code against.
      const privacy = await ctx.call(settingsSpec.getPrivacySetting, appid, { privacy_ver: 2 });
      const owner = (privacy.owner_setting ?? {}) as unknown as Record<string, unknown>;
      const contact = ['contact_email', 'contact_phone', 'contact_qq', 'contact_weixin'].some((k) => typeof owner[k] === 'string' && owner[k] !== '');
      if (!contact && privacy.setting_list.length === 0) {
        return {
          apply: false,
          reason: words(
            'Privacy settings are not set (no contact, no declared item): set them on the Mini-program settings screen, or the audit will refuse the code.',
            '未设置用户隐私保护指引（没有联系方式，也没有声明任何项）：请先在“小程序设置”页设置，否则审核会拒绝。',
          ),
        };
      }
    }
    const version = await code.versionInfo(inv, appid);
    if (version.live?.version === params.userVersion) {
      return { apply: false, reason: words(`Already on version ${params.userVersion}.`, `已经是 ${params.userVersion} 版本。`) };
    }
    let prevAuditid: number | null = null;
    try {
      const latest = await code.auditStatus(inv, appid);
      prevAuditid = latest.auditid;
      if (latest.status === 2 || latest.status === 4) {
        return { apply: false, reason: words(`An audit is already pending (auditid ${latest.auditid}, ${latest.state}): wait for it or withdraw it first.`, `已有审核在进行中（auditid ${latest.auditid}）：请等待结果或先撤回。`) };
      }
    } catch (err) {
      if (!(err instanceof WeChatApiError && err.errcode === 85019)) throw err;
    }
    const { policy } = params;
    const after = !policy.autoSubmit
      ? words('commit only', '仅提交代码')
      : policy.onApproval === 'hold'
        ? words('submit for audit, hold on approval', '提交审核，通过后等待确认发布')
        : policy.grayPercentage !== null && version.live
          ? words(`submit for audit, on approval release to ${policy.grayPercentage}% (gray)`, `提交审核，通过后灰度发布 ${policy.grayPercentage}%`)
          : words('submit for audit, release on approval', '提交审核，通过后发布');
    const from = version.live ? version.live.version : null;
    return {
      apply: true,
      plan: { ext: filled.ext, prevAuditid, hasLive: version.live !== null },
      summary: words(
        `Commit template ${params.templateId} as ${params.userVersion}${from ? ` (live: ${from})` : ' (nothing live yet)'}, ${after.en}.`,
        `以 ${params.userVersion} 提交模板 ${params.templateId}${from ? `（线上：${from}）` : '（尚未发布过）'}，${after.zh}。`,
      ),
    };
  },

  apply: (ctx, appid, params, plan) => applyRelease(ctx, appid, params, plan, null),

  async landed() {
    return false; // not used: the job has waits, whose advance reads back by stage
  },

  waits: {
    maxWaiting: (p) => (p.policy.autoSubmit ? p.policy.maxAuditsInFlight : 1_000_000),
    pollMs: (p) => p.policy.pollSeconds * 1000,
    advance: (ctx, item, params, trigger) => advanceRelease(ctx, item, params, trigger, null),
    beforeStart,
  },
};

async function applyRelease(ctx: BatchContext, appid: string, params: ReleaseParams, plan: ReleasePlan, book: AuditBook | null): Promise<{ summary?: BatchWords; wait?: boolean }> {
  const item = ctx.store.batch.item(ctx.runId, appid)!;
  const stage = item.stage as ReleaseStage | null;
  const inv = invokeOf(ctx);
  if (params.followUp) return applyFollowUp(ctx, appid, params, plan, params.followUp.action);
  if (stage === 'submitting') {
    // A submit whose answer never came (a timeout): read back before anything is sent again.
    const back = await readBackSubmit(ctx, appid, params, item.stageData, book);
    if ('wait' in back) return back;
    if (back.state !== 'pending') throw new BatchInputError(back.reason ?? words('Could not be read back.', '无法回读。'));
  } else if (stage === 'approved') {
    // Retried after the release failed: release it now (submitted in this run already: never again).
    const out = await releaseApproved(ctx, appid, params, plan);
    if ('state' in out && out.state === 'failed') throw new BatchInputError(out.reason ?? words('The release failed.', '发布失败。'));
    return 'summary' in out && out.summary ? { summary: out.summary } : {};
  } else if (stage === 'submitted' || stage === 'delayed') {
    // Retried while its audit is undecided: it waits for the audit again, and is not submitted again.
    return { wait: true, summary: words(`Audit ${String(item.stageData?.auditid ?? '')} of this run is followed again; not submitted again.`, `继续跟进本任务中的审核 ${String(item.stageData?.auditid ?? '')}，不会再次提交。`) };
  } else if (stage !== null && stage !== 'committed') {
    // Submitted in this run already and decided: never again.
    return { summary: words(`Already "${RELEASE_STAGE_WORDS[stage].en}" in this run; not submitted again.`, `本任务中已处于“${RELEASE_STAGE_WORDS[stage].zh}”，不会再次提交。`) };
  }
  if (stage === null) {
    await code.commit(inv, appid, { templateId: params.templateId, userVersion: params.userVersion, userDesc: params.userDesc, ext: plan.ext });
    // The code template library shows which mini programs run which template version from these records.
    ctx.store.mpCode.recordCommit(ctx.componentAppid, { appid, templateId: params.templateId, userVersion: params.userVersion, userDesc: params.userDesc, committedAt: Date.now() });
    ctx.setStage(appid, 'committed', { committedAt: Date.now() });
  }
  if (!params.policy.autoSubmit) return { summary: words(`Committed ${params.userVersion} (not submitted: the policy says commit only).`, `已提交代码 ${params.userVersion}（策略为仅提交代码，未提交审核）。`) };
  const prevAuditid = (ctx.store.batch.item(ctx.runId, appid)!.stageData?.auditid as number | undefined) ?? plan.prevAuditid;
  // The intent first: after a crash this says a submit may have gone out.
  ctx.setStage(appid, 'submitting', { prevAuditid, at: Date.now() });
  let auditid: number;
  try {
    auditid = (await code.submitForAudit(inv, appid, {})).auditid;
  } catch (err) {
    if (err instanceof WeChatApiError) {
      // WeChat refused it: nothing was submitted.
      ctx.setStage(appid, 'committed', { prevAuditid });
      if (err.errcode === 85085) throw await quotaPause(ctx, appid);
    }
    throw err;
  }
  submitted(ctx, appid, params, auditid, book);
  return { wait: true, summary: words(`Submitted for audit (auditid ${auditid}).`, `已提交审核（auditid ${auditid}）。`) };
}

async function advanceRelease(ctx: BatchContext, item: BatchItem & { plan: ReleasePlan }, params: ReleaseParams, trigger: 'poke' | 'poll' | 'recover', book: AuditBook | null): Promise<AdvanceOutcome> {
  const { appid } = item;
  const stage = item.stage as ReleaseStage | null;
  const data = item.stageData ?? {};
  if (stage === null || stage === 'committed') return { state: 'pending' };
  if (stage === 'submitting') return readBackSubmit(ctx, appid, params, data, book);
  if (stage === 'approved') return releaseApproved(ctx, appid, params, item.plan);
  if (stage !== 'submitted' && stage !== 'delayed') return { state: 'done' };
  const auditid = data.auditid as number;
  const status = await auditNow(ctx, appid, auditid, trigger, book);
  if (status.status === 2) return { wait: true };
  if (status.status === 4) {
    if (stage !== 'delayed') ctx.setStage(appid, 'delayed', { ...data, reason: status.reason });
    return { wait: true, summary: words(`Audit ${auditid} delayed: ${status.reason}`, `审核 ${auditid} 延后：${status.reason}`) };
  }
  if (status.status === 3) {
    ctx.setStage(appid, 'withdrawn', data);
    return { state: 'done', summary: words(`Audit ${auditid} was withdrawn.`, `审核 ${auditid} 已撤回。`) };
  }
  if (status.status === 1) {
    ctx.setStage(appid, 'rejected', { ...data, reason: status.reason, screenshots: status.screenshots });
    const shots = status.screenshots.length ? ` Screenshots: ${status.screenshots.join(', ')}.` : '';
    const shotsZh = status.screenshots.length ? `截图：${status.screenshots.join('、')}。` : '';
    return {
      state: 'done',
      reason: words(`Rejected (audit ${auditid}): ${plainReason(status.reason)}.${shots}`, `审核未通过（${auditid}）：${plainReason(status.reason)}。${shotsZh}`),
      summary: words('Rejected by the audit.', '审核未通过。'),
      ...(rejectionPause(ctx, params) ?? {}),
    };
  }
  ctx.setStage(appid, 'approved', data);
  return releaseApproved(ctx, appid, params, item.plan);
}

async function beforeStart(ctx: BatchContext, params: ReleaseParams, pending: string[]): Promise<BatchPause | null> {
  if (!params.policy.autoSubmit || params.followUp || pending.length === 0) return null;
  // Each pending account not yet submitted in this run needs one audit.
  const need = pending.filter((a) => {
    const s = ctx.store.batch.item(ctx.runId, a)?.stage;
    return s === null || s === 'committed' || s === 'submitting';
  });
  if (need.length === 0) return null;
  const q = await code.auditQuota(invokeOf(ctx), need[0]!);
  if (need.length <= q.rest) return null;
  if (params.policy.overQuota === 'fit') {
    const over = need.slice(q.rest);
    ctx.store.batch.skipPending(ctx.runId, over, words(
      `Beyond this month's audit quota (${q.rest} of ${q.limit} left for ${need.length} accounts): not planned.`,
      `超出本月审核配额（剩余 ${q.rest}/${q.limit}，需要 ${need.length}）：未安排。`,
    ));
    return null;
  }
  return {
    at: Date.now(),
    reason: words(
      `This run needs ${need.length} audits but this month's audit quota has ${q.rest} of ${q.limit} left (queryquota). Narrow the targets, choose "only as many as fit", or wait for next month.`,
      `本任务需要 ${need.length} 次审核，但本月审核配额只剩 ${q.rest}/${q.limit}（queryquota）。请减少账号、选择“只安排配额内的”，或等到下月。`,
    ),
    errcode: 85085,
    cgiPath: auditSpec.submitAudit.path,
    appid: need[0]!,
    quota: { dailyLimit: q.limit, used: q.limit - q.rest, remain: q.rest },
  };
}


/** The account's latest audit if it is an approval of `userVersion` (the one `release` would put live), else null. */
async function approvalOf(inv: code.Invoke, appid: string, userVersion: string): Promise<code.AuditStatus | null> {
  try {
    const latest = await code.auditStatus(inv, appid);
    return latest.status === 0 && latest.userVersion === userVersion ? latest : null;
  } catch (err) {
    if (err instanceof WeChatApiError && err.errcode === 85019) return null; // no audit at all
    throw err;
  }
}

/** The percentage of a running gray release of `userVersion`, or null when none runs. */
async function grayRunning(inv: code.Invoke, appid: string, userVersion: string): Promise<number | null> {
  const plan = await code.grayPlan(inv, appid);
  if (plan.status !== 1) return null;
  return (await approvalOf(inv, appid, userVersion)) ? plan.gray_percentage : null;
}

/**
 * A follow-up's plan: release an approved version of this run held for a click, release one in gray to everyone, or
 * roll back one it released (stop the gray release of one in gray).
 */
async function planFollowUp(ctx: BatchContext, appid: string, params: ReleaseParams, action: FollowUpAction): Promise<PlanOutcome<ReleasePlan>> {
  const inv = invokeOf(ctx);
  const v = params.userVersion;
  const live = (await code.versionInfo(inv, appid)).live?.version ?? null;
  if (action === 'rollback') {
    if (live === v) return { apply: true, plan: { ext: {}, prevAuditid: null, hasLive: true }, summary: words(`Roll back ${v} to the version before it.`, `把 ${v} 回退到上一个版本。`) };
    const pct = await grayRunning(inv, appid, v);
    if (pct !== null) {
      return { apply: true, plan: { ext: {}, prevAuditid: null, hasLive: true, stopGray: true }, summary: words(`Stop the gray release of ${v} (now ${pct}% of users); ${live ?? 'the live version'} stays live.`, `停止 ${v} 的灰度发布（当前 ${pct}% 用户）；线上仍是 ${live ?? '原版本'}。`) };
    }
    return { apply: false, reason: words(`The live version is ${live ?? 'none'}, not ${v}, and no gray release of it runs: nothing to roll back.`, `线上版本是 ${live ?? '无'}，不是 ${v}，也没有它的灰度发布：无需回退。`) };
  }
  if (live === v) return { apply: false, reason: words(`Already on version ${v}.`, `已经是 ${v} 版本。`) };
  if (action === 'full') {
    const pct = await grayRunning(inv, appid, v);
    if (pct === null) return { apply: false, reason: words(`No gray release of ${v} runs: nothing to release to everyone.`, `没有 ${v} 的灰度发布：无可全量发布。`) };
    return { apply: true, plan: { ext: {}, prevAuditid: null, hasLive: true }, summary: words(`Release ${v} to everyone (now ${pct}% of users).`, `把 ${v} 全量发布（当前灰度 ${pct}% 用户）。`) };
  }
  const latest = await approvalOf(inv, appid, v);
  if (!latest) return { apply: false, reason: words(`The latest audit is not an approval of ${v}: nothing to release.`, `最新的审核不是 ${v} 的通过结果：无可发布。`) };
  return { apply: true, plan: { ext: {}, prevAuditid: latest.auditid, hasLive: live !== null }, summary: words(`Release the approved ${v} (audit ${latest.auditid}).`, `发布已通过审核的 ${v}（${latest.auditid}）。`) };
}

async function applyFollowUp(ctx: BatchContext, appid: string, params: ReleaseParams, plan: ReleasePlan, action: FollowUpAction): Promise<{ summary?: BatchWords }> {
  const inv = invokeOf(ctx);
  const v = params.userVersion;
  if (action === 'rollback') {
    if (plan.stopGray) {
      await code.revertGray(inv, appid);
      ctx.setStage(appid, 'rolled_back', null);
      return { summary: words(`The gray release of ${v} stopped (revertgrayrelease).`, `已停止 ${v} 的灰度发布（revertgrayrelease）。`) };
    }
    // Read back first: after a restart this apply runs again, and a second revert would go one version further back.
    const live = (await code.versionInfo(inv, appid)).live?.version ?? null;
    if (live === v) await code.rollback(inv, appid);
    ctx.setStage(appid, 'rolled_back', null);
    return live === v
      ? { summary: words(`Rolled back from ${v}.`, `已从 ${v} 回退。`) }
      : { summary: words(`${v} is no longer live (now ${live ?? 'none'}): not rolled back again.`, `${v} 已不在线上（现为 ${live ?? '无'}）：不再回退。`) };
  }
  if (action === 'full') {
    // release finishes a running gray release: the approved version goes to everyone.
    const out = await releaseApproved(ctx, appid, { ...params, policy: { ...params.policy, onApproval: 'release', grayPercentage: null } }, plan);
    if ('state' in out && out.state === 'failed') throw new BatchInputError(out.reason ?? words('The release failed.', '发布失败。'));
    return { summary: words(`Released ${v} to everyone (the gray release finished).`, `已把 ${v} 全量发布（灰度结束）。`) };
  }
  ctx.setStage(appid, 'approved', { auditid: plan.prevAuditid });
  const out = await releaseApproved(ctx, appid, { ...params, policy: { ...params.policy, onApproval: 'release' } }, plan);
  if ('state' in out && out.state === 'failed') throw new BatchInputError(out.reason ?? words('The release failed.', '发布失败。'));
  return 'summary' in out && out.summary ? { summary: out.summary } : {};
}

/** WeChat's reasons come as HTML with <br>: one line of text. */
const plainReason = (r: string) => r.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]+>/g, '').trim() || '(no reason given / 未给出原因)';

function submitted(ctx: BatchContext, appid: string, params: ReleaseParams, auditid: number, book: AuditBook | null): void {
  ctx.setStage(appid, 'submitted', { auditid, submittedAt: Date.now() });
  if (!book || ctx.store.mpAudits.get(ctx.componentAppid, appid, auditid)) return;
  book.announce(ctx.store.mpAudits.recordSubmit({ componentAppid: ctx.componentAppid, appid, auditid, userVersion: params.userVersion, templateId: params.templateId, runId: ctx.runId, at: Date.now() }));
}

/** After `submitting` with no answer: the latest audit, if newer than the one before and of this version, is ours. */
async function readBackSubmit(ctx: BatchContext, appid: string, params: ReleaseParams, data: Record<string, unknown> | null, book: AuditBook | null): Promise<AdvanceOutcome> {
  const prev = (data?.prevAuditid as number | null | undefined) ?? null;
  let latest: code.AuditStatus | null = null;
  try {
    latest = await code.auditStatus(invokeOf(ctx), appid);
  } catch (err) {
    if (!(err instanceof WeChatApiError && err.errcode === 85019)) throw err;
  }
  if (latest && latest.auditid !== prev && latest.userVersion === params.userVersion) {
    submitted(ctx, appid, params, latest.auditid, book);
    return { wait: true, summary: words(`Submitted for audit (auditid ${latest.auditid}, confirmed by reading it back).`, `已提交审核（auditid ${latest.auditid}，已回读确认）。`) };
  }
  ctx.setStage(appid, 'committed', { prevAuditid: prev });
  return { state: 'pending' };
}

/** The audit's status: from the book's record a push updated (a poke), else get_auditstatus (recorded in the book). */
async function auditNow(ctx: BatchContext, appid: string, auditid: number, trigger: 'poke' | 'poll' | 'recover', book: AuditBook | null): Promise<{ status: number; reason: string; screenshots: string[] }> {
  if (trigger === 'poke') {
    const rec = ctx.store.mpAudits.get(ctx.componentAppid, appid, auditid);
    if (rec && !UNDECIDED_AUDIT_STATES.includes(rec.state)) return { status: AUDIT_STATUS_CODE[rec.state], reason: rec.reason ?? '', screenshots: rec.screenshots };
  }
  if (book) {
    const rec = await book.refresh(invokeOf(ctx), appid, auditid);
    if (rec) return { status: AUDIT_STATUS_CODE[rec.state], reason: rec.reason ?? '', screenshots: rec.screenshots };
  }
  return code.auditStatus(invokeOf(ctx), appid, auditid);
}

async function releaseApproved(ctx: BatchContext, appid: string, params: ReleaseParams, plan: ReleasePlan): Promise<AdvanceOutcome> {
  const inv = invokeOf(ctx);
  const data = ctx.store.batch.item(ctx.runId, appid)?.stageData ?? {};
  const auditid = data.auditid as number;
  if (params.policy.onApproval === 'hold') {
    ctx.setStage(appid, 'held', data);
    return { state: 'done', summary: words(`Approved (audit ${auditid}); held for release.`, `审核通过（${auditid}），等待确认发布。`) };
  }
  const pct = params.policy.grayPercentage;
  if (pct !== null && plan.hasLive) {
    try {
      await code.grayRelease(inv, appid, pct);
      ctx.setStage(appid, 'gray', { ...data, grayPercentage: pct });
      return { state: 'done', summary: words(`Approved; released to ${pct}% of users (gray).`, `审核通过，已灰度发布给 ${pct}% 的用户。`) };
    } catch (err) {
      // 85079: no live version to gray from; the approved version goes to everyone instead.
      if (!(err instanceof WeChatApiError && err.errcode === 85079)) throw err;
    }
  }
  try {
    await code.releaseApproved(inv, appid);
  } catch (err) {
    // 85052: released already (before an interruption).
    if (!(err instanceof WeChatApiError && err.errcode === 85052)) {
      if (err instanceof WeChatApiError) return { state: 'failed', reason: { en: `Approved, but the release failed: ${errWords(err).en}`, zh: `审核已通过，但发布失败：${errWords(err).zh}` }, errcode: err.errcode, errmsg: err.errmsg };
      throw err;
    }
  }
  ctx.store.mpCode.recordVersions(ctx.componentAppid, appid, { live: params.userVersion, trial: params.userVersion, at: Date.now() });
  ctx.setStage(appid, 'released', data);
  return { state: 'done', summary: words(`Approved and released (audit ${auditid}).`, `审核通过并已发布（${auditid}）。`) };
}

/** More than N % of the decided audits rejected (from MIN_DECIDED_FOR_STOP on): the run pauses. */
function rejectionPause(ctx: BatchContext, params: ReleaseParams): { pause: BatchWords } | null {
  const stages = ctx.store.batch.stages(ctx.runId);
  const decided = DECIDED.reduce((n, s) => n + (stages[s] ?? 0), 0);
  const rejected = stages.rejected ?? 0;
  const n = params.policy.stopWhenRejectedPercent;
  if (decided < MIN_DECIDED_FOR_STOP || rejected * 100 <= n * decided) return null;
  const pct = ((rejected * 100) / decided).toFixed(1);
  return {
    pause: words(
      `Stopped: ${rejected} of ${decided} decided audits were rejected (${pct}%, over the ${n}% the policy allows). Read the reasons; start again to carry on.`,
      `已暂停：已出结果的 ${decided} 个审核中有 ${rejected} 个未通过（${pct}%，超过策略允许的 ${n}%）。请查看原因；重新开始即可继续。`,
    ),
  };
}

/** 85085: the month's audit quota is used up; the pause shows it (queryquota). */
async function quotaPause(ctx: BatchContext, appid: string): Promise<BatchPauseError> {
  let quota: { dailyLimit: number; used: number; remain: number } | null = null;
  let tail = { en: '', zh: '' };
  try {
    const q = await code.auditQuota(invokeOf(ctx), appid);
    quota = { dailyLimit: q.limit, used: q.limit - q.rest, remain: q.rest };
    tail = { en: ` (${q.rest} of ${q.limit} left)`, zh: `（剩余 ${q.rest}/${q.limit}）` };
  } catch {
    // The pause stands without the numbers.
  }
  return new BatchPauseError(
    words(`This month's audit quota is used up (85085)${tail.en}. Resume next month, or after WeChat raises the quota.`, `本月审核配额已用完（85085）${tail.zh}。请下月继续，或在配额提高后继续。`),
    85085,
    quota,
  );
}

