/** app/*, settings/*, shell/openExternal. */
import type { appMethods } from '../../../shared/contract/app';
import type { HandlersOf } from '../../ipc/types';
import { ServiceError } from '../../errors';
import type { RuntimeHost } from '../host';

/** Hosts shell/openExternal may open (https only), besides loopback and the selected platform's relay. */
const EXTERNAL_HOST_SUFFIXES = ['weixin.qq.com', 'qq.com', 'wechat.com', 'github.com'];

/** Whether shell/openExternal may open this URL. */
export function isAllowedExternalUrl(raw: string, relayUrl: string | null): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  if (loopback) return url.protocol === 'http:' || url.protocol === 'https:';
  if (url.protocol !== 'https:') return false;
  if (EXTERNAL_HOST_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) return true;
  if (relayUrl) {
    try {
      return new URL(relayUrl).hostname.toLowerCase() === host;
    } catch {
      return false;
    }
  }
  return false;
}

export function appHandlers(host: RuntimeHost) {
  const store = host.store;
  return {
    'app/info': async () => host.info(),
    'settings/get': async () => host.settings(),
    'settings/set': async (args) => host.updateSettings(args),
    'shell/openExternal': async ({ url }) => {
      const relayUrl = host.selected ? (store.platforms.get(host.selected)?.relayUrl ?? null) : null;
      if (!isAllowedExternalUrl(url, relayUrl)) {
        throw new ServiceError('forbidden', {
          en: 'Only https links to WeChat (weixin.qq.com, qq.com), the configured relay or loopback can be opened.',
          zh: '只能打开指向微信（weixin.qq.com、qq.com）、已配置的中继或本机的 https 链接。',
        });
      }
      if (!host.openExternal) return { opened: false };
      await host.openExternal(url);
      return { opened: true };
    },
  } satisfies HandlersOf<typeof appMethods>;
}
