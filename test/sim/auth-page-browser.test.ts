import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field } from '../../src/wechat/xml';
import { startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken, cryptFor, infoType, startReceiver, type Receiver } from './helpers';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('simulator authorization page in Chromium', () => {
  let sim: Simulator;
  let receiver: Receiver;
  let landing: Server;
  let landingUrl: string;
  const landed: URLSearchParams[] = [];
  let browser: Browser;

  beforeAll(async () => {
    sim = await startSimulator({ accounts: 2, candidates: 2, ticketIntervalSeconds: 0 });
    receiver = await startReceiver(cryptFor(sim));
    sim.setAuthEventUrl(`${receiver.url}/wechat/component`);
    landing = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/authorized') landed.push(u.searchParams);
      res.writeHead(u.pathname === '/favicon.ico' ? 204 : 200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>授权成功</p>');
    });
    await new Promise<void>((r) => landing.listen(0, '127.0.0.1', () => r()));
    landingUrl = `http://127.0.0.1:${(landing.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await sim.close();
    await receiver.close();
    await new Promise<void>((r) => landing.close(() => r()));
  });

  it('clicking Approve lands on redirect_uri with auth_code and pushes `authorized`', async () => {
    const token = await componentToken(sim);
    const { pre_auth_code } = await call(sim.url, '/cgi-bin/component/api_create_preauthcode', { component_appid: sim.config.componentAppid }, { component_access_token: token });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const q = new URLSearchParams({ component_appid: sim.config.componentAppid, pre_auth_code, redirect_uri: `${landingUrl}/authorized?link=L1`, auth_type: '3' });
    await page.goto(`${sim.url}/cgi-bin/componentloginpage?${q}`);
    const target = sim.candidateProfiles()[1]!;
    expect(await page.textContent('body')).toContain(target.nickName);
    await Promise.all([page.waitForURL(`${landingUrl}/authorized**`), page.click(`form[data-appid="${target.appid}"] button`)]);
    expect(landed).toHaveLength(1);
    expect(landed[0]!.get('link')).toBe('L1');
    expect(landed[0]!.get('expires_in')).toBe('600');
    const push = await receiver.waitFor(infoType('authorized'));
    expect(field(push.inner, 'AuthorizerAppid')).toBe(target.appid);
    expect(field(push.inner, 'AuthorizationCode')).toBe(landed[0]!.get('auth_code'));
    // Going back and approving again with the same pre_auth_code is refused with a page that says why.
    await page.goBack();
    await page.click(`form[data-appid="${target.appid}"] button`);
    expect(await page.textContent('body')).toContain('已被使用');
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
    await page.close();
  });
});
