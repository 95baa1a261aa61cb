/**
 * An event's failure reason and handling note in both languages (issue 9): a file from before the Chinese columns
 * keeps its English-only events, which still show (and still get their errcode explained); new outcomes store both.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NodeSecretStore, SCHEMA_VERSION, openStore } from '../../src/main/store';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { explainFailReason } from '../../src/main/services/handlers/events';
import { tempDir, track } from './temp-store';

const C = 'wx0123456789abcdef';

describe('events in both languages', () => {
  test('a schema-5 file (before the Chinese columns) keeps its English-only events (failReasonZh null: the UI shows the English) and their crypto errcode is still explained', () => {
    const dir = tempDir();
    const path = join(dir, 'v5.db');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 5)) raw.exec(step);
    raw.pragma('user_version = 5');
    raw
      .prepare(`INSERT INTO events (component_appid, kind, received_at, raw_body, status, fail_reason, handled_note) VALUES (?, 'component', 1, 'old', 'failed', ?, NULL)`)
      .run(C, 'decryption failed (-40007): padding bytes are inconsistent: wrong EncodingAESKey or corrupt ciphertext');
    raw.close();

    const store = track(openStore({ path, secrets: new NodeSecretStore(join(dir, 'k')) }));
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    const old = store.events.list({ componentAppid: C }).rows[0]!;
    expect(old).toMatchObject({ failReasonZh: null, handledNoteZh: null });
    // The wording before "errcode -40007" still finds its explanation.
    expect(explainFailReason(old.failReason)).toMatchObject({ code: -40007, zh: '解密失败：EncodingAESKey 不匹配，检查开放平台的消息加解密Key' });

    store.events.setOutcome(old.id, { status: 'failed', failReason: 'again', failReasonZh: '再次失败', handledNote: null });
    expect(store.events.get(old.id)).toMatchObject({ failReason: 'again', failReasonZh: '再次失败' });
    store.events.setHandledNote(old.id, 'ticket stored', '已保存 ticket');
    expect(store.events.get(old.id)).toMatchObject({ handledNote: 'ticket stored', handledNoteZh: '已保存 ticket' });
  });
});
