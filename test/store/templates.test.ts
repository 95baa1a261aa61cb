/**
 * The template tables: a store at the schema before issue 10 (grams step last, the template step before it)
 * migrates with its events kept; adds recorded before they go out and completed or dropped; a job-finish status that
 * arrives before its send is recorded is kept when the send is recorded (and the other way round); sends bounded.
 */
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { rollBackTo } from '../helpers/schema';
import { NodeSecretStore, openStore } from '../../src/main/store/index';
import { tempDir, tempStore } from './temp-store';
import { join } from 'node:path';

const C = 'wx0123456789abcdef';
const A = 'wx1111222233334444';

describe('template tables', () => {
  test('the template step comes after the grams step that shipped as step 10; a file at step 9 or 10 migrates', () => {
    expect(MIGRATIONS[9]).toContain('CREATE VIRTUAL TABLE events_grams');
    expect(MIGRATIONS[10]).toContain('CREATE TABLE oa_templates');
    const dir = tempDir();
    const path = join(dir, 'old.db');
    const raw = new Database(path);
    // The schema before issue 10's steps: 1-9.
    for (const step of MIGRATIONS.slice(0, 9)) raw.exec(step);
    raw.pragma('user_version = 9');
    raw.close();
    const store = openStore({ path, secrets: new NodeSecretStore(join(dir, 'keys', 'secret.key')) });
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.templates.sends(C, A)).toEqual([]);
    store.close();
    // A file the last release left at step 10 (grams built) gains the later steps' tables only.
    const path10 = join(dir, 'step10.db');
    const raw10 = new Database(path10);
    for (const step of MIGRATIONS.slice(0, 9)) raw10.exec(step);
    raw10.pragma('user_version = 9');
    raw10.close();
    openStore({ path: path10, secrets: new NodeSecretStore(join(dir, 'keys', 'secret.key')) }).close(); // registers event_grams()
    const back = new Database(path10);
    rollBackTo(back, 10);
    back.close();
    const store10 = openStore({ path: path10, secrets: new NodeSecretStore(join(dir, 'keys', 'secret.key')) });
    expect(store10.schemaVersion).toBe(MIGRATIONS.length);
    expect(store10.templates.sends(C, A)).toEqual([]);
    store10.close();
  });

  test('adds in flight, completed, dropped, forgotten; the library by content', () => {
    const { store } = tempStore();
    const id = store.templates.beginAdd({ componentAppid: C, appid: A, shortId: 'TM00015', beforeIds: ['x'], addedBy: 'console' });
    expect(store.templates.origins(C, A)).toMatchObject([{ id, shortId: 'TM00015', templateId: null, beforeIds: ['x'] }]);
    store.templates.completeAdd(id, { templateId: 'tpl1', title: '订单支付成功', content: '{{first.DATA}}' });
    expect(store.templates.origins(C, A)).toMatchObject([{ templateId: 'tpl1', beforeIds: null }]);
    expect(store.templates.library(C)).toEqual([{ shortId: 'TM00015', title: '订单支付成功', content: '{{first.DATA}}' }]);
    const lost = store.templates.beginAdd({ componentAppid: C, appid: A, shortId: 'TM00016', beforeIds: [], addedBy: 'console' });
    store.templates.dropAdd(lost);
    store.templates.forget(C, A, 'tpl1');
    expect(store.templates.origins(C, A)).toEqual([]);
    expect(() => store.templates.beginAdd({ componentAppid: C, appid: 'not an appid!', shortId: 'TM1', beforeIds: [], addedBy: 'x' })).toThrow(/appid/);
    store.close();
  });

  test('a job-finish status before or after its send is joined by msgid; sends are bounded per account', () => {
    const { store } = tempStore();
    store.templates.finishSend({ componentAppid: C, appid: A, msgid: '200', status: 'success', at: 2, eventId: 7 });
    const early = store.templates.recordSend({ componentAppid: C, appid: A, msgid: '200', templateId: 'tpl1', touser: 'oUser', sentAt: 1 });
    expect(early).toMatchObject({ msgid: '200', templateId: 'tpl1', touser: 'oUser', sentAt: 1, status: 'success', statusAt: 2, eventId: 7 });
    store.templates.recordSend({ componentAppid: C, appid: A, msgid: '201', templateId: 'tpl1', touser: 'oUser', sentAt: 3 });
    store.templates.finishSend({ componentAppid: C, appid: A, msgid: '201', status: 'failed:user block', at: 4, eventId: null });
    expect(store.templates.sends(C, A).map((s) => [s.msgid, s.status])).toEqual([
      ['201', 'failed:user block'],
      ['200', 'success'],
    ]);
    for (let i = 0; i < 510; i++) store.templates.recordSend({ componentAppid: C, appid: A, msgid: String(1000 + i), templateId: 't', touser: 'o', sentAt: i });
    expect(store.templates.sends(C, A, 500)).toHaveLength(500);
    store.close();
  });
});
