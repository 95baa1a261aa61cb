/**
 * Mini-program code the console committed (tables mp_code_commits and mp_code_live): one row per mini program and
 * user_version with its template, and the live version getversioninfo last reported. A commit of a user_version
 * already recorded replaces it (WeChat keeps one trial version; the newest commit of a version is what runs).
 */
import type Database from 'better-sqlite3';
import type { MpCodeCommitRecord, TemplateRunner } from '../../shared/mp/code';
import { appidArg, intArg, optionalString, stringArg, timeArg } from './validate';

export interface MpCodeRepo {
  recordCommit(componentAppid: string, input: MpCodeCommitRecord): void;
  /** Newest first. */
  commits(componentAppid: string, appid: string, limit?: number): MpCodeCommitRecord[];
  recordVersions(componentAppid: string, appid: string, versions: { live: string | null; trial: string | null; at: number }): void;
  live(componentAppid: string, appid: string): { live: string | null; trial: string | null; checkedAt: number } | null;
  /** Every mini program a template was committed to by this console (all templates when templateId is absent). */
  runners(componentAppid: string, templateId?: number): TemplateRunner[];
}

interface CommitRow {
  appid: string;
  user_version: string;
  template_id: number;
  user_desc: string;
  committed_at: number;
}

export class SqlMpCode implements MpCodeRepo {
  private readonly s: {
    upsert: Database.Statement;
    commits: Database.Statement<[string, string, number], CommitRow>;
    versions: Database.Statement;
    live: Database.Statement<[string, string], { live_version: string | null; trial_version: string | null; checked_at: number }>;
    runners: Database.Statement<[{ c: string; t: number | null }], CommitRow & { nickname: string | null; latest: number; live: number | null }>;
  };

  constructor(db: Database.Database) {
    this.s = {
      upsert: db.prepare(
        `INSERT INTO mp_code_commits (component_appid, appid, user_version, template_id, user_desc, committed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (component_appid, appid, user_version) DO UPDATE SET template_id = excluded.template_id, user_desc = excluded.user_desc, committed_at = excluded.committed_at`,
      ),
      commits: db.prepare('SELECT appid, user_version, template_id, user_desc, committed_at FROM mp_code_commits WHERE component_appid = ? AND appid = ? ORDER BY committed_at DESC LIMIT ?'),
      versions: db.prepare(
        `INSERT INTO mp_code_live (component_appid, appid, live_version, trial_version, checked_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (component_appid, appid) DO UPDATE SET live_version = excluded.live_version, trial_version = excluded.trial_version, checked_at = excluded.checked_at`,
      ),
      live: db.prepare('SELECT live_version, trial_version, checked_at FROM mp_code_live WHERE component_appid = ? AND appid = ?'),
      runners: db.prepare(
        `SELECT c.appid, c.user_version, c.template_id, c.user_desc, c.committed_at, a.nick_name AS nickname,
           c.committed_at = (SELECT max(committed_at) FROM mp_code_commits m WHERE m.component_appid = c.component_appid AND m.appid = c.appid) AS latest,
           CASE WHEN l.appid IS NULL THEN NULL ELSE coalesce(l.live_version = c.user_version, 0) END AS live
         FROM mp_code_commits c
         LEFT JOIN mp_code_live l ON l.component_appid = c.component_appid AND l.appid = c.appid
         LEFT JOIN authorizers a ON a.component_appid = c.component_appid AND a.appid = c.appid
         WHERE c.component_appid = @c AND (@t IS NULL OR c.template_id = @t)
         ORDER BY c.template_id, c.committed_at DESC`,
      ),
    };
  }

  recordCommit(componentAppid: string, input: MpCodeCommitRecord): void {
    this.s.upsert.run(
      appidArg(componentAppid),
      appidArg(input.appid, 'appid'),
      stringArg(input.userVersion, 'userVersion', 200),
      intArg(input.templateId, 'templateId', 0),
      stringArg(input.userDesc, 'userDesc', 10_000),
      timeArg(input.committedAt, 'committedAt'),
    );
  }

  commits(componentAppid: string, appid: string, limit = 50): MpCodeCommitRecord[] {
    return this.s.commits.all(appidArg(componentAppid), appidArg(appid, 'appid'), intArg(limit, 'limit', 1, 1000)).map((r) => ({
      appid: r.appid,
      userVersion: r.user_version,
      templateId: r.template_id,
      userDesc: r.user_desc,
      committedAt: r.committed_at,
    }));
  }

  recordVersions(componentAppid: string, appid: string, v: { live: string | null; trial: string | null; at: number }): void {
    this.s.versions.run(appidArg(componentAppid), appidArg(appid, 'appid'), optionalString(v.live, 'live', 200), optionalString(v.trial, 'trial', 200), timeArg(v.at, 'at'));
  }

  live(componentAppid: string, appid: string): { live: string | null; trial: string | null; checkedAt: number } | null {
    const r = this.s.live.get(appidArg(componentAppid), appidArg(appid, 'appid'));
    return r ? { live: r.live_version, trial: r.trial_version, checkedAt: r.checked_at } : null;
  }

  runners(componentAppid: string, templateId?: number): TemplateRunner[] {
    const t = templateId === undefined ? null : intArg(templateId, 'templateId', 0);
    return this.s.runners.all({ c: appidArg(componentAppid), t }).map((r) => ({
      appid: r.appid,
      nickname: r.nickname || null,
      templateId: r.template_id,
      userVersion: r.user_version,
      committedAt: r.committed_at,
      latestCommit: r.latest === 1,
      live: r.live === null ? null : r.live === 1,
    }));
  }
}
