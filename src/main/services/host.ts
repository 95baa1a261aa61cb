/**
 * The console host: owns the store, the selected platform's runtime, app settings and the event fan-out.
 * One per process (Electron main or console mode). No 'electron' import: the Electron-only bits (openExternal,
 * secret storage kind) are passed in.
 */
import type {
  AppEventName,
  AppEvents,
  AppInfo,
  AppMode,
  AppSettings,
  Bilingual,
  SecretStorageInfo,
} from '../../shared/contract';
import type { PlatformConfig } from '../../shared/domain';
import { ServiceError, errorText } from '../errors';
import type { IntegrityReport, Store } from '../store';
import { databaseDamagedAlert } from './data-folder';
import { isTimeZone } from '../../shared/contract';
import { timeZoneError } from './export';
import type { EmitEvent, PlatformRuntime, PlatformRuntimeFactory } from '../runtime';

export const WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

const DEMO_SEED_ATTEMPTS = 10;
const DEMO_SEED_RETRY_MS = 2_000;
const SETTING_SELECTED = 'app.selectedPlatform';
const SETTING_ALLOW_INSECURE = 'app.allowInsecureSecretStorage';
const SETTING_LANGUAGE = 'app.language';
const SETTING_TIME_ZONE = 'app.timeZone';

/** The demo sandbox as the host sees it: something that makes sure the simulator and relay run. */
export interface DemoLauncher {
  /**
   * Starts (once) the simulator and in-process relay, saves the demo platform in the store (isDemo true) and
   * returns where its API lives. Later calls return the same sandbox.
   */
  ensure(): Promise<{ componentAppid: string; apiBaseUrl: string; ticketIntervalMs: number }>;
  /** Stops the simulator and relay. */
  stop(): Promise<void>;
}

/** How secrets are protected on this machine, before the user's opt-in is applied. */
export interface SecretStorageProbe {
  kind: string;
  /** True where only obfuscation is available (Linux basic_text). */
  insecure: boolean;
}

export interface RuntimeHostOptions {
  store: Store;
  mode: AppMode;
  dataDir: string;
  version: string;
  secretStorage: SecretStorageProbe;
  createRuntime: PlatformRuntimeFactory;
  /** The demo sandbox; absent where no demo is wanted (e.g. tests of real platforms). */
  demo?: DemoLauncher;
  /** Where the WeChat API is for configured (not demo) platforms; default WECHAT_API_BASE_URL (console --api-base-url). */
  apiBaseUrl?: string;
  /** Opens a URL in the system browser (Electron: shell.openExternal). Absent in console mode: the browser does it. */
  openExternal?: (url: string) => Promise<void>;
}

export type EventListener = <E extends AppEventName>(event: E, payload: AppEvents[E]) => void;

export class RuntimeHost {
  readonly store: Store;
  readonly mode: AppMode;
  readonly dataDir: string;
  readonly version: string;
  readonly openExternal: ((url: string) => Promise<void>) | null;
  private readonly secretProbe: SecretStorageProbe;
  private readonly createRuntime: PlatformRuntimeFactory;
  private readonly demo: DemoLauncher | null;
  private readonly apiBaseUrl: string;
  private readonly listeners = new Set<EventListener>();
  private runtime: PlatformRuntime | null = null;
  private selectedAppid: string | null = null;
  /** Why the selected platform has no runtime (the engine failed to start), shown to the user. */
  /** Why the selected platform's runtime could not start, in both languages. */
  private runtimeErrorText: Bilingual | null = null;
  /** Serialises select() calls so two quick clicks never leave two runtimes running. */
  private selecting: Promise<unknown> = Promise.resolve();
  /** Alerts that hold until someone acts (app/info hands them to a UI that connects later). */
  private readonly standingAlerts: AppEvents['alert:new'][] = [];

  constructor(options: RuntimeHostOptions) {
    this.store = options.store;
    this.mode = options.mode;
    this.dataDir = options.dataDir;
    this.version = options.version;
    this.secretProbe = options.secretStorage;
    this.createRuntime = options.createRuntime;
    this.demo = options.demo ?? null;
    this.apiBaseUrl = options.apiBaseUrl ?? WECHAT_API_BASE_URL;
    this.openExternal = options.openExternal ?? null;
  }

  /** Fan-out to every UI. Listener failures are isolated so one broken socket never blocks the others. */
  readonly emit: EmitEvent = (event, payload) => {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // a closed window or socket; the transport removes its listener on close
      }
    }
  };

  /** Subscribes to all events; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Opens the platform the user last selected; else the first configured one; else the demo sandbox (when the host
   * has one). A runtime that fails to start leaves the platform selected with the reason kept for the UI.
   */
  async start(): Promise<void> {
    const platforms = this.store.platforms.list();
    const saved = this.store.settings.get<string>(SETTING_SELECTED);
    const target = platforms.find((p) => p.componentAppid === saved) ?? platforms.find((p) => !p.isDemo) ?? platforms[0];
    if (target && !(target.isDemo && !this.demo)) {
      await this.select(target.componentAppid).catch(() => undefined);
      return;
    }
    if (this.demo) {
      const sandbox = await this.demo.ensure();
      await this.select(sandbox.componentAppid).catch(() => undefined);
    }
  }

  /** Stops the current runtime (if any) and starts the one for `componentAppid`. */
  select(componentAppid: string): Promise<PlatformConfig> {
    const next = this.selecting.then(() => this.doSelect(componentAppid));
    this.selecting = next.catch(() => undefined);
    return next;
  }

  private async doSelect(componentAppid: string): Promise<PlatformConfig> {
    const platform = this.store.platforms.get(componentAppid);
    if (!platform) {
      throw new ServiceError('not_found', {
        en: `There is no platform ${componentAppid}; add it under Setup first.`,
        zh: `没有平台 ${componentAppid}：请先在“设置”中添加。`,
      });
    }
    await this.stopRuntime();
    this.selectedAppid = componentAppid;
    this.store.settings.set(SETTING_SELECTED, componentAppid);
    this.emit('platform:changed', { selectedAppid: componentAppid });
    try {
      let apiBaseUrl = this.apiBaseUrl;
      let ticketIntervalMs: number | undefined;
      if (platform.isDemo) {
        if (!this.demo) {
          throw new ServiceError('unavailable', { en: 'the demo sandbox is not available in this mode', zh: '这种运行方式下没有演示沙箱' });
        }
        const sandbox = await this.demo.ensure();
        apiBaseUrl = sandbox.apiBaseUrl;
        ticketIntervalMs = sandbox.ticketIntervalMs;
      }
      this.runtime = await this.createRuntime({
        store: this.store,
        componentAppid,
        emit: this.emit,
        apiBaseUrl,
        ticketIntervalMs,
      });
      this.runtimeErrorText = null;
      if (platform.isDemo) void this.seedDemoAuthorizers(this.runtime);
    } catch (err) {
      this.runtime = null;
      this.runtimeErrorText = errorText(err);
      this.emit('alert:new', {
        level: 'error',
        code: 'runtime_start_failed',
        message: `Platform ${componentAppid} could not start: ${this.runtimeErrorText.en}`,
        messageZh: `平台 ${componentAppid} 无法启动：${this.runtimeErrorText.zh}`,
        at: Date.now(),
      });
    }
    return platform;
  }

  /** The selected platform's appid, or null. */
  get selected(): string | null {
    return this.selectedAppid;
  }

  /** The selected platform's public config, or a no_platform error. */
  requirePlatform(): PlatformConfig {
    const appid = this.selectedAppid;
    const platform = appid ? this.store.platforms.get(appid) : null;
    if (!platform) {
      throw new ServiceError('no_platform', {
        en: 'No platform is selected: add one under Setup, or open the demo sandbox.',
        zh: '尚未选择平台：请在“设置”中添加一个，或打开演示沙箱。',
      });
    }
    return platform;
  }

  /** The running runtime of the selected platform, or a no_platform error saying why there is none. */
  requireRuntime(): PlatformRuntime {
    const platform = this.requirePlatform();
    if (!this.runtime) {
      const why = this.runtimeErrorText;
      throw new ServiceError('no_platform', {
        en: `Platform ${platform.componentAppid} is not running${why ? `: ${why.en}` : ''}. Check its settings under Setup and select it again.`,
        zh: `平台 ${platform.componentAppid} 没有运行${why ? `：${why.zh}` : ''}。请在“设置”中检查它的配置，然后重新选择。`,
      });
    }
    return this.runtime;
  }

  /** The selected platform's runtime, or null when none runs (the dashboard still shows what the store knows). */
  currentRuntime(): PlatformRuntime | null {
    return this.runtime;
  }

  /** Restarts the selected platform's runtime (after its configuration changed). */
  async restartSelected(): Promise<void> {
    if (this.selectedAppid) await this.select(this.selectedAppid);
  }

  /** Forgets the selection (after the selected platform was deleted). */
  async deselect(): Promise<void> {
    await this.stopRuntime();
    this.selectedAppid = null;
    this.runtimeErrorText = null;
    this.store.settings.delete(SETTING_SELECTED);
    this.emit('platform:changed', { selectedAppid: null });
  }

  settings(): AppSettings {
    const language = this.store.settings.get<string>(SETTING_LANGUAGE);
    const timeZone = this.store.settings.get<string>(SETTING_TIME_ZONE);
    return {
      allowInsecureSecretStorage: this.store.settings.get<boolean>(SETTING_ALLOW_INSECURE) === true,
      language: language === 'zh-CN' || language === 'en' ? language : null,
      timeZone: typeof timeZone === 'string' && isTimeZone(timeZone) ? timeZone : null,
    };
  }

  updateSettings(patch: Partial<AppSettings>): AppSettings {
    if (patch.allowInsecureSecretStorage !== undefined) {
      this.store.settings.set(SETTING_ALLOW_INSECURE, patch.allowInsecureSecretStorage);
    }
    if (patch.language !== undefined) {
      if (patch.language === null) this.store.settings.delete(SETTING_LANGUAGE);
      else this.store.settings.set(SETTING_LANGUAGE, patch.language);
    }
    if (patch.timeZone !== undefined) {
      if (patch.timeZone === null) this.store.settings.delete(SETTING_TIME_ZONE);
      else if (!isTimeZone(patch.timeZone)) throw new ServiceError('invalid_arguments', timeZoneError(patch.timeZone));
      else this.store.settings.set(SETTING_TIME_ZONE, patch.timeZone);
    }
    return this.settings();
  }

  secretStorage(): SecretStorageInfo {
    const { kind, insecure } = this.secretProbe;
    const optedIn = this.settings().allowInsecureSecretStorage;
    return {
      kind,
      insecure,
      secretsAllowed: !insecure || optedIn,
      warning: insecure
        ? 'This system offers no keyring (Electron safeStorage reports basic_text), so secrets would be obfuscated, ' +
          'not encrypted. Install and unlock a keyring (GNOME Keyring or KWallet) and restart, or allow insecure ' +
          'storage in Settings if this machine is trusted.'
        : null,
      warningZh: insecure
        ? '本机没有可用的系统密钥库（Electron safeStorage 报告 basic_text），密钥只能混淆保存、不能加密。请安装并解锁密钥库' +
          '（GNOME Keyring 或 KWallet）后重启；若这台机器可信，也可以在设置中允许不安全的保存方式。'
        : null,
    };
  }

  /**
   * PRAGMA quick_check of the database, once at start, in a worker thread (it reads the whole file: seconds for a
   * large database, so the window, the console URL and every query go on meanwhile). A damaged page raises an
   * alert saying what to do; it stays in app/info and the dashboard for a UI that connects later.
   */
  async checkDatabase(): Promise<IntegrityReport> {
    const report = await this.store.quickCheckInBackground();
    if (!report.ok) {
      const alert = databaseDamagedAlert(report, this.store.path, this.dataDir);
      this.standingAlerts.push(alert);
      this.emit('alert:new', alert);
    }
    return report;
  }

  /** Alerts the host itself raised (not a platform's), for app/info and the dashboard. */
  hostAlerts(): AppEvents['alert:new'][] {
    return [...this.standingAlerts];
  }

  info(): AppInfo {
    const selected = this.selectedAppid ? this.store.platforms.get(this.selectedAppid) : null;
    return {
      version: this.version,
      mode: this.mode,
      os: process.platform,
      dataDir: this.dataDir,
      secretStorage: this.secretStorage(),
      selectedAppid: selected?.componentAppid ?? null,
      demo: selected?.isDemo ?? false,
      alerts: this.hostAlerts(),
    };
  }

  /**
   * The demo's 200 simulated accounts reach the store through a normal sync. The first component token needs the
   * first ticket, which arrives a moment after start, so a failed attempt is retried a few times.
   */
  private async seedDemoAuthorizers(runtime: PlatformRuntime): Promise<void> {
    for (let attempt = 1; attempt <= DEMO_SEED_ATTEMPTS; attempt++) {
      if (this.runtime !== runtime) return; // another platform was selected meanwhile
      if (this.store.authorizers.countsByStatus(runtime.componentAppid).total > 0) return;
      try {
        await runtime.syncAuthorizers((progress) => this.emit('sync:progress', progress));
        return;
      } catch (err) {
        if (attempt === DEMO_SEED_ATTEMPTS) {
          this.emit('alert:new', {
            level: 'warning',
            code: 'demo_seed_failed',
            message: `The demo accounts could not be loaded: ${errorText(err).en}. Use Sync on the Authorizers page.`,
            messageZh: `演示账号加载失败：${errorText(err).zh}。请在“授权账号”页点击同步。`,
            at: Date.now(),
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, DEMO_SEED_RETRY_MS).unref());
      }
    }
  }

  private async stopRuntime(): Promise<void> {
    const runtime = this.runtime;
    this.runtime = null;
    if (runtime) await runtime.stop();
  }

  /** Stops the runtime and the demo sandbox. The caller closes the store. */
  async close(): Promise<void> {
    await this.selecting;
    await this.stopRuntime();
    this.listeners.clear();
    if (this.demo) await this.demo.stop();
  }
}
