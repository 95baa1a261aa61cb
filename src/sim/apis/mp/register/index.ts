/**
 * Family "mp/register" (reference §7.1, §2.3): fast registration of an enterprise mini program. fastregisterweapp
 * ?action=create starts a task (one per enterprise name at a time, 89249 while it runs, 24 h at most), ?action=search
 * finds it (89250 when there is none); the result is the notify_third_fasteregister push, sent when a test calls
 * POST /__sim/fastregister (which completes the task of the same name, if there is one).
 */
import * as spec from '../../../../wechat/endpoints/mp-register';
import type { XmlInputObject } from '../../../../wechat/xml';
import { hashHex, seededProfile } from '../../../accounts';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { ok, route, str, type Route } from '../../../kernel/routes';
import type { PushRecord } from '../../../pushes/delivery';
import type { FastRegisterInput } from '../../../types';
import type { SimFamily } from '../../family';

const TASK_LIFE_MS = 24 * 3600 * 1000;
/** The code's length by code_type: 1 unified social credit code, 2 organisation code, 3 business licence number. */
const CODE_LENGTH: Record<string, number> = { '1': 18, '2': 9, '3': 15 };

interface Task {
  name: string;
  code: string;
  codeType: number;
  legalPersonaWechat: string;
  legalPersonaName: string;
  componentPhone: string;
  createdAt: number;
}

export class RegisterApis implements SimFamily {
  private readonly tasks = new Map<string, Task>();

  constructor(private readonly k: SimKernel) {}

  reset(): void {
    this.tasks.clear();
  }

  routes(): Route[] {
    return [
      route(spec.fastRegisterCreate, ({ body }) => {
        const { name, code, legal_persona_wechat: wechat, legal_persona_name: legalName } = fields(body, ['name', 'code', 'legal_persona_wechat', 'legal_persona_name']);
        const codeType = str(body, 'code_type') ?? '';
        if (!(codeType in CODE_LENGTH)) throw new ApiError(89248, `invalid code type: code_type must be 1, 2 or 3, got "${codeType}"`);
        if (code.length !== CODE_LENGTH[codeType]) throw new ApiError(89255, `code is invalid: code_type ${codeType} takes ${CODE_LENGTH[codeType]} characters`);
        if (this.running(name)) throw new ApiError(89249, 'task running: a registration for this enterprise is in progress; retry after 24 h');
        this.tasks.set(name, {
          name,
          code,
          codeType: Number(codeType),
          legalPersonaWechat: wechat,
          legalPersonaName: legalName,
          componentPhone: str(body, 'component_phone') ?? '',
          createdAt: this.k.clock.now(),
        });
        this.k.log(`fastregisterweapp: task for ${name}`);
        return ok();
      }),
      route(spec.fastRegisterSearch, ({ body }) => {
        const { name, legal_persona_wechat: wechat, legal_persona_name: legalName } = fields(body, ['name', 'legal_persona_wechat', 'legal_persona_name']);
        const task = this.running(name);
        if (!task || task.legalPersonaWechat !== wechat || task.legalPersonaName !== legalName) throw new ApiError(89250);
        return ok();
      }),
    ];
  }

  private running(name: string): Task | undefined {
    const task = this.tasks.get(name);
    return task && task.createdAt + TASK_LIFE_MS > this.k.clock.now() ? task : undefined;
  }

  /** Push a notify_third_fasteregister result (§2.3); on status 0 a new mini program is authorized. */
  complete(input: FastRegisterInput = {}): { appid: string | null; authCode: string | null; push: Promise<PushRecord> } {
    const { k } = this;
    const name = input.name ?? '深圳市新注册科技有限公司';
    const task = this.running(name);
    this.tasks.delete(name);
    const status = input.status ?? 0;
    let appid: string | null = null;
    let authCode: string | null = null;
    if (status === 0) {
      const h = hashHex(k.settings.seed, 'fastregister', k.counter++, Date.now());
      appid = `wx${h.slice(0, 16)}`;
      k.state.extraProfiles.set(appid, {
        ...seededProfile(k.settings.seed, 1),
        appid,
        nickName: `${name.replace(/有限公司$/, '')}小程序`,
        principalName: name,
        userName: `gh_${h.slice(16, 28)}`,
        verifyType: -1,
      });
      authCode = k.authorize(appid, { push: false }).authCode;
    }
    const info: XmlInputObject = input.personal
      ? { wxuser: input.personal.wxuser, idname: input.personal.idname, component_phone: input.componentPhone ?? '' }
      : {
          name,
          code: input.code ?? task?.code ?? '91440300MA5FXXXXXX',
          code_type: input.codeType ?? task?.codeType ?? 1,
          legal_persona_wechat: input.legalPersonaWechat ?? task?.legalPersonaWechat ?? 'legal_wx_001',
          legal_persona_name: input.legalPersonaName ?? task?.legalPersonaName ?? '张三',
          component_phone: input.componentPhone ?? task?.componentPhone ?? '',
        };
    const fields: XmlInputObject = { appid: appid ?? '', status, auth_code: authCode ?? '', msg: input.msg ?? (status === 0 ? 'OK' : 'open verity failed'), info };
    return { appid, authCode, push: k.pushes.component('notify_third_fasteregister', fields, appid) };
  }
}

/** Required fields of a fast-register request: 89253 (missing params) names the first one absent. */
function fields<K extends string>(body: Record<string, unknown>, names: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const n of names) {
    const v = str(body, n);
    if (v === undefined) throw new ApiError(89253, `lack of some params: ${n}`);
    out[n] = v;
  }
  return out;
}
