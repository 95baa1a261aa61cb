/** platform/* and setup/*: the configured platforms, the setup checks, the backup. */
import type { SetupCheck, SetupCheckResult } from '../../../shared/contract';
import type { setupMethods } from '../../../shared/contract/setup';
import type { HandlersOf } from '../../ipc/types';
import { backupIntoDataFolder } from '../data-folder';
import { ServiceError } from '../../errors';
import type { RuntimeHost } from '../host';
import type { PlatformRuntime, SetupCheckOutcome } from '../../runtime';

async function runCheck(runtime: PlatformRuntime, check: SetupCheck, fn: () => Promise<SetupCheckOutcome>) {
  const started = Date.now();
  const outcome = await fn.call(runtime);
  return { check, ...outcome, durationMs: Date.now() - started } satisfies SetupCheckResult;
}

export function setupHandlers(host: RuntimeHost) {
  const store = host.store;
  return {
    'platform/list': async () => ({ platforms: store.platforms.list(), selectedAppid: host.selected }),
    'platform/get': async ({ componentAppid }) => {
      const platform = store.platforms.get(componentAppid);
      if (!platform) throw new ServiceError('not_found', { en: `There is no platform ${componentAppid}.`, zh: `没有平台 ${componentAppid}。` });
      return platform;
    },
    'platform/save': async (args) => {
      const existing = store.platforms.get(args.componentAppid);
      if (existing?.isDemo) {
        throw new ServiceError('conflict', {
          en: 'The demo platform is generated and cannot be edited; add your own platform.',
          zh: '演示平台是自动生成的，不能修改；请添加你自己的平台。',
        });
      }
      const setsSecret = [args.appSecret, args.token, args.encodingAesKey, args.deskKey].some(
        (v) => typeof v === 'string',
      );
      const storage = host.secretStorage();
      if (setsSecret && !storage.secretsAllowed) {
        throw new ServiceError('secret_storage', {
          en: storage.warning ?? 'Secrets cannot be stored safely here.',
          zh: storage.warningZh ?? '这台机器无法安全地保存密钥。',
        });
      }
      const saved = store.platforms.upsert({ ...args, isDemo: false });
      if (host.selected === saved.componentAppid) await host.restartSelected();
      else if (host.selected === null) await host.select(saved.componentAppid);
      else host.emit('platform:changed', { selectedAppid: host.selected });
      return saved;
    },
    'platform/select': async ({ componentAppid }) => host.select(componentAppid),
    'platform/delete': async ({ componentAppid }) => {
      const platform = store.platforms.get(componentAppid);
      if (!platform) return { deleted: false };
      if (host.selected === componentAppid) {
        if (platform.isDemo) {
          throw new ServiceError('conflict', {
            en: 'The demo platform is in use; select another platform before deleting it.',
            zh: '演示平台正在使用中；请先选择其他平台再删除它。',
          });
        }
        await host.deselect();
      }
      return { deleted: store.platforms.remove(componentAppid) };
    },

    'setup/test': async ({ check, sample }) => {
      const runtime = host.requireRuntime();
      switch (check) {
        case 'decrypt':
          return runCheck(runtime, check, () => runtime.testDecrypt(sample));
        case 'componentToken':
          return runCheck(runtime, check, () => runtime.testComponentToken());
        case 'relay':
          return runCheck(runtime, check, () => runtime.testRelay());
      }
    },
    'setup/backup': async () => backupIntoDataFolder(store, host.dataDir),
  } satisfies HandlersOf<typeof setupMethods>;
}
