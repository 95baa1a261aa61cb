/**
 * How a domain declares its part of the contract: its methods and its events, in one object. Everything else (the
 * method and event types, API_METHODS, APP_EVENTS) is derived from these objects in ./index.ts.
 *
 * A method's arguments are a zod schema written as a function of the schema kit (./kit.ts). That keeps this folder
 * free of zod at run time: the preload and the renderer load the method names and never the validators; only the
 * main process's router builds the schemas (src/main/ipc/schemas.ts).
 */
import type { z } from 'zod';
import type { SchemaKit } from './kit';

export interface MethodSpec {
  /** Builds the zod schema of the arguments (objects are strict: an unexpected key is an error naming it). */
  args: (kit: SchemaKit) => z.ZodType;
  /** The result type, written `returns<T>()`; nothing at run time. */
  result: unknown;
}

/** Method names are `domain/verb`; event names `domain:what`. */
export type MethodSpecs = Record<`${string}/${string}`, MethodSpec>;
export type EventSpecs = Record<`${string}:${string}`, unknown>;

/**
 * A domain's part of the contract (the default export of its file): its methods and the events it emits (main → UI
 * only; each value names the payload type, `payload<T>()`).
 */
export function defineDomain<M extends MethodSpecs, E extends EventSpecs = {}>(domain: {
  methods: M;
  events?: E;
}): { methods: M; events: E } {
  return { methods: domain.methods, events: domain.events ?? ({} as E) };
}

/** Names a method's result type. There is nothing behind it at run time. */
export function returns<T>(): T {
  return undefined as T;
}

/** Names an event's payload type. There is nothing behind it at run time. */
export const payload: <T>() => T = returns;

/** Arguments of methods that take none. */
export type NoArgs = Record<string, never>;
