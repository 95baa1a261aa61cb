/**
 * One zod schema per contract method, validating the arguments before any handler runs. The schemas are declared by
 * each domain in src/shared/contract/<domain>.ts (the contract's types are derived from them, so the two cannot drift
 * apart); they are built here, once, because only the main process validates.
 */
import type { z } from 'zod';
import { API_METHODS, METHOD_SPECS, type ApiMethod } from '../../shared/contract';
import { kit } from '../../shared/contract/kit';

type ArgSchemas = { [M in ApiMethod]: ReturnType<(typeof METHOD_SPECS)[M]['args']> };

export const argSchemas = Object.fromEntries(
  API_METHODS.map((method) => [method, METHOD_SPECS[method].args(kit)]),
) as ArgSchemas satisfies Record<ApiMethod, z.ZodType>;
