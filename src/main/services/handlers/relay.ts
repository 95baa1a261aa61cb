/** relay/refusals: what the relay refused lately, as its last `refusals` frame said. */
import type { relayMethods } from '../../../shared/contract/relay';
import type { HandlersOf } from '../../ipc/types';
import type { RuntimeHost } from '../host';

export function relayHandlers(host: RuntimeHost) {
  return {
    'relay/refusals': async () => {
      host.requirePlatform();
      return host.currentRuntime()?.relayRefusals?.() ?? null;
    },
  } satisfies HandlersOf<typeof relayMethods>;
}
