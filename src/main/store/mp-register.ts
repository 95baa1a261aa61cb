/** Registration tasks of mini programs (table mp_register_tasks): one row per attempt, found by WeChat's ids. */
import type Database from 'better-sqlite3';
import type { RegisterKind, RegisterStage, RegisterTask, VerifyStage } from '../../shared/mp/register';
import { appidArg, intArg } from './validate';

interface Row {
  id: number;
  component_appid: string;
  kind: RegisterKind;
  name: string;
  inputs: string;
  stage: RegisterStage;
  wechat_status: number | null;
  taskid: string | null;
  unique_id: string | null;
  authorize_url: string | null;
  link_id: string | null;
  start_url: string | null;
  register_url: string | null;
  appid: string | null;
  errcode: number | null;
  error_msg: string | null;
  verify_stage: VerifyStage | null;
  verify_errcode: number | null;
  verify_error_msg: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** The columns a change may set (camelCase as in RegisterTask). */
export type RegisterTaskPatch = Partial<
  Pick<
    RegisterTask,
    | 'stage'
    | 'wechatStatus'
    | 'taskid'
    | 'uniqueId'
    | 'authorizeUrl'
    | 'linkId'
    | 'startUrl'
    | 'registerUrl'
    | 'appid'
    | 'errcode'
    | 'errorMsg'
    | 'verifyStage'
    | 'verifyErrcode'
    | 'verifyErrorMsg'
  >
>;

const COLUMNS: Record<keyof RegisterTaskPatch, string> = {
  stage: 'stage',
  wechatStatus: 'wechat_status',
  taskid: 'taskid',
  uniqueId: 'unique_id',
  authorizeUrl: 'authorize_url',
  linkId: 'link_id',
  startUrl: 'start_url',
  registerUrl: 'register_url',
  appid: 'appid',
  errcode: 'errcode',
  errorMsg: 'error_msg',
  verifyStage: 'verify_stage',
  verifyErrcode: 'verify_errcode',
  verifyErrorMsg: 'verify_error_msg',
};

export class SqlMpRegister {
  private readonly insertRow: Database.Statement;
  private readonly selectOne: Database.Statement<[string, number], Row>;
  private readonly selectList: Database.Statement<[string, number], Row>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO mp_register_tasks (component_appid, kind, name, inputs, stage, link_id, created_at, updated_at)
       VALUES (@componentAppid, @kind, @name, @inputs, 'submitted', @linkId, @at, @at)`,
    );
    this.selectOne = db.prepare('SELECT * FROM mp_register_tasks WHERE component_appid = ? AND id = ?');
    this.selectList = db.prepare('SELECT * FROM mp_register_tasks WHERE component_appid = ? ORDER BY id DESC LIMIT ?');
  }

  create(t: { componentAppid: string; kind: RegisterKind; name: string; inputs: RegisterTask['inputs']; linkId?: string | null }): RegisterTask {
    const componentAppid = appidArg(t.componentAppid);
    const id = Number(
      this.insertRow.run({ componentAppid, kind: t.kind, name: t.name.slice(0, 200), inputs: JSON.stringify(t.inputs), linkId: t.linkId ?? null, at: this.now() }).lastInsertRowid,
    );
    return this.get(componentAppid, id)!;
  }

  get(componentAppid: string, id: number): RegisterTask | null {
    const row = this.selectOne.get(appidArg(componentAppid), intArg(id, 'id', 1));
    return row ? toTask(row) : null;
  }

  list(componentAppid: string, limit = 200): RegisterTask[] {
    return this.selectList.all(appidArg(componentAppid), intArg(limit, 'limit', 1, 1000)).map(toTask);
  }

  /** The newest task of this platform with this value in one of WeChat's id columns. */
  findBy(componentAppid: string, by: 'taskid' | 'uniqueId' | 'linkId' | 'appid', value: string, kind?: RegisterKind): RegisterTask | null {
    const column = COLUMNS[by];
    const row = this.db
      .prepare(`SELECT * FROM mp_register_tasks WHERE component_appid = ? AND ${column} = ?${kind ? ' AND kind = ?' : ''} ORDER BY id DESC LIMIT 1`)
      .get(...[appidArg(componentAppid), value, ...(kind ? [kind] : [])]) as Row | undefined;
    return row ? toTask(row) : null;
  }

  /** The newest enterprise task waiting for this enterprise's result (the push names the enterprise, not the task). */
  findWaitingEnterprise(componentAppid: string, name: string, legalPersonaWechat: string | null): RegisterTask | null {
    const rows = this.db
      .prepare(`SELECT * FROM mp_register_tasks WHERE component_appid = ? AND kind = 'enterprise' AND name = ? AND stage IN ('submitted', 'waiting') ORDER BY id DESC`)
      .all(appidArg(componentAppid), name) as Row[];
    const tasks = rows.map(toTask);
    return tasks.find((t) => legalPersonaWechat === null || t.inputs['legalPersonaWechat'] === legalPersonaWechat) ?? tasks[0] ?? null;
  }

  /**
   * Applies the change; `onlyIn` makes it conditional on the current stage (false when the task was elsewhere).
   * Reaching done or failed sets finished_at.
   */
  update(componentAppid: string, id: number, patch: RegisterTaskPatch, onlyIn?: RegisterStage[]): boolean {
    const sets: string[] = ['updated_at = @at'];
    const params: Record<string, unknown> = { at: this.now(), componentAppid: appidArg(componentAppid), id: intArg(id, 'id', 1) };
    for (const [k, v] of Object.entries(patch) as [keyof RegisterTaskPatch, unknown][]) {
      sets.push(`${COLUMNS[k]} = @${k}`);
      params[k] = typeof v === 'string' ? v.slice(0, 2048) : (v ?? null);
    }
    if (patch.stage === 'done' || patch.stage === 'failed') sets.push('finished_at = @at');
    const where = onlyIn?.length ? ` AND stage IN (${onlyIn.map((s) => `'${s}'`).join(', ')})` : '';
    return this.db.prepare(`UPDATE mp_register_tasks SET ${sets.join(', ')} WHERE component_appid = @componentAppid AND id = @id${where}`).run(params).changes === 1;
  }
}

function toTask(r: Row): RegisterTask {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    inputs: JSON.parse(r.inputs) as RegisterTask['inputs'],
    stage: r.stage,
    wechatStatus: r.wechat_status,
    taskid: r.taskid,
    uniqueId: r.unique_id,
    authorizeUrl: r.authorize_url,
    linkId: r.link_id,
    startUrl: r.start_url,
    registerUrl: r.register_url,
    appid: r.appid,
    errcode: r.errcode,
    errorMsg: r.error_msg,
    verifyStage: r.verify_stage,
    verifyErrcode: r.verify_errcode,
    verifyErrorMsg: r.verify_error_msg,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}
