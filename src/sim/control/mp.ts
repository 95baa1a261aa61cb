/** The control endpoints for mini-program code and audits: decide an audit, audit time and quota, privacy scan. */
import type { AuditDecision } from '../apis/mp/audit';
import type { ControlEndpoint } from '.';

const appidOf = (v: unknown): string => {
  if (typeof v !== 'string' || !/^wx[0-9A-Za-z]+$/.test(v)) throw new RangeError(`appid is required (a mini program's appid, wx…), got ${JSON.stringify(v)}`);
  return v;
};

export const MP_CONTROL_ENDPOINTS: readonly ControlEndpoint[] = [
  {
    method: 'POST',
    path: '/__sim/audit',
    params: '{appid, result: "success"|"fail"|"delay", reason?, screenshots?: [mediaid], auditid?, wait?}',
    help: 'decide a code audit in progress (the latest unless auditid): approve, reject with reason and screenshots, delay; pushes weapp_audit_*',
    handler: async ({ sim, body: b }) => {
      const result = b.result;
      if (result !== 'success' && result !== 'fail' && result !== 'delay') throw new RangeError('result must be "success", "fail" or "delay"');
      if (b.reason !== undefined && (typeof b.reason !== 'string' || !b.reason)) throw new RangeError('reason must be a non-empty string');
      if (b.screenshots !== undefined && !Array.isArray(b.screenshots)) throw new RangeError('screenshots must be a list of media ids');
      if (b.auditid !== undefined && !Number.isSafeInteger(b.auditid)) throw new RangeError('auditid must be an integer (submit_audit answered it)');
      const push = sim.decideAudit(appidOf(b.appid), {
        result: result as AuditDecision,
        reason: b.reason as string | undefined,
        screenshots: b.screenshots as string[] | undefined,
        auditid: b.auditid as number | undefined,
      });
      return b.wait === false ? { ok: true } : await push;
    },
  },
  {
    method: 'GET',
    path: '/__sim/audit-settings',
    help: "audit time, the platform's monthly audit quota and its use",
    handler: ({ sim }) => sim.auditQuota(),
  },
  {
    method: 'POST',
    path: '/__sim/audit-settings',
    params: '{auditSeconds?: seconds | null, quotaLimit?, speedupLimit?}',
    help: 'an undecided audit approves itself auditSeconds after submit or delay (null: never); the monthly audit (85085) and speed-up (89405) quotas',
    handler: ({ sim, body: b }) => {
      const known = ['auditSeconds', 'quotaLimit', 'speedupLimit'];
      const unknown = Object.keys(b).filter((k) => !known.includes(k));
      if (unknown.length) throw new RangeError(`unknown setting ${unknown.join(', ')}; known: ${known.join(', ')}`);
      sim.setAuditSettings(b as never);
      return sim.auditQuota();
    },
  },
  {
    method: 'POST',
    path: '/__sim/privacy-scan',
    params: '{appid, scanning: boolean}',
    help: "the privacy-API scan of a mini program's code is running (submit_audit answers 61039) or done",
    handler: ({ sim, body: b }) => {
      if (typeof b.scanning !== 'boolean') throw new RangeError('scanning must be true or false');
      sim.setPrivacyScan(appidOf(b.appid), b.scanning);
      return { ok: true };
    },
  },
  {
    method: 'POST',
    path: '/__sim/privacy-declared',
    params: '{appid?, declared: boolean}',
    help: "declare (or clear) a mini program's privacy settings; without appid, the mini programs first seen from now on start declared",
    handler: ({ sim, body: b }) => {
      if (typeof b.declared !== 'boolean') throw new RangeError('declared must be true or false');
      sim.setPrivacyDeclared(b.appid === undefined ? null : appidOf(b.appid), b.declared);
      return { ok: true };
    },
  },
  {
    method: 'GET',
    path: '/__sim/mini-program/:appid',
    help: "a mini program's code state: commit, audits, live version and history, gray plan, undo counts",
    handler: ({ sim, appid }) => {
      const kind = sim.profile(appid)?.kind;
      if (!kind) throw new RangeError(`unknown account ${appid}`);
      return kind === 'mp' ? { appid, kind, ...sim.miniProgram(appid), settings: sim.miniProgramSettings(appid) } : { appid, kind, note: 'an official account has no mini-program code' };
    },
  },
  {
    method: 'POST',
    path: '/__sim/nickname-audit',
    params: '{appid, result: "approve"|"reject", reason?, auditId?, wait?}',
    help: 'decide a nickname audit in progress (the latest unless auditId); pushes wxa_nickname_audit (ret 3 approved, 2 rejected)',
    handler: async ({ sim, body: b }) => {
      if (b.result !== 'approve' && b.result !== 'reject') throw new RangeError('result must be "approve" or "reject"');
      if (b.reason !== undefined && (typeof b.reason !== 'string' || !b.reason)) throw new RangeError('reason must be a non-empty string');
      if (b.auditId !== undefined && !Number.isSafeInteger(b.auditId)) throw new RangeError('auditId must be an integer (setnickname answered it as audit_id)');
      const push = sim.decideNicknameAudit(appidOf(b.appid), { result: b.result, reason: b.reason as string | undefined, auditId: b.auditId as number | undefined });
      return b.wait === false ? { ok: true } : await push;
    },
  },
  {
    method: 'POST',
    path: '/__sim/category-audit',
    params: '{appid, first, second, result: "approve"|"reject", reason?, wait?}',
    help: 'decide the audit of a category added with certificates; pushes wxa_category_audit; an approved one appears in get_category',
    handler: async ({ sim, body: b }) => {
      if (b.result !== 'approve' && b.result !== 'reject') throw new RangeError('result must be "approve" or "reject"');
      if (!Number.isSafeInteger(b.first) || !Number.isSafeInteger(b.second)) throw new RangeError('first and second must be category ids (integers)');
      if (b.reason !== undefined && (typeof b.reason !== 'string' || !b.reason)) throw new RangeError('reason must be a non-empty string');
      const push = sim.decideCategoryAudit(appidOf(b.appid), { first: b.first as number, second: b.second as number, result: b.result, reason: b.reason as string | undefined });
      return b.wait === false ? { ok: true } : await push;
    },
  },
  {
    method: 'GET',
    path: '/__sim/platform-domains',
    help: "the platform's server and webview domains and the other mini-program settings limits",
    handler: ({ sim }) => sim.mpSettingsConfig(),
  },
  {
    method: 'POST',
    path: '/__sim/platform-domains',
    params: '{serverDomains?: [host], webviewDomains?: [host], testerLimit?, categoryLimit?, categoryChangesPerMonth?, manualAuditWords?: [word]}',
    help: "the platform's configured domains (a mini program's domains must be them or their subdomains: 85018, 89020, 89021), tester limit (85002), category limits, the words that send a nickname to manual audit",
    handler: ({ sim, body: b }) => {
      const known = ['serverDomains', 'webviewDomains', 'testerLimit', 'categoryLimit', 'categoryChangesPerMonth', 'manualAuditWords'];
      const unknown = Object.keys(b).filter((k) => !known.includes(k));
      if (unknown.length) throw new RangeError(`unknown setting ${unknown.join(', ')}; known: ${known.join(', ')}`);
      return sim.mpSettingsConfig(b as never);
    },
  },
];
