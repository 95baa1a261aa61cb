/** The app and its settings: what the UI needs to start, language and secret-storage opt-in, alerts. */
import { defineEvents, defineMethods, payload, returns } from './define';
import { isTimeZone } from './export';

/** Where this UI runs. */
export type AppMode = 'electron' | 'console';

/** How secrets are protected at rest on this machine. */
export interface SecretStorageInfo {
  /** e.g. 'electron-safe-storage', 'electron-basic-text', 'node-aes-256-gcm'. */
  kind: string;
  /** True where the OS offers no real keyring (Linux basic_text): secrets would be obfuscated, not encrypted. */
  insecure: boolean;
  /** Whether secrets may be saved now (false when insecure and the user has not opted in via settings). */
  secretsAllowed: boolean;
  /** A sentence to show the user when insecure, else null. */
  warning: string | null;
  /** The same sentence in Chinese. */
  warningZh: string | null;
}

/** Something the operator should know now (missed tickets, relay auth failure, insecure secret storage, …). */
export interface AppAlert {
  level: 'info' | 'warning' | 'error';
  code: string;
  message: string;
  messageZh: string;
  at: number;
  /** Names the condition (e.g. `token_refresh_failed:component`) so 'alert:resolved' can clear it; default: code. */
  key?: string;
}

export interface AppInfo {
  version: string;
  mode: AppMode;
  /** The OS (process.platform). */
  os: string;
  /** Where the database and key file live. */
  dataDir: string;
  secretStorage: SecretStorageInfo;
  /** The selected platform's appid, or null when none is configured. */
  selectedAppid: string | null;
  /** True when the selected platform is the demo sandbox (simulator + local relay). */
  demo: boolean;
  /**
   * Alerts about conditions that last until someone acts (e.g. the database failed its integrity check at start),
   * for a UI that connects after they were raised.
   */
  alerts?: AppAlert[];
}

/** App-wide settings the UI can change. */
export interface AppSettings {
  /** Opt-in: store secrets even where the OS offers only basic_text (Linux without a keyring). */
  allowInsecureSecretStorage: boolean;
  /** UI language; null = follow the system. */
  language: 'zh-CN' | 'en' | null;
  /**
   * IANA zone every time on screen is shown in; null = the default (Asia/Shanghai when the UI is in Chinese, the
   * system's zone otherwise).
   */
  timeZone: string | null;
}

export const appMethods = defineMethods({
  /** Version, mode, data dir, secret storage state, selected platform. */
  'app/info': { args: ({ noArgs }) => noArgs, result: returns<AppInfo>() },
  'settings/get': { args: ({ noArgs }) => noArgs, result: returns<AppSettings>() },
  /** Changes some settings; returns all of them. */
  'settings/set': {
    args: ({ z }) =>
      z.strictObject({
        allowInsecureSecretStorage: z.boolean().optional(),
        language: z.enum(['zh-CN', 'en']).nullable().optional(),
        timeZone: z
          .string()
          .max(64, 'must be an IANA time zone name such as Asia/Shanghai / 时区须为 IANA 时区名，例如 Asia/Shanghai')
          .refine(isTimeZone, {
            error: (issue) =>
              `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as Asia/Shanghai or Europe/Berlin / 未知时区：请使用 IANA 时区名，例如 Asia/Shanghai`,
          })
          .nullable()
          .optional(),
      }),
    result: returns<AppSettings>(),
  },
  /** Opens an https URL in the system browser; only WeChat / the configured relay hosts are allowed. */
  'shell/openExternal': {
    args: ({ z, shortText }) => z.strictObject({ url: shortText(4096) }),
    result: returns<{ opened: boolean }>(),
  },
});

export const appEvents = defineEvents({
  /** Something the operator should know now (missed tickets, relay auth failure, insecure secret storage, …). */
  'alert:new': payload<AppAlert>(),
  /** The condition behind an earlier alert with this key is over (e.g. a token refresh worked again, a ticket came). */
  'alert:resolved': payload<{ code: string; key: string; at: number }>(),
});
