/**
 * Control endpoints under /__sim/ (what tests need and real WeChat never has): one table gives each endpoint's
 * method, path, parameters, help line and handler; GET /__sim/help and `wxopen sim --help` print the same table.
 * Every request needs the header X-Wxopen-Sim: 1.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { field, parseXml } from '../../wechat/xml';
import { readBody, sendJson } from '../kernel/http';
import type { PushKind } from '../pushes/delivery';
import type { Simulator } from '../simulator';
import { MP_CONTROL_ENDPOINTS } from './mp';
import type { FastRegisterInput, FaultSettings, ReleaseCheckOptions } from '../types';

/** The header every /__sim/ control request must carry with the value 1 (lower case: Node's header keys). */
export const SIM_CONTROL_HEADER = 'x-wxopen-sim';

export interface ControlCtx {
  sim: Simulator;
  body: Record<string, unknown>;
  query: URLSearchParams;
  /** The :appid of the path, for the endpoints that have one. */
  appid: string;
}

export interface ControlEndpoint {
  method: 'GET' | 'POST';
  path: string;
  /** Body fields (POST) or query parameters (GET), as shown in the help. */
  params?: string;
  help: string;
  handler: (c: ControlCtx) => unknown;
}

const num = (v: unknown, name: string): number => {
  const n = typeof v === 'string' && v !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`${name} must be a number`);
  return n;
};
const text = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || !v) throw new RangeError(`${name} is required (a string)`);
  return v;
};

export const CONTROL_ENDPOINTS: readonly ControlEndpoint[] = [
  { method: 'GET', path: '/__sim/help', help: 'this list', handler: () => ({ endpoints: controlHelpLines() }) },
  { method: 'GET', path: '/__sim/state', help: 'counts, the clock and the settings', handler: ({ sim }) => sim.summary() },
  { method: 'GET', path: '/__sim/endpoints', help: 'the WeChat APIs served, by family (from the endpoint specs)', handler: ({ sim }) => ({ endpoints: sim.endpoints() }) },
  { method: 'GET', path: '/__sim/config', help: 'credentials and settings', handler: ({ sim }) => ({ ...sim.config, ...sim.getSettings() }) },
  {
    method: 'POST',
    path: '/__sim/config',
    params: '{authEventUrl?, messageUrl?, allowIps?, tokenGraceSeconds?, rotateRefreshTokens?, dailyQuota?, minuteQuota?, defaultDailyQuota?}',
    help: 'change settings',
    handler: ({ sim, body: b }) => {
      if ('authEventUrl' in b) sim.setAuthEventUrl((b.authEventUrl as string | null) || null);
      if ('messageUrl' in b) sim.setMessageUrl((b.messageUrl as string | null) || null);
      if ('allowIps' in b) {
        if (!Array.isArray(b.allowIps)) throw new RangeError('allowIps must be an array of IPs');
        sim.setAllowIps(b.allowIps as string[]);
      }
      if ('tokenGraceSeconds' in b) sim.setTokenGraceSeconds(num(b.tokenGraceSeconds, 'tokenGraceSeconds'));
      if ('rotateRefreshTokens' in b) sim.setRotateRefreshTokens(b.rotateRefreshTokens === true);
      if ('dailyQuota' in b || 'minuteQuota' in b || 'defaultDailyQuota' in b) {
        sim.setQuota({
          dailyQuota: b.dailyQuota as Record<string, number> | undefined,
          minuteQuota: b.minuteQuota as Record<string, number> | undefined,
          defaultDailyQuota: b.defaultDailyQuota === undefined ? undefined : num(b.defaultDailyQuota, 'defaultDailyQuota'),
        });
      }
      return sim.getSettings();
    },
  },
  { method: 'GET', path: '/__sim/clock', help: 'the simulator clock', handler: ({ sim }) => ({ now: sim.now(), offsetMs: sim.clockOffsetMs }) },
  { method: 'POST', path: '/__sim/clock/advance', params: '{seconds}', help: 'move the clock forward', handler: ({ sim, body }) => ({ now: sim.advanceClock(num(body.seconds, 'seconds')) }) },
  {
    method: 'POST',
    path: '/__sim/faults',
    params: '{rules:[{path, systemErrorShare?, quotaErrorShare?, latencyMs?, appids?, errcode?, errorShare?}], dropPushShare?}',
    help: 'answer a share of calls -1, 45009 or an errcode (for some accounts only with appids), add latency, drop pushes',
    handler: ({ sim, body }) => {
      sim.setFaults(body as FaultSettings);
      return { faults: sim.getSettings().faults };
    },
  },
  { method: 'GET', path: '/__sim/tokens', help: 'tickets, tokens and codes with their status', handler: ({ sim }) => sim.tokens() },
  {
    method: 'GET',
    path: '/__sim/authorizers',
    params: '?offset&count',
    help: 'authorized accounts',
    handler: ({ sim, query }) => sim.listAuthorizers(Number(query.get('offset') ?? 0), Math.min(1000, Number(query.get('count') ?? 100))),
  },
  {
    method: 'GET',
    path: '/__sim/authorizers/:appid',
    help: 'one account, with its refresh token and latest access token',
    handler: ({ sim, appid }) => {
      const a = sim.authorizer(appid);
      if (!a) throw new RangeError(`unknown account ${appid}`);
      return a;
    },
  },
  {
    method: 'GET',
    path: '/__sim/candidates',
    help: 'accounts offered on the authorization page',
    handler: ({ sim }) => ({ candidates: sim.candidateProfiles().map((p) => ({ ...p, authorized: sim.isAuthorized(p.appid) })) }),
  },
  { method: 'GET', path: '/__sim/test-groups', help: 'the five release-check test groups', handler: ({ sim }) => ({ groups: sim.testGroups() }) },
  {
    method: 'GET',
    path: '/__sim/pushes',
    params: '?kind&type&appid',
    help: 'pushes sent, with every attempt',
    handler: ({ sim, query: q }) => ({ pushes: sim.getPushes({ kind: (q.get('kind') as PushKind) || undefined, type: q.get('type') || undefined, appid: q.get('appid') || undefined }) }),
  },
  { method: 'GET', path: '/__sim/messages', params: '?appid', help: 'custom messages received', handler: ({ sim, query }) => ({ messages: sim.getCustomMessages(query.get('appid') || undefined) }) },
  {
    method: 'POST',
    path: '/__sim/interact',
    params: '{appid, openid?, kind?: "text"|"subscribe"|"SCAN"|"CLICK"|"scancode_push"|"scancode_waitmsg"|"VIEW"|"unsubscribe", content?, secondsAgo?}',
    help: 'a user interacts with an official account: pushed to the message URL (so the console sees the openid) and counted for the customer-service reply window',
    handler: async ({ sim, body: b }) => {
      const kind = b.kind === undefined ? 'text' : text(b.kind, 'kind');
      const secondsAgo = b.secondsAgo === undefined ? 0 : num(b.secondsAgo, 'secondsAgo');
      if (secondsAgo < 0) throw new RangeError('secondsAgo must be ≥ 0');
      const extra = secondsAgo > 0 ? { CreateTime: Math.floor(sim.now() / 1000 - secondsAgo) } : undefined;
      const appid = text(b.appid, 'appid');
      const push = await sim.sendUserMessage({
        appid,
        openid: b.openid as string | undefined,
        ...(kind === 'text' ? { msgType: 'text' as const, content: typeof b.content === 'string' ? b.content : undefined } : { msgType: 'event' as const, event: kind }),
        extra,
      });
      const openid = field(parseXml(push.plaintext), 'FromUserName') ?? '';
      return { openid, push: { id: push.id, outcome: push.outcome, reason: push.reason ?? null }, window: sim.serviceWindow(appid, openid) };
    },
  },
  {
    method: 'GET',
    path: '/__sim/service-window',
    params: '?appid&openid',
    help: "customer-service reply windows: each interaction's grant (until, sends left), for one user or every user",
    handler: ({ sim, query }) => {
      const appid = query.get('appid') || undefined;
      const openid = query.get('openid');
      return openid ? { grants: sim.serviceWindow(text(appid, 'appid'), openid) } : { users: sim.serviceWindows(appid) };
    },
  },
  { method: 'GET', path: '/__sim/media', params: '?appid', help: 'temporary media uploaded (media/upload): id, type, name, size, sha256', handler: ({ sim, query }) => ({ media: sim.getMedia(query.get('appid') || undefined) }) },
  {
    method: 'POST',
    path: '/__sim/editor-menu',
    params: '{appid, button: [...] | null}',
    help: "a menu made in the MP editor (selfmenu types text, img, news, …), seen by get_current_selfmenu_info until a menu is published through the API",
    handler: ({ sim, body: b }) => {
      sim.setEditorMenu(text(b.appid, 'appid'), (b.button ?? null) as Record<string, unknown>[] | null);
      return { ok: true };
    },
  },
  {
    method: 'POST',
    path: '/__sim/mini-program-link',
    params: '{oa, mp, status?: 1 | 2 | 3 | 12 | null}',
    help: 'link a mini program to an official account (status 1, the default), leave it pending (2, 12) or refused (3), or unlink it (null); menus may open only linked ones (45064)',
    handler: ({ sim, body: b }) => {
      const status = b.status === undefined ? 1 : b.status;
      if (status !== null && ![1, 2, 3, 12].includes(status as number)) throw new RangeError('status must be 1, 2, 3, 12 or null');
      sim.setMiniProgramLink(text(b.oa, 'oa'), text(b.mp, 'mp'), status as 1 | 2 | 3 | 12 | null);
      return { ok: true, linked: sim.linkedMiniPrograms(text(b.oa, 'oa')) };
    },
  },
  {
    method: 'POST',
    path: '/__sim/template-finish',
    params: '{openid, status | null}',
    help: 'the TEMPLATESENDJOBFINISH status template messages to this openid get ("failed:user block", "failed:system failed"; null: success)',
    handler: ({ sim, body: b }) => {
      sim.setTemplateFinishStatus(text(b.openid, 'openid'), b.status === null || b.status === undefined ? null : text(b.status, 'status'));
      return { ok: true };
    },
  },
  { method: 'GET', path: '/__sim/template-messages', params: '?appid', help: 'template messages sent, with their job-finish status', handler: ({ sim, query }) => ({ messages: sim.getTemplateMessages(query.get('appid') || undefined) }) },
  { method: 'GET', path: '/__sim/calls', params: '?path', help: 'API calls received', handler: ({ sim, query }) => ({ calls: sim.getCalls(query.get('path') || undefined) }) },
  { method: 'POST', path: '/__sim/ticket', help: 'push a new component_verify_ticket now', handler: ({ sim }) => sim.pushTicket() },
  {
    method: 'POST',
    path: '/__sim/authorize',
    params: '{appid, funcIds?, push?, wait?}',
    help: 'an admin approves the authorization (authorized / updateauthorized push)',
    handler: async ({ sim, body: b }) => {
      const funcIds = b.funcIds === undefined ? undefined : (b.funcIds as number[]);
      if (funcIds !== undefined && (!Array.isArray(funcIds) || funcIds.some((x) => !Number.isInteger(x)))) throw new RangeError('funcIds must be an array of integers');
      const { push, ...rest } = sim.authorize(text(b.appid, 'appid'), { funcIds, push: b.push !== false });
      return { ...rest, push: b.wait === false ? null : await push };
    },
  },
  {
    method: 'POST',
    path: '/__sim/unauthorize',
    params: '{appid, wait?}',
    help: 'the account cancels the authorization (unauthorized push)',
    handler: async ({ sim, body: b }) => {
      const r = sim.unauthorize(text(b.appid, 'appid'));
      return { appid: r.appid, push: b.wait === false ? null : await r.push };
    },
  },
  {
    method: 'POST',
    path: '/__sim/message',
    params: '{appid, openid?, msgType?, content?, event?, eventKey?, latitude?, longitude?, precision?, extra?}',
    help: 'a user message or event to the message URL',
    handler: ({ sim, body: b }) =>
      sim.sendUserMessage({
        appid: text(b.appid, 'appid'),
        openid: b.openid as string | undefined,
        msgType: b.msgType as 'text' | 'event' | undefined,
        content: b.content as string | undefined,
        event: b.event as string | undefined,
        eventKey: b.eventKey as string | undefined,
        latitude: b.latitude as number | undefined,
        longitude: b.longitude as number | undefined,
        precision: b.precision as number | undefined,
        extra: b.extra as Record<string, string | number> | undefined,
      }),
  },
  {
    method: 'POST',
    path: '/__sim/fastregister',
    params: '{status?, msg?, name?, code?, codeType?, legalPersonaWechat?, legalPersonaName?, componentPhone?, personal?, taskid?}',
    help: 'finish a fast registration (notify_third_fasteregister push): the enterprise task of that name, or the personal task taskid',
    handler: async ({ sim, body }) => {
      if (body.status !== undefined && !Number.isSafeInteger(body.status)) throw new RangeError('status must be an integer (0 success)');
      if (body.taskid !== undefined && (typeof body.taskid !== 'string' || !body.taskid)) throw new RangeError('taskid must be the taskid fastregisterpersonalweapp answered');
      const r = sim.fastRegister(body as FastRegisterInput);
      return { appid: r.appid, authCode: r.authCode, push: await r.push };
    },
  },
  {
    method: 'POST',
    path: '/__sim/fastregister-beta',
    params: '{uniqueId, status?, msg?}',
    help: 'finish a trial (beta) registration (notify_third_fastregisterbetaapp push; on status 0 the new mini program is authorized)',
    handler: async ({ sim, body: b }) => {
      if (b.status !== undefined && !Number.isSafeInteger(b.status)) throw new RangeError('status must be an integer (0 success)');
      if (b.msg !== undefined && typeof b.msg !== 'string') throw new RangeError('msg must be a string');
      const r = sim.fastRegisterBeta({ uniqueId: text(b.uniqueId, 'uniqueId'), status: b.status as number | undefined, msg: b.msg as string | undefined });
      return { appid: r.appid, push: await r.push, authorized: r.authorized ? await r.authorized : null };
    },
  },
  {
    method: 'POST',
    path: '/__sim/fastverify-beta',
    params: '{appid, status?, msg?}',
    help: "finish a trial mini program's verification (notify_third_fastverifybetaapp push)",
    handler: async ({ sim, body: b }) => {
      if (b.status !== undefined && !Number.isSafeInteger(b.status)) throw new RangeError('status must be an integer (0 success)');
      if (b.msg !== undefined && typeof b.msg !== 'string') throw new RangeError('msg must be a string');
      const r = sim.fastVerifyBeta({ appid: text(b.appid, 'appid'), status: b.status as number | undefined, msg: b.msg as string | undefined });
      return { push: await r.push };
    },
  },
  ...MP_CONTROL_ENDPOINTS,
  {
    method: 'POST',
    path: '/__sim/release-check',
    params: '{group?: 1..5|"all", accounts?: "oa"|"mp"|"both", apiTimeoutMs?}',
    help: 'run the full-network release check',
    handler: ({ sim, body: b }) =>
      sim.releaseCheck({
        group: b.group === undefined ? undefined : b.group === 'all' ? 'all' : num(b.group, 'group'),
        accounts: b.accounts as ReleaseCheckOptions['accounts'],
        apiTimeoutMs: b.apiTimeoutMs === undefined ? undefined : num(b.apiTimeoutMs, 'apiTimeoutMs'),
      }),
  },
  {
    method: 'POST',
    path: '/__sim/reset',
    help: 'forget everything and re-seed (settings stay)',
    handler: ({ sim }) => {
      sim.reset();
      return { ok: true };
    },
  },
];

/** One line per control endpoint: "POST /__sim/audit {appid, …}  decide the latest code audit (…)". */
export function controlHelpLines(): string[] {
  return CONTROL_ENDPOINTS.map((e) => `${e.method.padEnd(4)} ${e.path}${e.params ? ` ${e.params}` : ''}  ${e.help}`);
}

function findEndpoint(method: string, path: string): { endpoint: ControlEndpoint; appid: string } | undefined {
  for (const endpoint of CONTROL_ENDPOINTS) {
    if (endpoint.method !== method) continue;
    if (endpoint.path === path) return { endpoint, appid: '' };
    const prefix = endpoint.path.endsWith('/:appid') ? endpoint.path.slice(0, -':appid'.length) : null;
    if (prefix && path.startsWith(prefix) && /^wx[0-9A-Za-z]+$/.test(path.slice(prefix.length))) return { endpoint, appid: path.slice(prefix.length) };
  }
  return undefined;
}

export async function handleControl(sim: Simulator, req: IncomingMessage, res: ServerResponse, method: string, url: URL): Promise<void> {
  // A page on any site can make the browser post a form (or a no-cors fetch) to loopback; it cannot add a custom
  // header without a CORS preflight, which gets this same 403 and no Access-Control-Allow-* headers.
  if (req.headers[SIM_CONTROL_HEADER] !== '1') {
    return sendJson(res, 403, {
      error: `control endpoints need the header "X-Wxopen-Sim: 1" (a web page cannot send it cross-site); e.g. curl -H 'X-Wxopen-Sim: 1' ${sim.url}/__sim/help`,
    });
  }
  let body: Record<string, unknown> = {};
  try {
    const raw = await readBody(req, 1024 * 1024);
    if (raw.trim()) {
      const parsed = JSON.parse(raw) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body must be a JSON object');
      body = parsed as Record<string, unknown>;
    }
  } catch (err) {
    return sendJson(res, 400, { error: `bad JSON body: ${(err as Error).message}` });
  }
  const found = findEndpoint(method, url.pathname);
  if (!found) return sendJson(res, 404, { error: `unknown control endpoint ${method} ${url.pathname}; see GET /__sim/help` });
  try {
    sendJson(res, 200, await found.endpoint.handler({ sim, body, query: url.searchParams, appid: found.appid }));
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) return sendJson(res, 400, { error: err.message });
    throw err;
  }
}
