/**
 * oa/menu/* through the router against the real engine, relay and simulator: read both sources, publish a menu with
 * every button type and read it back identical, the history, conditional menus, delete; a broken menu and a mini
 * program refused with clear errors in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MenuHistoryRow, MenuOverview, PublishResult } from '../../src/shared/contract';
import type { MenuButton } from '../../src/shared/oa/menu';
import type { Router } from '../../src/main/ipc/router';
import type { RuntimeHost } from '../../src/main/services/host';
import { everyTypeMenu } from '../helpers/menus';
import { routerCalls, trustedRouter } from '../helpers/router-calls';
import { startConsoleStack, type Stack } from '../helpers/stack';

const APPID = 'wx1212343456567878';

describe('oa/menu/* through the router', () => {
  let stack: Stack;
  let router: Router;
  let oa = '';
  let mp = '';

  beforeAll(async () => {
    let host: RuntimeHost;
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: 'oa-menus-secret-0123456789abcdef', token: 'oaMenusToken', aesKey: 'OaMeNuSkEy0123456789abcdefghijklmnopqrstuvw', deskKey: 'desk-key-for-the-oa-menus-test-012345678' },
      sim: { accounts: 4 },
    }));
    router = trustedRouter(host);
    oa = stack.sim.seededAccount(0).appid;
    mp = stack.sim.seededAccount(1).appid;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const { ok, fail } = routerCalls(() => router);

  it('reads no menu, publishes every button type, reads it back identical, and keeps the history', async () => {
    expect(await ok<MenuOverview>('oa/getMenu', { appid: oa })).toMatchObject({ api: null, source: 'none', live: { open: false } });
    const menu = everyTypeMenu(mp);
    const published = await ok<PublishResult>('oa/publishMenu', { appid: oa, menu });
    expect(published.identical).toBe(true);
    expect(published.readBack).toEqual(menu);
    const read = await ok<MenuOverview>('oa/getMenu', { appid: oa });
    expect(read.source).toBe('api');
    expect(read.api!.button).toEqual(menu.button);
    expect(read.live.open).toBe(true);
    expect(read.live.button[0]!.sub_button).toHaveLength(5);
    const history = await ok<MenuHistoryRow[]>('oa/menuHistory', { appid: oa });
    expect(history[0]).toMatchObject({ id: published.historyId, publishedBy: 'console', menu });
  });

  it('conditional menus: add, seen in get, try-match, delete', async () => {
    const { menuid } = await ok<{ menuid: string }>('oa/addConditionalMenu', { appid: oa, menu: { button: [{ type: 'click', name: '安卓', key: 'android' }] }, matchrule: { client_platform_type: '2' } });
    expect((await ok<MenuOverview>('oa/getMenu', { appid: oa })).conditional).toEqual([{ button: [{ type: 'click', name: '安卓', key: 'android' }], matchrule: { client_platform_type: '2' }, menuid }]);
    const names = new Set<string>();
    for (let i = 0; i < 12; i++) names.add((await ok<{ button: MenuButton[] }>('oa/tryMatchMenu', { appid: oa, userId: `oUser${i}abcdefgh` })).button[0]!.name);
    expect(names.has('安卓')).toBe(true);
    await ok('oa/deleteConditionalMenu', { appid: oa, menuid });
    expect((await ok<MenuOverview>('oa/getMenu', { appid: oa })).conditional).toEqual([]);
    expect((await fail('oa/addConditionalMenu', { appid: oa, menu: { button: [{ type: 'click', name: 'a', key: 'k' }] }, matchrule: {} })).message).toContain('give a tag, a client platform');
  });

  it('refuses a broken menu naming each rule in both languages, and a mini program; a failed publish changes nothing', async () => {
    const before = await ok<MenuOverview>('oa/getMenu', { appid: oa });
    const broken = await fail('oa/publishMenu', { appid: oa, menu: { button: [{ type: 'click', name: '六个汉字六个', key: 'k' }, { type: 'view', name: 'v' }] } });
    expect(broken.code).toBe('invalid_arguments');
    const details = broken.details as { issues: { path: string; rule: string }[] };
    expect(details.issues.map((i) => `${i.path} ${i.rule}`)).toEqual(['button[0].name name_bytes', 'button[1].url field_required']);
    expect(broken.messageZh).toContain('最多 16 字节');
    expect((await ok<MenuOverview>('oa/getMenu', { appid: oa })).api).toEqual(before.api);
    const notOa = await fail('oa/getMenu', { appid: mp });
    expect(notOa.message).toContain('is a mini program');
    expect(notOa.messageZh).toContain('是小程序');
  });

  it('under faults: latency is waited out, a busy WeChat (-1) is retried, and a publish that keeps failing records nothing', async () => {
    const menu = { button: [{ type: 'click', name: '故障', key: 'fault' }] };
    const historyBefore = (await ok<MenuHistoryRow[]>('oa/menuHistory', { appid: oa })).length;
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/get', latencyMs: 400 }, { path: '/cgi-bin/menu/create', systemErrorShare: 0.5 }] });
    try {
      const t0 = Date.now();
      // Half the creates are answered -1 (every second one): the first publish goes through, the second is retried.
      expect((await ok<PublishResult>('oa/publishMenu', { appid: oa, menu })).identical).toBe(true);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(400); // the read-back waited for the slow menu/get
      expect((await ok<PublishResult>('oa/publishMenu', { appid: oa, menu })).identical).toBe(true);
      const creates = stack.sim.getCalls('/cgi-bin/menu/create').slice(-3);
      expect(creates.map((c) => c.errcode)).toEqual([0, -1, 0]);
      stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/create', appids: [oa], errcode: -1 }] });
      const busy = await fail('oa/publishMenu', { appid: oa, menu: { button: [{ type: 'click', name: '不会发布', key: 'never' }] } });
      expect(busy.details).toMatchObject({ errcode: -1 });
      expect(busy.messageZh).toMatch(/系统繁忙/);
    } finally {
      stack.sim.setFaults({});
    }
    expect((await ok<MenuOverview>('oa/getMenu', { appid: oa })).api!.button).toEqual(menu.button);
    expect(await ok<MenuHistoryRow[]>('oa/menuHistory', { appid: oa })).toHaveLength(historyBefore + 2);
  });

  it('shows a menu made in the MP editor as the live one, which publishing replaces', async () => {
    const other = stack.sim.seededAccount(2).appid;
    stack.sim.setEditorMenu(other, [{ type: 'text', name: '联系我们', value: '电话 400-000-0000' }, { name: '更多', sub_button: { list: [{ type: 'view', name: '官网', url: 'https://example.com/' }] } }]);
    const read = await ok<MenuOverview>('oa/getMenu', { appid: other });
    expect(read).toMatchObject({ api: null, source: 'editor', live: { open: true } });
    expect(read.live.button).toEqual([
      { type: 'text', name: '联系我们', value: '电话 400-000-0000' },
      { name: '更多', sub_button: [{ type: 'view', name: '官网', url: 'https://example.com/' }] },
    ]);
    await ok('oa/publishMenu', { appid: other, menu: { button: [{ type: 'click', name: '新', key: 'new' }] } });
    expect((await ok<MenuOverview>('oa/getMenu', { appid: other })).source).toBe('api');
  });

  it('lists the linked mini programs; a menu opening one not linked (or only asked for) is refused with 45064 explained', async () => {
    const other = stack.sim.seededAccount(3).appid; // a mini program, linked to seeded account 2, not to oa
    expect(await ok('oa/linkedMiniPrograms', { appid: oa })).toEqual([
      { appid: mp, nickname: stack.sim.seededAccount(1).nickName, username: stack.sim.seededAccount(1).userName, status: 1, released: true },
    ]);
    const opening = (appid: string) => ({ button: [{ type: 'miniprogram', name: '小程序', url: 'https://example.com/', appid, pagepath: 'pages/index' }] });
    const refused = await fail('oa/publishMenu', { appid: oa, menu: opening(other) });
    expect(refused.details).toMatchObject({ errcode: 45064 });
    expect(refused.message).toContain('not linked to this official account');
    expect(refused.messageZh).toContain('没有关联到这个公众号');
    stack.sim.setMiniProgramLink(oa, other, 2); // asked, not yet confirmed by the mini program's admin
    expect((await ok<{ appid: string; status: number }[]>('oa/linkedMiniPrograms', { appid: oa })).find((l) => l.appid === other)?.status).toBe(2);
    expect((await fail('oa/publishMenu', { appid: oa, menu: opening(other) })).details).toMatchObject({ errcode: 45064 });
    // Refused by the mini program's admin: WeChat lists that link without an appid; the others are still listed.
    stack.sim.setMiniProgramLink(oa, other, 3);
    expect((await ok<{ appid: string }[]>('oa/linkedMiniPrograms', { appid: oa })).map((l) => l.appid)).toEqual([mp]);
    stack.sim.setMiniProgramLink(oa, other, 1);
    expect((await ok<PublishResult>('oa/publishMenu', { appid: oa, menu: opening(other) })).identical).toBe(true);
    expect((await fail('oa/linkedMiniPrograms', { appid: mp })).code).toBe('invalid_arguments'); // a mini program has no menu
  });

  it('deletes the menu', async () => {
    await ok('oa/deleteMenu', { appid: oa });
    expect(await ok<MenuOverview>('oa/getMenu', { appid: oa })).toMatchObject({ api: null, source: 'none' });
  });
});
