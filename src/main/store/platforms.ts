import type Database from 'better-sqlite3';
import { EGRESS_MODES, type PlatformConfig, type PlatformInput, type PlatformSecrets } from '../../shared/domain';
import { plaintextToAnotherHost } from '../../shared/net';
import type { PlatformsRepo } from './api';
import { StoreError } from './errors';
import type { SecretStore } from './secret-store';
import { appidArg, boolArg, enumArg, nonEmptyStringArg, objectArg, optionalString, stringArg } from './validate';

interface PlatformRow {
  component_appid: string;
  name: string;
  relay_url: string | null;
  egress: string;
  is_demo: number;
  app_secret_enc: Buffer | null;
  token_enc: Buffer | null;
  aes_key_enc: Buffer | null;
  desk_key_enc: Buffer | null;
  created_at: number;
  updated_at: number;
}

const SECRET_COLUMNS = {
  appSecret: 'app_secret_enc',
  token: 'token_enc',
  encodingAesKey: 'aes_key_enc',
  deskKey: 'desk_key_enc',
} as const;

// Tables whose rows belong to a platform; removed with it.
const OWNED_TABLES = [
  'tickets',
  'tokens',
  'authorizers',
  'authorizer_funcs',
  'auth_links',
  'events',
  'relay_cursor',
  'api_calls',
  'settings',
  'batch_runs', // its items go with it (ON DELETE CASCADE)
  'menu_history',
] as const;

export class SqlPlatforms implements PlatformsRepo {
  private readonly selectOne: Database.Statement<[string], PlatformRow>;
  private readonly selectAll: Database.Statement<[], PlatformRow>;
  private readonly insertRow: Database.Statement;
  private readonly updateRow: Database.Statement;
  private readonly deleteRow: Database.Statement<[string]>;
  private readonly deleteOwned: Database.Statement<[string]>[];

  constructor(
    private readonly db: Database.Database,
    private readonly secrets: SecretStore,
    private readonly now: () => number,
  ) {
    this.selectOne = db.prepare('SELECT * FROM platforms WHERE component_appid = ?');
    this.selectAll = db.prepare('SELECT * FROM platforms ORDER BY is_demo, name, component_appid');
    this.insertRow = db.prepare(
      `INSERT INTO platforms (component_appid, name, relay_url, egress, is_demo, app_secret_enc, token_enc, aes_key_enc,
         desk_key_enc, created_at, updated_at)
       VALUES (@component_appid, @name, @relay_url, @egress, @is_demo, @app_secret_enc, @token_enc, @aes_key_enc,
         @desk_key_enc, @created_at, @updated_at)`,
    );
    this.updateRow = db.prepare(
      `UPDATE platforms SET name = @name, relay_url = @relay_url, egress = @egress, is_demo = @is_demo,
         app_secret_enc = @app_secret_enc, token_enc = @token_enc, aes_key_enc = @aes_key_enc,
         desk_key_enc = @desk_key_enc, updated_at = @updated_at
       WHERE component_appid = @component_appid`,
    );
    this.deleteRow = db.prepare('DELETE FROM platforms WHERE component_appid = ?');
    this.deleteOwned = OWNED_TABLES.map((t) => db.prepare(`DELETE FROM ${t} WHERE component_appid = ?`));
  }

  upsert(input: PlatformInput): PlatformConfig {
    objectArg(input, 'platform');
    const appid = appidArg(input.componentAppid);
    const name = nonEmptyStringArg(input.name, 'platform name', 200);
    const relayUrl = input.relayUrl === undefined ? undefined : optionalString(input.relayUrl, 'relayUrl', 2000);
    if (relayUrl) checkRelayUrl(relayUrl);
    const egress = input.egress === undefined ? undefined : enumArg(input.egress, EGRESS_MODES, 'egress');
    const isDemo = input.isDemo === undefined ? undefined : boolArg(input.isDemo, 'isDemo');
    for (const field of Object.keys(SECRET_COLUMNS) as (keyof typeof SECRET_COLUMNS)[]) {
      const v = input[field];
      if (v !== undefined && v !== null) nonEmptyStringArg(v, field, 10_000);
    }

    return this.db.transaction(() => {
      const existing = this.selectOne.get(appid);
      const t = this.now();
      const row: PlatformRow = existing
        ? { ...existing }
        : {
            component_appid: appid,
            name,
            relay_url: null,
            egress: 'direct',
            is_demo: 0,
            app_secret_enc: null,
            token_enc: null,
            aes_key_enc: null,
            desk_key_enc: null,
            created_at: t,
            updated_at: t,
          };
      row.name = name;
      if (relayUrl !== undefined) row.relay_url = relayUrl;
      if (egress !== undefined) row.egress = egress;
      if (isDemo !== undefined) row.is_demo = isDemo ? 1 : 0;
      for (const [field, column] of Object.entries(SECRET_COLUMNS) as [keyof typeof SECRET_COLUMNS, string][]) {
        const v = input[field];
        if (v === undefined) continue;
        (row as unknown as Record<string, Buffer | null>)[column] = v === null ? null : this.secrets.encrypt(v);
      }
      if (row.egress === 'relay' && !row.relay_url) {
        throw new StoreError('invalid_argument', `egress 'relay' needs a relayUrl for platform ${appid}`);
      }
      row.updated_at = t;
      if (existing) this.updateRow.run(row);
      else this.insertRow.run(row);
      return toConfig(row);
    })();
  }

  get(componentAppid: string): PlatformConfig | null {
    const row = this.selectOne.get(appidArg(componentAppid));
    return row ? toConfig(row) : null;
  }

  list(): PlatformConfig[] {
    return this.selectAll.all().map(toConfig);
  }

  getSecrets(componentAppid: string): PlatformSecrets {
    const row = this.selectOne.get(appidArg(componentAppid));
    if (!row) throw new StoreError('not_found', `no platform ${componentAppid} in the store`);
    const open = (blob: Buffer | null) => (blob ? this.secrets.decrypt(blob) : null);
    return {
      appSecret: open(row.app_secret_enc),
      token: open(row.token_enc),
      encodingAesKey: open(row.aes_key_enc),
      deskKey: open(row.desk_key_enc),
    };
  }

  remove(componentAppid: string): boolean {
    const appid = appidArg(componentAppid);
    return this.db.transaction(() => {
      for (const stmt of this.deleteOwned) stmt.run(appid);
      return this.deleteRow.run(appid).changes > 0;
    })();
  }
}

function checkRelayUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError('invalid_argument', `relayUrl ${stringArg(url, 'relayUrl')} is not a URL`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw new StoreError('invalid_argument', `relayUrl must be http(s) or ws(s), got ${parsed.protocol}`);
  }
  if (plaintextToAnotherHost(parsed)) {
    throw new StoreError('invalid_argument', `relayUrl must use https or wss (http and ws only to this computer): the desk key travels with every request, got ${parsed.protocol}//${parsed.host}`);
  }
}

function toConfig(row: PlatformRow): PlatformConfig {
  return {
    componentAppid: row.component_appid,
    name: row.name,
    relayUrl: row.relay_url,
    egress: row.egress as PlatformConfig['egress'],
    isDemo: row.is_demo === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    hasAppSecret: row.app_secret_enc !== null,
    hasToken: row.token_enc !== null,
    hasEncodingAesKey: row.aes_key_enc !== null,
    hasDeskKey: row.desk_key_enc !== null,
  };
}
