import { errorText } from '../../i18n';
/** Setup domain: save a platform's configuration and run the per-part checks. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SamplePush, SetupCheck, SetupCheckResult } from '../../../../shared/contract';
import type { PlatformConfig } from '../../../../shared/domain';
import type { PlatformForm } from '../../lib/validators';
import { useApi } from '../../transport';
import { useAppStore } from '../app/store';

export const useSetupStore = defineStore('setup', () => {
  const api = useApi();
  const results = ref<Partial<Record<SetupCheck, SetupCheckResult | { ok: false; message: string; messageZh: string; check: SetupCheck }>>>({});
  const running = ref<Partial<Record<SetupCheck, boolean>>>({});

  /**
   * Save the form. Secret fields left empty while editing an existing platform keep their stored value
   * (the renderer never sees secrets, so it cannot show them).
   */
  async function save(form: PlatformForm, existing: PlatformConfig | null, selectAfter: boolean): Promise<PlatformConfig> {
    const secret = (v: string): string | undefined => (v.trim() === '' && existing ? undefined : v.trim());
    const saved = await api.invoke('platform/save', {
      componentAppid: form.componentAppid.trim(),
      name: form.name.trim(),
      relayUrl: form.relayUrl.trim() === '' ? null : form.relayUrl.trim(),
      egress: form.egress,
      appSecret: secret(form.appSecret),
      token: secret(form.token),
      encodingAesKey: secret(form.encodingAesKey),
      deskKey: form.deskKey.trim() === '' ? (existing ? undefined : null) : form.deskKey.trim(),
    });
    const app = useAppStore();
    if (selectAfter) await app.select(saved.componentAppid);
    else await app.load();
    return saved;
  }

  async function runCheck(check: SetupCheck, sample?: SamplePush): Promise<void> {
    running.value = { ...running.value, [check]: true };
    try {
      const result = await api.invoke('setup/test', sample ? { check, sample } : { check });
      results.value = { ...results.value, [check]: result };
    } catch (err) {
      results.value = { ...results.value, [check]: { check, ok: false, message: errorText(err, 'en'), messageZh: errorText(err, 'zh-CN') } };
    } finally {
      running.value = { ...running.value, [check]: false };
    }
  }

  async function remove(componentAppid: string): Promise<void> {
    await api.invoke('platform/delete', { componentAppid });
    await useAppStore().load();
  }

  function clearResults(): void {
    results.value = {};
  }

  return { results, running, save, runCheck, remove, clearResults };
});
