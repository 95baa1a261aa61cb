/**
 * One zod schema per contract method, validating the arguments before any handler runs. Objects are strict (an
 * unexpected key is an error naming it), and a compile-time check below proves each schema's type equals the
 * contract's args type, so the two cannot drift apart.
 */
import { z } from 'zod';
import {
  AUTHORIZER_OPTION_NAMES,
  EXPORT_COLUMNS,
  EXPORT_FORMATS,
  SETUP_CHECKS,
  type ApiArgs,
  type ApiMethod,
} from '../../shared/contract';
import {
  AUTHORIZER_KINDS,
  AUTHORIZER_SORT_COLUMNS,
  AUTHORIZER_STATUSES,
  EGRESS_MODES,
  EVENT_KINDS,
} from '../../shared/domain';

const noArgs = z.strictObject({});

/** WeChat appids: "wx" + 16 hex digits (component and authorizer appids alike). */
const appid = z.string().regex(/^wx[0-9a-f]{16}$/i, 'must be a WeChat appid: "wx" followed by 16 hex digits');
/** Epoch milliseconds. */
const epochMs = z.number().int().nonnegative();
const rowId = z.number().int().positive();
const shortText = (max: number) => z.string().max(max, `must be at most ${max} characters`);

const secret = (what: string, check?: z.ZodString) =>
  (check ?? z.string().min(1, `${what} must not be empty (send null to clear it)`)).nullable().optional();

const relayUrl = z
  .string()
  .url('must be a URL such as https://relay.example.com')
  .refine((u) => /^(https?|wss?):\/\//i.test(u), 'must start with https://, http://, wss:// or ws://')
  .nullable()
  .optional();

export const argSchemas = {
  'app/info': noArgs,
  'settings/get': noArgs,
  'settings/set': z.strictObject({
    allowInsecureSecretStorage: z.boolean().optional(),
    language: z.enum(['zh-CN', 'en']).nullable().optional(),
  }),
  'shell/openExternal': z.strictObject({ url: shortText(4096) }),

  'platform/list': noArgs,
  'platform/get': z.strictObject({ componentAppid: appid }),
  'platform/save': z.strictObject({
    componentAppid: appid,
    name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    relayUrl,
    egress: z.enum(EGRESS_MODES).optional(),
    appSecret: secret('AppSecret', z.string().regex(/^[0-9a-zA-Z]{16,64}$/, 'must be the 32-character AppSecret')),
    token: secret(
      'Token',
      z.string().regex(/^[0-9a-zA-Z]{3,32}$/, 'must be the message-check Token: 3–32 letters or digits'),
    ),
    encodingAesKey: secret(
      'EncodingAESKey',
      z.string().regex(/^[0-9a-zA-Z]{43}$/, 'must be the 43-character EncodingAESKey (letters and digits)'),
    ),
    deskKey: secret('desk key', z.string().min(16, 'must be at least 16 characters').max(512)),
  }),
  'platform/select': z.strictObject({ componentAppid: appid }),
  'platform/delete': z.strictObject({ componentAppid: appid }),

  'dashboard/get': noArgs,
  'relay/refusals': noArgs,

  'events/list': z.strictObject({
    kind: z.enum(EVENT_KINDS).optional(),
    infoType: shortText(64).optional(),
    msgType: shortText(64).optional(),
    event: shortText(64).optional(),
    appid: appid.optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
    failedOnly: z.boolean().optional(),
    search: shortText(200).optional(),
    beforeId: rowId.optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }),
  'events/get': z.strictObject({ id: rowId }),
  'events/rerun': z.strictObject({ id: rowId }),

  'authorizers/list': z.strictObject({
    kind: z.enum(AUTHORIZER_KINDS).optional(),
    status: z.enum(AUTHORIZER_STATUSES).optional(),
    funcId: z.number().int().positive().optional(),
    authorizedFrom: epochMs.optional(),
    authorizedTo: epochMs.optional(),
    search: shortText(200).optional(),
    sort: z.enum(AUTHORIZER_SORT_COLUMNS).optional(),
    dir: z.enum(['asc', 'desc']).optional(),
    offset: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  'authorizers/get': z.strictObject({ appid }),
  'authorizers/sync': noArgs,
  'authorizers/export': z.strictObject({
    format: z.enum(EXPORT_FORMATS),
    columns: z.array(z.enum(EXPORT_COLUMNS)).min(1, 'choose at least one column').max(EXPORT_COLUMNS.length).optional(),
    appids: z.array(appid).min(1, 'select at least one row, or leave appids out to export the filter').max(200_000).optional(),
    kind: z.enum(AUTHORIZER_KINDS).optional(),
    status: z.enum(AUTHORIZER_STATUSES).optional(),
    funcId: z.number().int().positive().optional(),
    authorizedFrom: z.number().int().nonnegative().optional(),
    authorizedTo: z.number().int().nonnegative().optional(),
    search: shortText(200).optional(),
  }),
  'authorizers/getOption': z.strictObject({ appid, optionName: z.enum(AUTHORIZER_OPTION_NAMES) }),
  'authorizers/setOption': z.strictObject({
    appid,
    optionName: z.enum(AUTHORIZER_OPTION_NAMES),
    optionValue: z.string().regex(/^[0-9]{1,3}$/, 'must be the option value as WeChat expects it, e.g. "0" or "1"'),
  }),
  'authorizers/checkRefreshToken': z.strictObject({ appid }),

  'auth/createLink': z.strictObject({
    authType: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6)], {
      error: 'must be 1 (official accounts), 2 (mini programs), 3 (both), or 4–6',
    }),
    bizAppid: appid.optional(),
    categoryIds: z
      .string()
      .regex(/^\d+(\|\d+)*$/, 'must be category ids separated by "|", e.g. "1|2"')
      .optional(),
  }),
  'auth/listLinks': z.strictObject({ limit: z.number().int().min(1).max(500).optional() }),

  'apilog/list': z.strictObject({
    path: shortText(200).optional(),
    errcode: z.number().int().optional(),
    appid: appid.optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
    errorsOnly: z.boolean().optional(),
    beforeId: rowId.optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }),

  'errcode/explain': z.strictObject({ errcode: z.number().int() }),

  'setup/test': z.strictObject({
    check: z.enum(SETUP_CHECKS),
    sample: z
      .strictObject({
        timestamp: z.string().regex(/^\d{1,12}$/, 'must be the timestamp query parameter (digits)'),
        nonce: shortText(64).min(1, 'must not be empty'),
        msgSignature: z.string().regex(/^[0-9a-f]{40}$/i, 'must be the 40-hex-digit msg_signature'),
        body: z.string().min(1, 'must not be empty').max(65536, 'must be at most 64 KiB'),
      })
      .optional(),
  }),
  'setup/backup': noArgs,
} satisfies Record<ApiMethod, z.ZodType>;

// ---- compile-time proof that every schema's type is exactly the contract's args type

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Methods without arguments are declared `Record<string, never>` in the contract; zod infers `{}`. */
type Normalize<T> = keyof T extends never ? Record<string, never> : T;
type SchemaMismatches = {
  [M in ApiMethod]: Equal<Normalize<z.output<(typeof argSchemas)[M]>>, ApiArgs<M>> extends true ? never : M;
}[ApiMethod];
const _schemasMatchContract: [SchemaMismatches] extends [never] ? true : SchemaMismatches = true;
void _schemasMatchContract;
