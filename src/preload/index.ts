/**
 * The sandboxed preload: exposes window.api = { invoke(method, args), on(event, cb) } and nothing else.
 * No ipcRenderer, no Node: the renderer can only call contract methods and listen to contract events.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  isApiMethod,
  isAppEventName,
  type ApiEnvelope,
  type AppEventMessage,
  type WindowApi,
} from '../shared/contract';

type Callback = (payload: unknown) => void;
const listeners = new Map<string, Set<Callback>>();

// One IPC listener for all events; callbacks get the payload only, never the IpcRendererEvent (it exposes sender).
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, message: AppEventMessage) => {
  if (!message || !isAppEventName(message.event)) return;
  for (const cb of listeners.get(message.event) ?? []) {
    try {
      cb(message.payload);
    } catch (err) {
      console.error(`wxopen: a listener for ${message.event} failed`, err);
    }
  }
});

const api: WindowApi = {
  invoke(method, args) {
    if (!isApiMethod(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'unknown_method', message: `Unknown method "${String(method)}".` },
      } as ApiEnvelope<never>);
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, args);
  },
  on(event, callback) {
    if (!isAppEventName(event) || typeof callback !== 'function') return () => undefined;
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(callback as Callback);
    return () => {
      set.delete(callback as Callback);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
