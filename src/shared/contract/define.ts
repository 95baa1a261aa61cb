/**
 * How a domain declares its part of the contract: `<domain>Methods = defineMethods({...})` and, when it emits any,
 * `<domain>Events = defineEvents({...})`. Everything else (the method and event types, API_METHODS, APP_EVENTS) is
 * derived from these objects in ./index.ts.
 *
 * A method's arguments are a zod schema written as a function of the schema kit (./kit.ts). That keeps this folder
 * free of zod at run time: the preload and the renderer load the method names and never the validators; only the
 * main process's router builds the schemas (src/main/ipc/schemas.ts). The helpers below are marked free of side
 * effects so a bundle that reads only the events (the renderer) drops the method declarations.
 */
import type { z } from 'zod';
import type { SchemaKit } from './kit';

export interface MethodSpec {
  /** Builds the zod schema of the arguments (objects are strict: an unexpected key is an error naming it). */
  args: (kit: SchemaKit) => z.ZodType;
  /** The result type, written `returns<T>()`; nothing at run time. */
  result: unknown;
}

/** Methods are named `domain/verb`. */
/* @__NO_SIDE_EFFECTS__ */
export function defineMethods<T extends Record<`${string}/${string}`, MethodSpec>>(methods: T): T {
  return methods;
}

/** Events flow main → UI only and are named `domain:what`; each value names the payload type (`payload<T>()`). */
/* @__NO_SIDE_EFFECTS__ */
export function defineEvents<T extends Record<`${string}:${string}`, unknown>>(events: T): T {
  return events;
}

/** Names a method's result type. There is nothing behind it at run time. */
/* @__NO_SIDE_EFFECTS__ */
export function returns<T>(): T {
  return undefined as T;
}

/** Names an event's payload type. There is nothing behind it at run time. */
/* @__NO_SIDE_EFFECTS__ */
export function payload<T>(): T {
  return undefined as T;
}

/** Arguments of methods that take none. */
export type NoArgs = Record<string, never>;
