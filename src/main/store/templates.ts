/**
 * Template messages on the desk: which short id each template of an account was added from (get_all_private_template
 * does not say, so the console records it when it adds one), and the console's sends with the delivery status the
 * TEMPLATESENDJOBFINISH push reports, joined by msgid.
 *
 * An add is recorded before it goes out (template_id NULL, with the account's template ids at that moment), so an add
 * cut short (crash, lost answer) is recognized later as the one new template, and never made twice.
 */
import type Database from 'better-sqlite3';
import type { TemplateSendRow } from '../../shared/oa/templates';
import { appidArg, intArg, nonEmptyStringArg, optionalInt, optionalString } from './validate';

export interface TemplateOrigin {
  /** Row id (for completing or dropping an add in flight). */
  id: number;
  appid: string;
  shortId: string;
  /** null while the add is on its way. */
  templateId: string | null;
  title: string | null;
  content: string | null;
  /** The account's template ids just before the add (only while it is on its way). */
  beforeIds: string[] | null;
  addedAt: number;
  addedBy: string;
}

export interface TemplatesRepo {
  beginAdd(input: { componentAppid: string; appid: string; shortId: string; beforeIds: string[]; addedBy: string }): number;
  completeAdd(id: number, template: { templateId: string; title?: string | null; content?: string | null }): void;
  dropAdd(id: number): void;
  /** The account's recorded origins, adds in flight included. */
  origins(componentAppid: string, appid: string): TemplateOrigin[];
  /** Short id, title and content of templates added on any account of the platform (to recognize a copy by content). */
  library(componentAppid: string): { shortId: string; title: string; content: string }[];
  forget(componentAppid: string, appid: string, templateId: string): void;
  recordSend(input: { componentAppid: string; appid: string; msgid: string; templateId: string; touser: string; sentAt: number }): TemplateSendRow;
  /** The job-finish push: the status joined to the send by msgid (a row is made when the send is not known yet). */
  finishSend(input: { componentAppid: string; appid: string; msgid: string; status: string; at: number; eventId: number | null }): void;
  sends(componentAppid: string, appid: string, limit?: number): TemplateSendRow[];
}

interface OriginRow {
  id: number;
  appid: string;
  short_id: string;
  template_id: string | null;
  title: string | null;
  content: string | null;
  before_ids: string | null;
  added_at: number;
  added_by: string;
}
interface SendRow {
  id: number;
  appid: string;
  msgid: string;
  template_id: string | null;
  touser: string | null;
  sent_at: number | null;
  status: string | null;
  status_at: number | null;
  event_id: number | null;
}

/** Sends kept per account (older ones are dropped as new ones come). */
const KEEP_SENDS = 500;

export class SqlTemplates implements TemplatesRepo {
  private readonly s: Record<string, Database.Statement>;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
  ) {
    this.s = {
      begin: db.prepare(
        `INSERT INTO oa_templates (component_appid, appid, short_id, before_ids, added_at, added_by)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      complete: db.prepare('UPDATE oa_templates SET template_id = ?, title = ?, content = ?, before_ids = NULL WHERE id = ?'),
      drop: db.prepare('DELETE FROM oa_templates WHERE id = ?'),
      origins: db.prepare('SELECT * FROM oa_templates WHERE component_appid = ? AND appid = ? ORDER BY id'),
      library: db.prepare(
        `SELECT short_id, title, content FROM oa_templates
         WHERE component_appid = ? AND template_id IS NOT NULL AND title IS NOT NULL AND content IS NOT NULL
         GROUP BY short_id, title, content LIMIT 1000`,
      ),
      forget: db.prepare('DELETE FROM oa_templates WHERE component_appid = ? AND appid = ? AND template_id = ?'),
      send: db.prepare(
        `INSERT INTO template_sends (component_appid, appid, msgid, template_id, touser, sent_at)
         VALUES (@componentAppid, @appid, @msgid, @templateId, @touser, @sentAt)
         ON CONFLICT (component_appid, appid, msgid) DO UPDATE SET template_id = excluded.template_id,
           touser = excluded.touser, sent_at = excluded.sent_at`,
      ),
      finish: db.prepare(
        `INSERT INTO template_sends (component_appid, appid, msgid, status, status_at, event_id)
         VALUES (@componentAppid, @appid, @msgid, @status, @at, @eventId)
         ON CONFLICT (component_appid, appid, msgid) DO UPDATE SET status = excluded.status,
           status_at = excluded.status_at, event_id = excluded.event_id`,
      ),
      one: db.prepare('SELECT * FROM template_sends WHERE component_appid = ? AND appid = ? AND msgid = ?'),
      sends: db.prepare('SELECT * FROM template_sends WHERE component_appid = ? AND appid = ? ORDER BY id DESC LIMIT ?'),
      trim: db.prepare(
        `DELETE FROM template_sends WHERE component_appid = ? AND appid = ? AND id < coalesce((
           SELECT id FROM template_sends WHERE component_appid = ? AND appid = ? ORDER BY id DESC LIMIT 1 OFFSET ?), 0)`,
      ),
    };
  }

  beginAdd(input: { componentAppid: string; appid: string; shortId: string; beforeIds: string[]; addedBy: string }): number {
    return Number(
      this.s.begin!.run(
        appidArg(input.componentAppid),
        appidArg(input.appid, 'appid'),
        nonEmptyStringArg(input.shortId, 'shortId', 64),
        JSON.stringify(input.beforeIds.map(String)),
        this.now(),
        nonEmptyStringArg(input.addedBy, 'addedBy', 200),
      ).lastInsertRowid,
    );
  }

  completeAdd(id: number, t: { templateId: string; title?: string | null; content?: string | null }): void {
    this.s.complete!.run(nonEmptyStringArg(t.templateId, 'templateId', 200), optionalString(t.title ?? null, 'title', 1000), optionalString(t.content ?? null, 'content', 20_000), intArg(id, 'id', 1));
  }

  dropAdd(id: number): void {
    this.s.drop!.run(intArg(id, 'id', 1));
  }

  origins(componentAppid: string, appid: string): TemplateOrigin[] {
    return (this.s.origins!.all(appidArg(componentAppid), appidArg(appid, 'appid')) as OriginRow[]).map((r) => ({
      id: r.id,
      appid: r.appid,
      shortId: r.short_id,
      templateId: r.template_id,
      title: r.title,
      content: r.content,
      beforeIds: r.before_ids ? (JSON.parse(r.before_ids) as string[]) : null,
      addedAt: r.added_at,
      addedBy: r.added_by,
    }));
  }

  library(componentAppid: string): { shortId: string; title: string; content: string }[] {
    return (this.s.library!.all(appidArg(componentAppid)) as { short_id: string; title: string; content: string }[]).map((r) => ({ shortId: r.short_id, title: r.title, content: r.content }));
  }

  forget(componentAppid: string, appid: string, templateId: string): void {
    this.s.forget!.run(appidArg(componentAppid), appidArg(appid, 'appid'), nonEmptyStringArg(templateId, 'templateId', 200));
  }

  recordSend(input: { componentAppid: string; appid: string; msgid: string; templateId: string; touser: string; sentAt: number }): TemplateSendRow {
    const componentAppid = appidArg(input.componentAppid);
    const appid = appidArg(input.appid, 'appid');
    const msgid = nonEmptyStringArg(input.msgid, 'msgid', 64);
    this.s.send!.run({ componentAppid, appid, msgid, templateId: nonEmptyStringArg(input.templateId, 'templateId', 200), touser: nonEmptyStringArg(input.touser, 'touser', 128), sentAt: intArg(input.sentAt, 'sentAt', 0) });
    this.s.trim!.run(componentAppid, appid, componentAppid, appid, KEEP_SENDS - 1);
    return toSend(this.s.one!.get(componentAppid, appid, msgid) as SendRow);
  }

  finishSend(input: { componentAppid: string; appid: string; msgid: string; status: string; at: number; eventId: number | null }): void {
    this.s.finish!.run({
      componentAppid: appidArg(input.componentAppid),
      appid: appidArg(input.appid, 'appid'),
      msgid: nonEmptyStringArg(input.msgid, 'msgid', 64),
      status: nonEmptyStringArg(input.status, 'status', 200),
      at: intArg(input.at, 'at', 0),
      eventId: optionalInt(input.eventId, 'eventId', 1),
    });
  }

  sends(componentAppid: string, appid: string, limit = 50): TemplateSendRow[] {
    return (this.s.sends!.all(appidArg(componentAppid), appidArg(appid, 'appid'), intArg(limit, 'limit', 1, KEEP_SENDS)) as SendRow[]).map(toSend);
  }
}

function toSend(r: SendRow): TemplateSendRow {
  return { id: r.id, appid: r.appid, msgid: r.msgid, templateId: r.template_id, touser: r.touser, sentAt: r.sent_at, status: r.status, statusAt: r.status_at, eventId: r.event_id };
}
