/**
 * The handler map: one function per contract method, each a thin use case over the host, its store and the selected
 * platform's runtime, written per domain next door (./<domain>.ts, like src/shared/contract/<domain>.ts). Arguments
 * arrive already validated by the router's zod schemas. A method without a handler is a type error here.
 */
import type { ApiHandlers } from '../../ipc/types';
import type { RuntimeHost } from '../host';
import { apilogHandlers } from './apilog';
import { appHandlers } from './app';
import { authHandlers } from './auth';
import { authorizersHandlers } from './authorizers';
import { batchHandlers } from './batch';
import { dashboardHandlers } from './dashboard';
import { eventsHandlers } from './events';
import { exportHandlers } from './export';
import { messagesHandlers } from './messages';
import { mpregisterHandlers } from './mpregister';
import { mpHandlers } from './mp';
import { oaHandlers } from './oa';
import { relayHandlers } from './relay';
import { setupHandlers } from './setup';
import { workbenchHandlers } from './workbench';
import { templatesHandlers } from './templates';
import { mpcodeHandlers } from './mpcode';

export { isAllowedExternalUrl } from './app';
/** Moved to src/shared/contract/events.ts (the renderer shares the shape); re-exported for existing importers. */
export { toSummary } from '../../../shared/contract';

export function createHandlers(host: RuntimeHost) {
  return {
    ...appHandlers(host),
    ...setupHandlers(host),
    ...dashboardHandlers(host),
    ...relayHandlers(host),
    ...eventsHandlers(host),
    ...authorizersHandlers(host),
    ...exportHandlers(host),
    ...authHandlers(host),
    ...apilogHandlers(host),
    ...batchHandlers(host),
    ...oaHandlers(host),
    ...workbenchHandlers(host),
    ...templatesHandlers(host),
    ...messagesHandlers(host),
    ...mpregisterHandlers(host),
    ...mpHandlers(host),
    ...mpcodeHandlers(host),
  } satisfies ApiHandlers;
}
