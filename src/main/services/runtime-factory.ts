/**
 * Builds the engine for one platform. The lead replaces the body with the real engine (token manager, API client,
 * relay client, inbox pipeline); the signature is what the console host calls and stays as is.
 */
import type { CreatePlatformRuntimeOptions, PlatformRuntime } from './runtime';

export type PlatformRuntimeFactory = (options: CreatePlatformRuntimeOptions) => Promise<PlatformRuntime>;

export const createPlatformRuntime: PlatformRuntimeFactory = async (options) => {
  throw new Error(`engine not wired yet: cannot start platform ${options.componentAppid}`);
};
