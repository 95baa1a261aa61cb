/**
 * Builds the engine for one platform (src/main/engine.ts): token manager, API client, relay client, inbox pipeline.
 * The signature is what the console host calls.
 */
import { createPlatformEngine } from '../engine';
import type { CreatePlatformRuntimeOptions, PlatformRuntime } from './runtime';

export type PlatformRuntimeFactory = (options: CreatePlatformRuntimeOptions) => Promise<PlatformRuntime>;

export const createPlatformRuntime: PlatformRuntimeFactory = (options) => createPlatformEngine(options);
