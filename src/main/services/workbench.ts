/**
 * The API workbench and the quota panel: any endpoint of the spec table sent through runtime.invokeAs (the right
 * token from the token manager, retries, the API log), with the answer, latency, rid and errcode meaning; and
 * openapi/quota/get + clear_quota for an authorizer or the platform.
 */
import type { QuotaInfo, WorkbenchEndpointList } from '../../shared/contract/workbench';
import { explainErrcode } from '../../shared/errcodes';
import { handTypedCredential, parseJsonBody, tokenKindFor, tokenPlaceholder, type WorkbenchEndpoint, type WorkbenchSendResult } from '../../shared/workbench';
import { ENDPOINTS, specPath, type BinaryAnswer, type EndpointSpec } from '../../wechat';
import { CLEARS_PER_MONTH, clearQuota, getApiQuota } from '../../wechat/endpoints/quota';
import { exampleFor } from '../../wechat/examples';
import { DEFAULT_API_BASE_URL, WeChatApiError, WeChatInputError, redactBody, sanitizePath } from '../api';
import { ServiceError, errorText } from '../errors';
import type { PlatformRuntime } from '../runtime';
import { storedAuthorizer } from './accounts';
import type { RuntimeHost } from './host';

/** Endpoints that take a secret or a refresh token in the body: the console sends those itself, never typed in. */
const NEEDS_SECRET = new Set(['api_authorizer_token']);

function unavailable(spec: EndpointSpec): WorkbenchEndpoint['unavailable'] {
  if (spec.token === 'none' || NEEDS_SECRET.has(spec.name)) {
    return {
      en: 'Needs the AppSecret or a refresh token in the body; secrets are never typed into the workbench. The console makes this call itself where it is needed (Setup checks, the token manager).',
      zh: '请求体需要 AppSecret 或刷新令牌；工作台不接受手工输入的密钥。控制台会在需要时自己调用它（设置页检查、令牌管理）。',
    };
  }
  if (spec.request === 'multipart') {
    return {
      en: `Uploads a file (form field "${spec.upload!.field}"): not sent from the workbench. "Copy as curl" gives the command with -F ${spec.upload!.field}=@FILE to run with your file.`,
      zh: `此接口上传文件（表单字段“${spec.upload!.field}”），工作台不发送上传。可用“复制为 curl”得到带 -F ${spec.upload!.field}=@FILE 的命令，换上你的文件后运行。`,
    };
  }
  return null;
}

function describe(spec: EndpointSpec): WorkbenchEndpoint {
  return {
    name: spec.name,
    family: spec.family,
    method: spec.method,
    path: specPath(spec),
    token: spec.token,
    tokenParam: spec.tokenParam,
    request: spec.request,
    answer: spec.answer,
    idempotent: spec.idempotent,
    uploadField: spec.upload?.field ?? null,
    unavailable: unavailable(spec),
  };
}

function specNamed(name: string): EndpointSpec {
  const spec = ENDPOINTS.find((s) => s.name === name);
  if (!spec) throw new ServiceError('not_found', { en: `There is no endpoint "${name}" in the spec table.`, zh: `接口表中没有“${name}”。` });
  return spec;
}

/** The authorizer, checked to be stored for this platform; null stays null (the platform). */
function checkedCaller(host: RuntimeHost, runtime: PlatformRuntime, appid: string | null): string | null {
  if (appid === null || appid === runtime.componentAppid) return null;
  storedAuthorizer(host, runtime.componentAppid, appid);
  return appid;
}

export function listEndpoints(host: RuntimeHost, appid: string | null): WorkbenchEndpointList {
  const runtime = host.requireRuntime();
  const caller = checkedCaller(host, runtime, appid);
  const ctx = { componentAppid: runtime.componentAppid, authorizerAppid: caller };
  return {
    endpoints: ENDPOINTS.map((spec) => {
      const { body, derived } = exampleFor(spec, ctx);
      return { ...describe(spec), example: JSON.stringify(body, null, 2), exampleDerived: derived };
    }),
    baseUrl: runtime.apiBaseUrl ?? DEFAULT_API_BASE_URL,
    componentAppid: runtime.componentAppid,
  };
}

/** Sends one call as the workbench: refused before sending when anything is wrong with it, logged when sent. */
export async function sendFromWorkbench(host: RuntimeHost, input: { name: string; appid: string | null; body: string }): Promise<WorkbenchSendResult> {
  const runtime = host.requireRuntime();
  const spec = specNamed(input.name);
  const blocked = unavailable(spec);
  if (blocked) throw new ServiceError('invalid_arguments', blocked);
  const parsed = parseJsonBody(input.body);
  if (!parsed.ok) throw new ServiceError('invalid_arguments', { en: parsed.en, zh: parsed.zh }, { line: parsed.line, column: parsed.column });
  const credential = handTypedCredential(parsed.value);
  if (credential) {
    throw new ServiceError('invalid_arguments', {
      en: `The body names a token or secret ("${credential}"). Remove it: the workbench sends the console's own token for the account you picked.`,
      zh: `请求体中含有令牌或密钥字段（“${credential}”）。请删除：工作台会使用所选账号的控制台令牌。`,
    });
  }
  let caller = checkedCaller(host, runtime, input.appid);
  // A component API always goes with the platform's token, whichever account is picked.
  if (spec.token === 'component') caller = null;
  if (spec.token === 'authorizer' && caller === null) {
    throw new ServiceError('invalid_arguments', {
      en: `${spec.name} takes an authorizer's token: pick an authorized account, not the platform.`,
      zh: `${spec.name} 需要授权账号的令牌：请选择一个授权账号，而不是平台本身。`,
    });
  }
  const tokenKind = tokenKindFor(spec, caller === null ? { as: 'platform' } : { as: 'authorizer', appid: caller });
  const url = new URL(specPath(spec), 'http://x');
  if (spec.request === 'query') for (const [k, v] of Object.entries(parsed.value)) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
  const request = {
    method: spec.method,
    url: `${url.pathname}${url.search}${url.search ? '&' : '?'}${spec.tokenParam ?? 'access_token'}=${tokenPlaceholder(tokenKind)}`,
    body: spec.request === 'json' ? redactBody(parsed.value) : null,
    tokenKind,
  };
  const logPath = sanitizePath(url.pathname + url.search);
  const componentAppid = runtime.componentAppid;
  const since = Date.now();
  const started = performance.now();
  const base = { request, rid: null, apiLogIds: [] as number[], failure: null, binary: null, response: null, explanation: null };
  let result: WorkbenchSendResult;
  try {
    const answer = await runtime.invokeAs(spec, caller, parsed.value as never);
    const latencyMs = Math.round(performance.now() - started);
    if (spec.answer === 'binary') {
      const file = answer as BinaryAnswer;
      result = {
        ...base,
        outcome: 'ok',
        errcode: 0,
        errmsg: 'ok',
        latencyMs,
        binary: { contentType: file.contentType, filename: file.filename, size: file.bytes.byteLength, base64: Buffer.from(file.bytes).toString('base64') },
      };
    } else {
      const json = answer as Record<string, unknown>;
      result = { ...base, outcome: 'ok', errcode: 0, errmsg: typeof json.errmsg === 'string' ? json.errmsg : 'ok', latencyMs, response: redactBody(json) };
    }
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    if (err instanceof WeChatInputError) {
      throw new ServiceError('invalid_arguments', { en: `Not sent: ${err.message}`, zh: `未发送：请求不符合 ${spec.name} 的规则（${err.message}）` });
    }
    if (err instanceof WeChatApiError) {
      result = {
        ...base,
        outcome: 'wechat_error',
        errcode: err.errcode,
        errmsg: err.errmsg,
        explanation: explainErrcode(err.errcode),
        rid: err.rid,
        latencyMs,
        response: redactBody({ errcode: err.errcode, errmsg: err.errmsg }),
      };
    } else if (err instanceof Error && err.name === 'WeChatTransportError') {
      result = { ...base, outcome: 'failed', errcode: null, errmsg: null, latencyMs, failure: errorText(err) };
    } else {
      throw err;
    }
  }
  // The rows this call wrote (one per attempt): same path and account, since it was sent.
  // The log names the account the request is about, else the token's owner (as the client records it).
  const loggedAppid = spec.about?.(parsed.value as never) ?? caller ?? componentAppid;
  const mine = host.store.apiLog.list({ componentAppid, path: logPath, appid: loggedAppid, from: since, limit: 20 }).rows;
  result.apiLogIds = mine.map((r) => r.id);
  result.rid ??= mine.find((r) => r.rid)?.rid ?? null;
  return result;
}

/** Start of this month in Beijing time (WeChat's counters go by Beijing days and months), as epoch ms. */
function beijingMonthStart(now: number): number {
  const bj = new Date(now + 8 * 3_600_000);
  return Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), 1) - 8 * 3_600_000;
}

/** clear_quota calls this console made for `appid` this month that WeChat accepted. */
function clearsThisMonth(host: RuntimeHost, componentAppid: string, appid: string): number {
  const from = beijingMonthStart(Date.now());
  let n = 0;
  let beforeId: number | undefined;
  for (;;) {
    const page = host.store.apiLog.list({ componentAppid, path: clearQuota.path, appid, errcode: 0, from, limit: 500, ...(beforeId ? { beforeId } : {}) });
    n += page.rows.length;
    if (page.nextBeforeId === null || page.nextBeforeId === undefined) return n;
    beforeId = page.nextBeforeId;
  }
}

export async function quotaInfo(host: RuntimeHost, appid: string | null, cgiPath?: string): Promise<QuotaInfo> {
  const runtime = host.requireRuntime();
  const caller = checkedCaller(host, runtime, appid);
  const account = caller ?? runtime.componentAppid;
  let quota: QuotaInfo['quota'] = null;
  if (cgiPath) {
    const res = await runtime.invokeAs(getApiQuota, caller, { cgi_path: cgiPath });
    quota = { cgiPath, dailyLimit: res.quota.daily_limit, used: res.quota.used, remain: res.quota.remain };
  }
  return { appid: account, quota, clearsPerMonth: CLEARS_PER_MONTH, clearsThisMonth: clearsThisMonth(host, runtime.componentAppid, account) };
}

/** clear_quota with the account's own token (the platform's for the platform); 48006 comes back as WeChat's error. */
export async function clearAccountQuota(host: RuntimeHost, appid: string | null): Promise<QuotaInfo> {
  const runtime = host.requireRuntime();
  const caller = checkedCaller(host, runtime, appid);
  await runtime.invokeAs(clearQuota, caller, { appid: caller ?? runtime.componentAppid });
  return quotaInfo(host, caller);
}
