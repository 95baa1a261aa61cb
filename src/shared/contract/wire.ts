/** Channel names, headers and paths the transports share. */

/** Electron IPC channel for invoke (one channel; the method travels inside). */
export const IPC_INVOKE_CHANNEL = 'wxopen:invoke';
/** Electron IPC channel for events (main → renderer), payload AppEventMessage. */
export const IPC_EVENT_CHANNEL = 'wxopen:event';
/** Console mode: the header that carries the session token on POST /api/<method>. */
export const SESSION_TOKEN_HEADER = 'x-wxopen-token';
/** Console mode: the query parameter that carries the session token in the page URL and the /events WebSocket URL. */
export const SESSION_TOKEN_PARAM = 'token';
/** Console mode: the API path prefix (POST /api/<domain>/<verb>). */
export const HTTP_API_PREFIX = '/api/';
/** Console mode: the WebSocket path for events. */
export const HTTP_EVENTS_PATH = '/events';
