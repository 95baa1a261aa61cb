/**
 * The one typed contract between the console UI (renderer, or a browser in console mode) and the main process.
 *
 * - Methods are named `domain/verb`; events `domain:what`. Each domain declares its own in ./<domain>.ts (zod schema
 *   of the arguments, result type; events' payloads); everything below is derived from those declarations.
 *   `ApiContract[M]` gives each method's `args` and `result`; `AppEvents[E]` each event's payload.
 * - Every call answers with one envelope: `{ ok: true, result } | { ok: false, error: { code, message, details? } }`.
 * - Events flow main → UI only.
 * - Transports: Electron IPC through the preload's `window.api`, or HTTP (POST /api/<method>) + WebSocket (/events)
 *   in console mode. Both carry exactly these shapes.
 * - Nothing secret ever crosses this contract: platforms say which secrets are set (`hasAppSecret`, …), never values.
 *   Secrets travel one way only, UI → main, inside `platform/save`.
 *
 * Stable: add methods and fields, never rename or remove them. No Node, no DOM, and no zod at run time (./define.ts).
 */
import type { z } from 'zod';
import { apilogMethods } from './apilog';
import { appEvents, appMethods } from './app';
import { authEvents, authMethods } from './auth';
import { authorizersEvents, authorizersMethods } from './authorizers';
import { batchEvents, batchMethods } from './batch';
import { dashboardMethods } from './dashboard';
import type { NoArgs } from './define';
import type { ApiEnvelope } from './envelope';
import { eventsEvents, eventsMethods } from './events';
import { exportEvents, exportMethods } from './export';
import { messagesMethods } from './messages';
import { mpcodeEvents, mpcodeMethods } from './mpcode';
import { oaMethods } from './oa';
import { relayEvents, relayMethods } from './relay';
import { setupEvents, setupMethods } from './setup';
import { workbenchMethods } from './workbench';
import { templatesMethods } from './templates';

export * from './apilog';
export * from './app';
export * from './auth';
export * from './authorizers';
export * from './batch';
export * from './dashboard';
export * from './envelope';
export * from './events';
export * from './export';
export * from './messages';
export * from './mpcode';
export * from './oa';
export * from './relay';
export * from './setup';
export * from './templates';
export * from './wire';
export * from './workbench';
export type { NoArgs } from './define';

/** Every domain's part of the contract; a method or event belongs to exactly one (a test checks). */
export const CONTRACT_DOMAINS = {
  app: { methods: appMethods, events: appEvents },
  setup: { methods: setupMethods, events: setupEvents },
  dashboard: { methods: dashboardMethods, events: {} },
  relay: { methods: relayMethods, events: relayEvents },
  events: { methods: eventsMethods, events: eventsEvents },
  authorizers: { methods: authorizersMethods, events: authorizersEvents },
  export: { methods: exportMethods, events: exportEvents },
  auth: { methods: authMethods, events: authEvents },
  apilog: { methods: apilogMethods, events: {} },
  batch: { methods: batchMethods, events: batchEvents },
  oa: { methods: oaMethods, events: {} },
  workbench: { methods: workbenchMethods, events: {} },
  templates: { methods: templatesMethods, events: {} },
  messages: { methods: messagesMethods, events: {} },
  mpcode: { methods: mpcodeMethods, events: mpcodeEvents },
};

// ---------------------------------------------------------------- methods

// The merges and key lists are marked pure so a bundle that uses none of the methods (the renderer) drops them.
const methodSpecs = /* @__PURE__ */ (() => ({
  ...appMethods,
  ...setupMethods,
  ...dashboardMethods,
  ...relayMethods,
  ...eventsMethods,
  ...authorizersMethods,
  ...exportMethods,
  ...authMethods,
  ...apilogMethods,
  ...batchMethods,
  ...oaMethods,
  ...workbenchMethods,
  ...templatesMethods,
  ...messagesMethods,
  ...mpcodeMethods,
}))();
/** Each method's declaration: `args(kit)` builds its zod schema (main process only), `result` names its type. */
export const METHOD_SPECS: Readonly<typeof methodSpecs> = methodSpecs;

export type ApiMethod = keyof typeof methodSpecs;
/** Methods without arguments take `{}` (zod infers `{}` for an empty strict object). */
type Normalize<T> = keyof T extends never ? NoArgs : T;
export type ApiArgs<M extends ApiMethod> = Normalize<z.output<ReturnType<(typeof methodSpecs)[M]['args']>>>;
export type ApiResult<M extends ApiMethod> = (typeof methodSpecs)[M]['result'];
export type ApiContract = { [M in ApiMethod]: { args: ApiArgs<M>; result: ApiResult<M> } };

/** Every method name, at run time (the router and the preload refuse any other). */
export const API_METHODS = /* @__PURE__ */ Object.keys(methodSpecs) as readonly ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(methodSpecs, name);
}

// ---------------------------------------------------------------- events (main → UI)

const eventSpecs = /* @__PURE__ */ (() => ({
  ...eventsEvents,
  ...relayEvents,
  ...authorizersEvents,
  ...exportEvents,
  ...authEvents,
  ...setupEvents,
  ...appEvents,
  ...batchEvents,
  ...mpcodeEvents,
}))();

export type AppEvents = { [E in keyof typeof eventSpecs]: (typeof eventSpecs)[E] };
export type AppEventName = keyof AppEvents;

export const APP_EVENTS = /* @__PURE__ */ Object.keys(eventSpecs) as readonly AppEventName[];

export function isAppEventName(name: unknown): name is AppEventName {
  return typeof name === 'string' && Object.hasOwn(eventSpecs, name);
}

/** One event as sent over the wire (IPC channel payload, or a WebSocket text frame in console mode). */
export interface AppEventMessage<E extends AppEventName = AppEventName> {
  event: E;
  payload: AppEvents[E];
}

// ---------------------------------------------------------------- what the renderer sees

/**
 * `window.api` in Electron (from the preload), and the same shape built over HTTP + WebSocket in console mode.
 * `invoke` never rejects for API errors: it resolves to the envelope. `on` returns an unsubscribe function.
 */
export interface WindowApi {
  invoke<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiEnvelope<ApiResult<M>>>;
  on<E extends AppEventName>(event: E, callback: (payload: AppEvents[E]) => void): () => void;
}
