/**
 * Registering mini programs: enterprise, personal, trial (beta, with its verification) and via an official account.
 * Each call makes a task (src/shared/mp/register.ts RegisterTask) whose progress the list and the event
 * `mpregister:changed` show until the new mini program is an authorizer. The forms' rules (code length by code type,
 * WeChat IDs, names, phone, openid) are checked by the service with each field named (invalid_arguments) before any
 * call; a WeChat refusal fails the task with its errcode (returned, not thrown).
 */
import type { RegisterTask } from '../mp/register';
import { defineEvents, defineMethods, payload, returns } from './define';

export type { RegisterTask } from '../mp/register';

// Shapes only here; the rules with their explanations are the service's (so the field is named in both languages).
const text = (z: typeof import('zod').z, max: number) => z.string().max(max, `at most ${max} characters / 最多 ${max} 个字符`);
const codeType = (z: typeof import('zod').z) => z.number().int();

export const mpregisterMethods = defineMethods({
  /** Newest first. */
  'mpregister/list': { args: ({ z }) => z.strictObject({ limit: z.number().int().min(1).max(1000).optional() }), result: returns<RegisterTask[]>() },
  /** fastregisterweapp?action=create; the result arrives as notify_third_fasteregister. */
  'mpregister/createEnterprise': {
    args: ({ z }) =>
      z.strictObject({
        name: text(z, 200),
        code: text(z, 64),
        codeType: codeType(z),
        legalPersonaWechat: text(z, 64),
        legalPersonaName: text(z, 64),
        componentPhone: text(z, 32).optional(),
      }),
    result: returns<RegisterTask>(),
  },
  /** fastregisterpersonalweapp?action=create: taskid and the authorize_url the person opens in WeChat. */
  'mpregister/createPersonal': {
    args: ({ z }) => z.strictObject({ idname: text(z, 64), wxuser: text(z, 64), componentPhone: text(z, 32).optional() }),
    result: returns<RegisterTask>(),
  },
  /** fastregisterbetaweapp: unique_id and the authorize_url; the result arrives as notify_third_fastregisterbetaapp. */
  'mpregister/createBeta': { args: ({ z }) => z.strictObject({ name: text(z, 64), openid: text(z, 128) }), result: returns<RegisterTask>() },
  /** WeChat's fastregisterauth link for an official account (registered on the relay when there is one). */
  'mpregister/createViaOa': {
    args: ({ z, appid }) => z.strictObject({ oaAppid: appid, copyWxVerify: z.boolean(), redirectUri: text(z, 1024).optional() }),
    result: returns<RegisterTask>(),
  },
  /** Without a relay: the ticket (or the whole address the admin landed on) for a via-OA task. */
  'mpregister/submitTicket': { args: ({ z }) => z.strictObject({ id: z.number().int().min(1), ticket: text(z, 4096) }), result: returns<RegisterTask>() },
  /** The enterprise search or the personal query for a task. */
  'mpregister/refresh': { args: ({ z }) => z.strictObject({ id: z.number().int().min(1) }), result: returns<RegisterTask>() },
  /** verifybetaweapp for a created trial mini program; the result arrives as notify_third_fastverifybetaapp. */
  'mpregister/verifyBeta': {
    args: ({ z }) =>
      z.strictObject({
        id: z.number().int().min(1),
        enterpriseName: text(z, 200),
        code: text(z, 64),
        codeType: codeType(z),
        legalPersonaWechat: text(z, 64),
        legalPersonaName: text(z, 64),
        componentPhone: text(z, 32).optional(),
      }),
    result: returns<RegisterTask>(),
  },
});

export const mpregisterEvents = defineEvents({
  /** A registration task was created or changed (stage, appid, error, verification): the task as now stored. */
  'mpregister:changed': payload<RegisterTask>(),
});
