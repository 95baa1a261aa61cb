/** Calls through the IPC router as the renderer would, for handler tests: the result, or the refusal. */
import { createRouter, type Router } from '../../src/main/ipc/router';
import { createHandlers } from '../../src/main/services/handlers';
import type { RuntimeHost } from '../../src/main/services/host';
import type { ApiEnvelope, ApiError } from '../../src/shared/contract';

/** The router over the host's handlers, trusting every sender (the handler tests call it directly). */
export function trustedRouter(host: RuntimeHost): Router {
  return createRouter({ handlers: createHandlers(host), trustSender: () => true });
}

/** `router` is read at each call (tests make it in beforeAll). */
export function routerCalls(router: () => Router) {
  const dispatch = <T>(method: string, args: unknown) => router().dispatch(method as never, args, {} as never) as Promise<ApiEnvelope<T>>;
  return {
    /** The result; a refusal fails the test with its code and message. */
    async ok<T>(method: string, args: unknown): Promise<T> {
      const env = await dispatch<T>(method, args);
      if (!env.ok) throw new Error(`${method}: ${env.error.code} ${env.error.message}`);
      return env.result;
    },
    /** The refusal; a result fails the test. */
    async fail(method: string, args: unknown): Promise<ApiError> {
      const env = await dispatch<unknown>(method, args);
      if (env.ok) throw new Error(`${method} should have failed`);
      return env.error;
    },
  };
}
