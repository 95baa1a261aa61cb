/** Setup: the configured platforms (public parts only; secrets travel UI → main inside platform/save), checks, backup. */
import type { ErrcodeExplanation } from '../errcodes';
import type { PlatformConfig } from '../domain';
import { EGRESS_MODES } from '../domain';
import { defineEvents, defineMethods, payload, returns } from './define';

export const SETUP_CHECKS = ['decrypt', 'componentToken', 'relay'] as const;
export type SetupCheck = (typeof SETUP_CHECKS)[number];

/** A captured push to test decryption with (what WeChat would POST). */
export interface SamplePush {
  timestamp: string;
  nonce: string;
  msgSignature: string;
  /** The raw XML body with its <Encrypt> element. */
  body: string;
}

/** A copy of the database made with SQLite's online backup (`setup/backup`). */
export interface SetupBackupResult {
  /** Where the copy is: under the data folder's backups/ folder. */
  path: string;
  bytes: number;
  /** quick_check of the copy; false when the database itself is damaged (the copy keeps what could be read). */
  ok: boolean;
  problems: string[];
}

export interface SetupCheckResult {
  check: SetupCheck;
  ok: boolean;
  /** One sentence: what was checked and the outcome, with what to do when it failed. */
  message: string;
  /** The same sentence in Chinese (the UI shows it when the language is zh-CN). */
  messageZh: string;
  /** e.g. the decrypted plaintext, the token's expiry, the relay's healthz. Never secrets. */
  details?: Record<string, unknown>;
  explanation?: ErrcodeExplanation | null;
  durationMs: number;
}

export const setupMethods = defineMethods({
  /** Every configured platform (public parts only) and which one is selected. */
  'platform/list': {
    args: ({ noArgs }) => noArgs,
    result: returns<{ platforms: PlatformConfig[]; selectedAppid: string | null }>(),
  },
  'platform/get': {
    args: ({ z, appid }) => z.strictObject({ componentAppid: appid }),
    result: returns<PlatformConfig>(),
  },
  /**
   * Creates or updates a platform. Secrets: omitted = keep, null = clear, string = set. Returns the public part.
   * Fails with `secret_storage` when secrets cannot be stored safely and the user has not opted in.
   */
  'platform/save': {
    args: ({ z, appid, relayUrl, secret }) =>
      z.strictObject({
        componentAppid: appid,
        name: z.string().trim().min(1, 'must not be empty / 不能为空').max(100, 'must be at most 100 characters / 最多 100 个字符'),
        relayUrl,
        egress: z.enum(EGRESS_MODES).optional(),
        appSecret: secret('AppSecret', z.string().regex(/^[0-9a-zA-Z]{16,64}$/, 'must be the 32-character AppSecret / 须为 32 位的 AppSecret')),
        token: secret(
          'Token',
          z.string().regex(/^[0-9a-zA-Z]{3,32}$/, 'must be the message-check Token: 3–32 letters or digits / 须为消息校验Token：3–32 个英文字母或数字'),
        ),
        encodingAesKey: secret(
          'EncodingAESKey',
          z.string().regex(/^[0-9a-zA-Z]{43}$/, 'must be the 43-character EncodingAESKey (letters and digits) / 须为 43 位的 EncodingAESKey（英文字母和数字）'),
        ),
        deskKey: secret('desk key', z.string().min(16, 'must be at least 16 characters / 至少 16 个字符').max(512)),
      }),
    result: returns<PlatformConfig>(),
  },
  /** Makes a platform the active one (starts its runtime, stops the previous one). */
  'platform/select': {
    args: ({ z, appid }) => z.strictObject({ componentAppid: appid }),
    result: returns<PlatformConfig>(),
  },
  /** Deletes a platform and all its data. The demo platform cannot be deleted while selected. */
  'platform/delete': {
    args: ({ z, appid }) => z.strictObject({ componentAppid: appid }),
    result: returns<{ deleted: boolean }>(),
  },
  /**
   * decrypt: decrypts `sample` (or the newest stored push) with the saved Token/EncodingAESKey;
   * componentToken: obtains a component_access_token with the saved AppSecret and newest ticket;
   * relay: reaches the relay's /healthz and authenticates with the desk key.
   */
  'setup/test': {
    args: ({ z, shortText }) =>
      z.strictObject({
        check: z.enum(SETUP_CHECKS),
        sample: z
          .strictObject({
            timestamp: z.string().regex(/^\d{1,12}$/, 'must be the timestamp query parameter (digits) / 须为 timestamp 查询参数（数字）'),
            nonce: shortText(64).min(1, 'must not be empty / 不能为空'),
            msgSignature: z.string().regex(/^[0-9a-f]{40}$/i, 'must be the 40-hex-digit msg_signature / 须为 40 位十六进制的 msg_signature'),
            body: z.string().min(1, 'must not be empty / 不能为空').max(65536, 'must be at most 64 KiB / 最多 64 KiB'),
          })
          .optional(),
      }),
    result: returns<SetupCheckResult>(),
  },
  /** Backs the database up into <data folder>/backups/ (SQLite online backup, a 0600 file); reports the path. */
  'setup/backup': { args: ({ noArgs }) => noArgs, result: returns<SetupBackupResult>() },
});

export const setupEvents = defineEvents({
  /** The selected platform changed (or its configuration was saved). */
  'platform:changed': payload<{ selectedAppid: string | null }>(),
});
