import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type WindowApi } from '../../src/shared/contract';

// The preload runs only inside Electron; this stands in for the three electron APIs it touches, recording the calls.
const exposed: Record<string, unknown> = {};
const invokeCalls: unknown[][] = [];
let eventHandler: ((event: unknown, message: unknown) => void) | null = null;
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      invokeCalls.push(args);
      return { ok: true, result: 'from-main' };
    },
    on: (channel: string, handler: (event: unknown, message: unknown) => void) => {
      if (channel === IPC_EVENT_CHANNEL) eventHandler = handler;
    },
  },
}));

let api: WindowApi;
beforeAll(async () => {
  await import('../../src/preload/index');
  api = exposed['api'] as WindowApi;
});

describe('preload', () => {
  it('exposes window.api with invoke and on, and nothing else', () => {
    expect(Object.keys(exposed)).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards contract methods on the one invoke channel, refuses others without IPC', async () => {
    expect(await api.invoke('dashboard/get', {})).toEqual({ ok: true, result: 'from-main' });
    expect(invokeCalls).toEqual([[IPC_INVOKE_CHANNEL, 'dashboard/get', {}]]);
    const refused = await api.invoke('shell/exec' as never, {} as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(invokeCalls).toHaveLength(1);
  });

  it('delivers events to subscribers only, without the IPC event object, until they unsubscribe', () => {
    const got: unknown[] = [];
    const off = api.on('relay:state', (payload) => got.push(payload));
    api.on('event:new', () => got.push('wrong event'));
    eventHandler!({ sender: 'ipc internals' }, { event: 'relay:state', payload: { state: 'connected' } });
    eventHandler!({}, { event: 'not:an-event', payload: 1 });
    off();
    eventHandler!({}, { event: 'relay:state', payload: { state: 'disconnected' } });
    expect(got).toEqual([{ state: 'connected' }]);
  });
});
