/** mpregister/*: registration tasks of mini programs (src/main/mp/register.ts, on the selected platform's runtime). */
import type { mpregisterMethods } from '../../../shared/contract/mpregister';
import { ServiceError } from '../../errors';
import type { HandlersOf } from '../../ipc/types';
import type { RuntimeHost } from '../host';

export function mpregisterHandlers(host: RuntimeHost) {
  const registration = () => {
    const r = host.requireRuntime().mpRegister;
    if (!r) throw new ServiceError('conflict', { en: 'this platform runtime does not register mini programs', zh: '当前平台运行时不支持注册小程序' });
    return r;
  };
  return {
    'mpregister/list': async ({ limit }) => registration().list(limit ?? 200),
    'mpregister/createEnterprise': (f) => registration().createEnterprise(f),
    'mpregister/createPersonal': (f) => registration().createPersonal(f),
    'mpregister/createBeta': (f) => registration().createBeta(f),
    'mpregister/createViaOa': (f) => registration().createViaOa(f),
    'mpregister/submitTicket': ({ id, ticket }) => registration().submitTicket(id, ticket),
    'mpregister/refresh': ({ id }) => registration().refresh(id),
    'mpregister/verifyBeta': ({ id, ...f }) => registration().verifyBeta(id, f),
  } satisfies HandlersOf<typeof mpregisterMethods>;
}
