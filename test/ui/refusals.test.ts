/**
 * The dashboard's warning about requests the relay refused, in a real browser (Chromium through playwright-core)
 * against console mode in this process: a real store, engine and console server, and a relay link spoken by a small
 * WebSocket server that sends a `refusals` summary (protocol addition 2). Skipped when Chromium is not installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformEngine } from '../../src/main/engine';
import { RuntimeHost } from '../../src/main/services/host';
import { NodeSecretStore, openStore, type Store } from '../../src/main/store';
import { startConsoleServer, type ConsoleServer } from '../../src/server/console-server';
import type { RefusalsFrame } from '../../src/shared/relay-protocol';
import { startFakeRelay, type FakeRelay } from '../helpers/fake-relay';
import { repoRoot } from '../helpers/paths';

const CHROMIUM = process.env['WXOPEN_CHROMIUM'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const APPID = 'wx3c2b1a0f9e8d7c6b';
const DESK_KEY = 'desk-key-for-the-refusals-ui-test-0123456789';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const s = statSync(join(dir, name));
    newest = Math.max(newest, s.isDirectory() ? newestMtime(join(dir, name)) : s.mtimeMs);
  }
  return newest;
}

/** The console server serves out/renderer (npm test builds it first); build it here when missing or stale. */
function ensureRendererBuilt(): void {
  const index = join(repoRoot, 'out', 'renderer', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(newestMtime(join(repoRoot, 'src', 'renderer')), newestMtime(join(repoRoot, 'src', 'shared')))) return;
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'pipe' });
}

describe.skipIf(!haveChromium)('dashboard: requests the relay refused', () => {
  let relay: FakeRelay;
  let dir: string;
  let store: Store;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    const now = Date.now();
    const refusals: RefusalsFrame = {
      type: 'refusals',
      windowMs: 86_400_000,
      total: 12,
      counts: { bad_msg_signature: 9, stale_timestamp: 2, some_future_reason: 1 },
      recent: [
        { at: now - 60_000, reason: 'bad_msg_signature', status: 401, path: '/wechat/component', remote: '203.0.113.7' },
        { at: now - 120_000, reason: 'some_future_reason', status: 400, path: '/wechat/authorizer/wx1122334455667788', remote: '198.51.100.2' },
      ],
    };
    relay = await startFakeRelay({
      deskKey: DESK_KEY,
      onHello: (_hello, ws) => {
        ws.send(JSON.stringify({ type: 'queue', queueId: 'q-ui', newestSeq: 0, reset: false }));
        ws.send(JSON.stringify(refusals));
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'wxopen-ui-refusals-'));
    store = openStore({ path: join(dir, 'console.db'), secrets: new NodeSecretStore(join(dir, 'secret.key')) });
    store.platforms.upsert({ componentAppid: APPID, name: '拒收测试平台', relayUrl: relay.url, egress: 'direct', deskKey: DESK_KEY });
    host = new RuntimeHost({
      store,
      mode: 'console',
      dataDir: dir,
      version: 'test',
      secretStorage: { kind: 'node-aes-256-gcm', insecure: false },
      // A dead loopback port for WeChat: this test must not reach the internet.
      createRuntime: (options) => createPlatformEngine({ ...options, apiBaseUrl: 'http://127.0.0.1:9' }),
    });
    await host.start();
    server = await startConsoleServer({ runtimeHost: host, port: 0, staticDir: join(repoRoot, 'out', 'renderer'), log: () => undefined });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await host?.close();
    store?.close();
    await relay?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function dashboard(locale: string) {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(server.url);
    return { page, close: () => context.close() };
  }

  it('warns with the count and the most frequent reason in words, and lists the recent refusals', async () => {
    const { page, close } = await dashboard('zh-CN');
    const alert = page.locator('[data-test=refusals-alert]');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('24 小时内拒收 12 条推送：签名不符，请检查 Token');
    await alert.locator('[data-test=alert-view]').click();
    const dialog = page.locator('[data-test=refusals-dialog]');
    await dialog.locator('[data-test=refusals-table] .el-table__row').first().waitFor();
    const rows = await dialog.locator('[data-test=refusals-table] .el-table__row').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('签名不符，请检查 Token');
    expect(rows[0]).toContain('/wechat/component');
    expect(rows[0]).toContain('203.0.113.7');
    // A reason this desk does not know yet (a newer relay) is shown as its code.
    expect(rows[1]).toContain('some_future_reason');
    expect(await dialog.locator('[data-test=refusal-reason]').allInnerTexts()).toEqual([
      expect.stringContaining('9 · 签名不符，请检查 Token'),
      expect.stringContaining('2 · 时间戳超出允许范围'),
      expect.stringContaining('1 · some_future_reason'),
    ]);
    await close();
  }, 60_000);

  it('says the same in English', async () => {
    const { page, close } = await dashboard('en-US');
    const alert = page.locator('[data-test=refusals-alert]');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('12 pushes refused in 24 h: signature mismatch, check the Token');
    await close();
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
