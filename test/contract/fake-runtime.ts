/**
 * FakePlatformRuntime: a stand-in for the lead's engine, used ONLY by the router / console-server tests. It writes to
 * the real SQLite store (temp dir) the way the engine would, so the services are exercised against real data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthorizerOptionName, RefreshTokenHealth, SyncResult } from '../../src/shared/contract';
import type { AuthLink, EventRecord } from '../../src/shared/domain';
import { NodeSecretStore, openStore, type Store } from '../../src/main/store';
import { RuntimeHost } from '../../src/main/services/host';
import { BatchRunner } from '../../src/main/batch/runner';
import { menuApplyJob } from '../../src/main/oa/menu-batch';
import { AuditBook } from '../../src/main/mp/audits';
import type {
  CreateAuthLinkOptions,
  CreatePlatformRuntimeOptions,
  PlatformRuntime,
  RuntimeStatus,
  SetupCheckOutcome,
  SyncProgress,
} from '../../src/main/runtime';

export const FAKE_PLATFORM_APPID = 'wx0123456789abcdef';
export const FAKE_AUTHORIZER_APPID = 'wxaaaaaaaaaaaaaaa1';

/** The error shape the WeChat API client throws (numeric errcode). */
export class FakeWechatError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly path: string,
  ) {
    super(`errcode ${errcode}: ${errmsg}`);
  }
}

export class FakePlatformRuntime implements PlatformRuntime {
  readonly componentAppid: string;
  readonly store: Store;
  invokeAs(): Promise<never> {
    return Promise.reject(new Error('the fake runtime calls no WeChat API'));
  }
  /** A real runner on the real store; no jobs that call WeChat are exercised through the fake. */
  readonly batch: BatchRunner;
  readonly audits: AuditBook;
  stopped = false;
  private readonly emit: CreatePlatformRuntimeOptions['emit'];
  private readonly options = new Map<string, string>();

  constructor(opts: CreatePlatformRuntimeOptions) {
    this.componentAppid = opts.componentAppid;
    this.store = opts.store as Store;
    this.emit = opts.emit;
    this.batch = new BatchRunner({
      store: this.store,
      componentAppid: this.componentAppid,
      jobs: [menuApplyJob],
      call: () => Promise.reject(new Error('the fake runtime calls no WeChat API')),
    });
    this.audits = new AuditBook({ store: this.store, componentAppid: this.componentAppid });
  }

  status(): RuntimeStatus {
    return {
      relay: { state: 'connected', url: 'http://127.0.0.1:1', since: 1, cursor: 7, lastError: null, lastErrorZh: null, nextRetryAt: null },
      ticketIntervalMs: 30_000,
    };
  }

  async createAuthLink(opts: CreateAuthLinkOptions): Promise<AuthLink> {
    const id = `link${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    return this.store.authLinks.create({
      id,
      componentAppid: this.componentAppid,
      preAuthCode: `preauth@@@${id}`,
      pcUrl: `https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=${this.componentAppid}&pre_auth_code=${id}`,
      mobileUrl: `https://open.weixin.qq.com/wxaopen/safe/bindcomponent?component_appid=${this.componentAppid}`,
      authType: opts.authType,
      bizAppid: opts.bizAppid ?? null,
      categoryIds: opts.categoryIds ?? null,
      relayStartUrl: null,
      expiresAt: Date.now() + 600_000,
    });
  }

  async syncAuthorizers(onProgress: SyncProgress): Promise<SyncResult> {
    const startedAt = Date.now();
    onProgress({ phase: 'list', done: 0, total: 2 });
    for (const [i, appid] of [FAKE_AUTHORIZER_APPID, 'wxaaaaaaaaaaaaaaa2'].entries()) {
      this.store.authorizers.upsert({
        appid,
        componentAppid: this.componentAppid,
        kind: i === 0 ? 'OA' : 'MP',
        nickName: i === 0 ? '测试公众号, "quoted"' : '=HYPERLINK("x")',
        refreshToken: `refresh-${appid}`,
      });
      onProgress({ phase: 'details', done: i + 1, total: 2 });
    }
    onProgress({ phase: 'done', done: 2, total: 2 });
    return { total: 2, added: 2, updated: 0, revoked: 0, refreshTokenMismatches: 0, failed: [], startedAt, finishedAt: Date.now() };
  }

  async rerunEvent(id: number): Promise<EventRecord> {
    this.store.events.setHandledNote(id, 'rerun by fake');
    return this.store.events.get(id)!;
  }

  async testDecrypt(): Promise<SetupCheckOutcome> {
    return { ok: true, message: 'decrypted the sample push', messageZh: '已解密样例推送' };
  }
  async testComponentToken(): Promise<SetupCheckOutcome> {
    throw new FakeWechatError(61004, 'access clientip is not registered', '/cgi-bin/component/api_component_token');
  }
  async testRelay(): Promise<SetupCheckOutcome> {
    return { ok: false, message: 'the relay refused the desk key', messageZh: '中继拒绝了桌面密钥' };
  }

  async getAuthorizerOption(appid: string, optionName: AuthorizerOptionName): Promise<string> {
    return this.options.get(`${appid}/${optionName}`) ?? '0';
  }
  async setAuthorizerOption(appid: string, optionName: AuthorizerOptionName, optionValue: string): Promise<void> {
    this.options.set(`${appid}/${optionName}`, optionValue);
  }
  async checkRefreshToken(appid: string): Promise<RefreshTokenHealth> {
    return { appid, ok: true, checkedAt: Date.now(), errcode: null, message: 'WeChat accepted the refresh token', messageZh: '微信接受了 refresh token', status: 'active' };
  }

  /** What the engine does when a push is stored: tell the UI. */
  announce(event: EventRecord): void {
    const { rawBody: _r, plaintext: _p, replyBody: _b, query: _q, ...summary } = event;
    this.emit('event:new', summary);
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

export interface FakeHostFixture {
  host: RuntimeHost;
  store: Store;
  dir: string;
  runtimes: FakePlatformRuntime[];
  cleanup(): Promise<void>;
}

/** A real store in a temp dir, one configured platform, and a host whose runtimes are FakePlatformRuntime. */
export async function createFakeHost(opts: { insecureSecretStorage?: boolean; withPlatform?: boolean } = {}): Promise<FakeHostFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-shell-'));
  const store = openStore({ path: join(dir, 'console.db'), secrets: new NodeSecretStore(join(dir, 'secret.key')) });
  const runtimes: FakePlatformRuntime[] = [];
  const host = new RuntimeHost({
    store,
    mode: 'console',
    dataDir: dir,
    version: '0.0.0-test',
    secretStorage: { kind: 'test', insecure: opts.insecureSecretStorage ?? false },
    createRuntime: async (options) => {
      const runtime = new FakePlatformRuntime(options);
      runtimes.push(runtime);
      return runtime;
    },
  });
  if (opts.withPlatform !== false) {
    store.platforms.upsert({ componentAppid: FAKE_PLATFORM_APPID, name: 'Fake platform', appSecret: 'secret-value-1234567890abcdef' });
    await host.start();
  }
  return {
    host,
    store,
    dir,
    runtimes,
    async cleanup() {
      await host.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
