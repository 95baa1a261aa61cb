/**
 * The building blocks the domains' argument schemas share. Domain files import only its type; the main process
 * passes this kit to each schema builder once (src/main/ipc/schemas.ts).
 */
import { z } from 'zod';
import { plaintextToAnotherHost } from '../net';

/** WeChat appids: "wx" + 16 hex digits (component and authorizer appids alike). */
const appid = z.string().regex(/^wx[0-9a-f]{16}$/i, 'must be a WeChat appid: "wx" followed by 16 hex digits / 须为微信 appid：wx 加 16 位十六进制字符');

export const kit = {
  z,
  noArgs: z.strictObject({}),
  appid,
  /** Epoch milliseconds. */
  epochMs: z.number().int().nonnegative(),
  rowId: z.number().int().positive(),
  shortText: (max: number) => z.string().max(max, `must be at most ${max} characters`),
  /** A secret in platform/save: omitted = keep, null = clear, string = set (and checked). */
  secret: (what: string, check?: z.ZodString) =>
    (check ?? z.string().min(1, `${what} must not be empty (send null to clear it) / ${what} 不能为空（要清除请传 null）`)).nullable().optional(),
  relayUrl: z
    .string()
    .url('must be a URL such as https://relay.example.com / 须为网址，例如 https://relay.example.com')
    .refine((u) => /^(https?|wss?):\/\//i.test(u), 'must start with https://, http://, wss:// or ws:// / 须以 https://、http://、wss:// 或 ws:// 开头')
    // The desk key travels with every request to the relay: in plain text only to this computer.
    .refine(
      (u) => !URL.canParse(u) || !plaintextToAnotherHost(new URL(u)),
      'must use https:// or wss:// (http:// and ws:// only to 127.0.0.1, localhost or [::1]: the desk key travels with every request) / 须使用 https:// 或 wss://（http:// 与 ws:// 仅限 127.0.0.1、localhost 或 [::1]：每个请求都带着 desk key）',
    )
    .nullable()
    .optional(),
};

export type SchemaKit = typeof kit;
