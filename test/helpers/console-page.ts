/**
 * The browser tests' usual start: the built renderer, a console stack (engine, relay, simulator, console host), the
 * console server on loopback, and a Chromium page at 1440×900 in Chinese with page errors collected.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { RuntimeHost } from '../../src/main/services/host';
import { startConsoleServer, type ConsoleServer } from '../../src/server/console-server';
import { ensureRendererBuilt, launchChromium, rendererDir } from './browser';
import { startConsoleStack, type Stack } from './stack';

export interface ConsolePage {
  stack: Stack;
  host: RuntimeHost;
  server: ConsoleServer;
  browser: Browser;
  page: Page;
}

export async function openConsolePage(
  opts: Parameters<typeof startConsoleStack>[0] & {
    /** Receives the page's uncaught errors (tests assert it stays empty). */
    errors: string[];
    context?: BrowserContextOptions;
    timeoutMs?: number;
  },
): Promise<ConsolePage> {
  const { errors, context, timeoutMs, ...stackOptions } = opts;
  await ensureRendererBuilt();
  const { stack, host } = await startConsoleStack(stackOptions);
  const server = await startConsoleServer({ runtimeHost: host, port: 0, staticDir: rendererDir, log: () => undefined });
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', ...context })).newPage();
  page.setDefaultTimeout(timeoutMs ?? 20_000);
  page.on('pageerror', (err) => errors.push(err.message));
  return { stack, host, server, browser, page };
}

/** Closes what openConsolePage opened, browser first (any part may be missing when the start failed). */
export async function closeConsolePage(parts: Partial<ConsolePage>): Promise<void> {
  await parts.browser?.close();
  await parts.server?.close();
  await parts.stack?.close();
}
