/**
 * The relay (relay protocol v1, architecture.md): receives WeChat pushes, stores them durably before answering,
 * delivers them to the desktop over /desk, relays passive replies, hosts the authorization start and landing pages,
 * and tunnels egress to an allowlist. It never holds the EncodingAESKey or AppSecret: it checks msg_signature with the
 * Token and stores the ciphertext as received.
 *
 * This file assembles the parts and runs the server: intake.ts (pushes), delivery.ts (the desk socket), auth-pages.ts,
 * egress.ts (CONNECT), refusal-report.ts, and queue.ts (SQLite, with its writer thread in queue-writer.ts).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { HttpRefusal, sendJson } from '../node/http';
import type { RelayHealthDetails, RelayHealthPublic } from '../shared/relay-protocol';
import { createAuthPages } from './auth-pages';
import type { RelayConfig } from './config';
import type { RelayContext } from './context';
import { createDelivery } from './delivery';
import { bearerMatches, keyDigest } from './desk-key';
import { createEgress } from './egress';
import { createIntake } from './intake';
import { normalizeAddress } from './limits';
import { jsonLineLogger, type RelayLogger } from './log';
import { PushQueue } from './queue';
import { RefusalReport } from './refusal-report';
import { send } from './respond';

/** The refusal record is saved to SQLite this often (when it changed) and on close. */
const REFUSALS_SAVE_MS = 5000;

export interface RunningRelay {
  /** The listen URL (http://127.0.0.1:PORT or https://…). */
  url: string;
  port: number;
  /** The base URL start pages are built from (config.publicUrl, or url with publicUrlIsListenUrl). */
  publicUrl: string;
  /** The whole health, as /healthz answers it with the desk key. */
  health(): RelayHealthDetails;
  /** Stop accepting, answer in-flight requests, close desk sockets and the database. */
  close(): Promise<void>;
}

export interface StartRelayOptions {
  logger?: RelayLogger;
  /** Loopback sandboxes (demo, tests) listening on port 0: build start pages from the actual listen URL. */
  publicUrlIsListenUrl?: boolean;
}

function parseListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

export async function startRelay(config: RelayConfig, options: StartRelayOptions = {}): Promise<RunningRelay> {
  const log = options.logger ?? jsonLineLogger();
  const queue = new PushQueue(config.dataDir);
  const trustedProxies = new Set(config.trustedProxies.map(normalizeAddress));
  const refusals = new RefusalReport(queue, log, trustedProxies, config.debugBodies);
  const ctx: RelayContext = {
    config,
    queue,
    log,
    refusals,
    deskKeyDigest: keyDigest(config.deskKey),
    trustedProxies,
    publicUrl: config.publicUrl,
    closing: false,
    lastPushAt: queue.lastPushAt(),
    lastTicketPushAt: queue.lastPushAtOfKind('component'),
  };
  const delivery = createDelivery(ctx);
  const handlePush = createIntake(ctx, delivery);
  const authPages = createAuthPages(ctx, delivery);
  const onConnect = createEgress(ctx);
  const reject = refusals.reject.bind(refusals);
  let inFlight = 0;
  const idleWaiters: (() => void)[] = [];

  function health(): RelayHealthDetails {
    delivery.flushAck();
    const lagFrom = queue.oldestUnackedAt();
    return {
      ok: !ctx.closing,
      queueDepth: queue.queueDepth(),
      lastPushAt: ctx.lastPushAt,
      lastTicketPushAt: ctx.lastTicketPushAt,
      queueId: queue.queueId,
      newestSeq: queue.maxSeq(),
      ackedSeq: queue.acked,
      deskConnected: delivery.connectedDesk(),
      deskLagMs: lagFrom === null ? null : Math.max(0, Date.now() - lagFrom),
      connections: { open: openConnections, addresses: connectionsByAddress.size, max: config.maxConnections, maxPerAddress: config.maxConnectionsPerAddress, refused: refusedConnections },
      refusals: refusals.log.summary(),
      ...(config.egressIp ? { egressIp: config.egressIp } : {}),
    };
  }

  /** Addition 4: the public learns only whether the relay is up; the desk key holder gets everything. */
  function handleHealthz(req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.headers['authorization'] === undefined) return sendJson(res, 200, { ok: !ctx.closing } satisfies RelayHealthPublic);
    if (!bearerMatches(req.headers['authorization'], ctx.deskKeyDigest)) return refusals.refuseDeskKey(req, res, '/healthz');
    sendJson(res, 200, health());
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const arrivedAt = Date.now();
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) idleWaiters.splice(0).forEach((f) => f());
    });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://relay.invalid');
    } catch {
      return reject(res, req, 400, 'bad_request', '');
    }
    const path = url.pathname;
    try {
      if (path === '/wechat/component') {
        if (req.method !== 'POST') throw new HttpRefusal(405, 'method_not_allowed');
        return await handlePush(req, res, url, 'component', null, arrivedAt);
      }
      const m = /^\/wechat\/authorizer\/([^/]+)$/.exec(path);
      if (m) {
        if (req.method !== 'POST') throw new HttpRefusal(405, 'method_not_allowed');
        // An appid needs no percent-escapes: anything else in the path is refused as it stands.
        const appid = m[1]!;
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(appid)) throw new HttpRefusal(400, 'bad_appid_in_path');
        return await handlePush(req, res, url, 'authorizer', appid, arrivedAt);
      }
      if (path === '/healthz' && req.method === 'GET') return handleHealthz(req, res);
      if (path === '/desk/auth-links' && req.method === 'POST') return await authPages.handleAuthLinks(req, res);
      const a = /^\/authorize\/([^/]+)$/.exec(path);
      if (a && req.method === 'GET') return authPages.handleAuthorizePage(req, res, path, a[1]!);
      if (path === '/authorized' && req.method === 'GET') return await authPages.handleAuthorized(req, res, url);
      if (path === '/favicon.ico') return send(res, 204, '');
      return reject(res, req, 404, 'not_found', path);
    } catch (err) {
      if (err instanceof HttpRefusal) reject(res, req, err.status, err.reason, path);
      else {
        log('error', 'request failed', { path, error: (err as Error).message });
        send(res, 500, 'internal error\n');
      }
    }
  }

  // ---------- server wiring ----------

  // Node checks headersTimeout and requestTimeout only every connectionsCheckingInterval (30 s by default): check
  // often enough that the header deadline really holds, and give a TLS handshake no longer than the headers.
  const timeouts = { connectionsCheckingInterval: Math.min(1000, Math.ceil(config.headersTimeoutMs / 2)) };
  const server = config.tls
    ? https.createServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key), handshakeTimeout: config.headersTimeoutMs, ...timeouts })
    : http.createServer(timeouts);
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = Math.max(30_000, config.headersTimeoutMs);

  // Connection caps, in total and per source address (trusted proxies carry many clients: only the total applies).
  let openConnections = 0;
  let refusedConnections = 0;
  const connectionsByAddress = new Map<string, number>();
  server.on('connection', (socket: net.Socket) => {
    const address = normalizeAddress(socket.remoteAddress ?? '');
    const fromAddress = connectionsByAddress.get(address) ?? 0;
    if (openConnections >= config.maxConnections || (fromAddress >= config.maxConnectionsPerAddress && !trustedProxies.has(address))) {
      refusedConnections++;
      socket.on('error', () => {});
      // Plain HTTP gets a short answer; a TLS client would not understand one before its handshake.
      if (config.tls) socket.destroy();
      else socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\nRetry-After: 10\r\n\r\n', () => socket.destroy());
      const over = openConnections >= config.maxConnections ? 'total' : 'address';
      refusals.logLine('connection refused: too many open', { reason: 'too_many_connections', over, remote: address, open: openConnections, fromAddress });
      refusals.count(null, address, 503, 'too_many_connections', '');
      return;
    }
    openConnections++;
    connectionsByAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      openConnections--;
      const n = (connectionsByAddress.get(address) ?? 1) - 1;
      if (n > 0) connectionsByAddress.set(address, n);
      else connectionsByAddress.delete(address);
    });
  });
  server.on('request', (req, res) => void onRequest(req, res));
  server.on('connect', (req, socket, head) => void onConnect(req, socket, head));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const [status, reason] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'headers_timeout'] : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headers_too_large'] : [400, 'bad_request'];
    if (err.code !== 'ECONNRESET') refusals.count(null, normalizeAddress((socket as net.Socket).remoteAddress ?? ''), status, reason, '');
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });

  server.on('upgrade', delivery.onUpgrade);

  const retentionMs = config.retentionDays * 86_400_000;
  const runPrune = () => {
    try {
      delivery.flushAck();
      const { deleted } = queue.prune(retentionMs);
      if (deleted) log('info', 'pruned acknowledged pushes past retention', { deleted });
    } catch (err) {
      log('error', 'prune failed', { error: (err as Error).message });
    }
  };
  runPrune();
  const pruneTimer = setInterval(runPrune, config.pruneIntervalMs);
  const saveRefusalsTimer = setInterval(() => refusals.save(), REFUSALS_SAVE_MS);

  const { host, port: wantPort } = parseListen(config.listen);
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(wantPort, host, () => {
      server.off('error', rejectListen);
      resolve();
    });
  }).catch(async (err) => {
    delivery.beginClose();
    clearInterval(pruneTimer);
    clearInterval(saveRefusalsTimer);
    await queue.close();
    throw err;
  });
  const port = (server.address() as net.AddressInfo).port;
  const url = `${config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (options.publicUrlIsListenUrl) ctx.publicUrl = url;
  log('info', 'relay listening', { url, publicUrl: ctx.publicUrl, maxSeq: queue.maxSeq(), queueDepth: queue.queueDepth() });

  let closed: Promise<void> | null = null;
  async function close(): Promise<void> {
    if (closed) return closed;
    ctx.closing = true;
    closed = (async () => {
      const serverClosed = new Promise<void>((r) => server.close(() => r()));
      clearInterval(pruneTimer);
      clearInterval(saveRefusalsTimer);
      // Stops the heartbeat, answers waiting passive replies with `success` and asks the desk to go.
      delivery.beginClose();
      if (inFlight > 0) await Promise.race([new Promise<void>((r) => idleWaiters.push(r)), new Promise((r) => setTimeout(r, 5000))]);
      server.closeIdleConnections?.();
      delivery.terminate();
      server.closeAllConnections?.();
      await Promise.race([serverClosed, new Promise((r) => setTimeout(r, 2000))]);
      delivery.flushAck();
      refusals.save();
      await queue.close();
      log('info', 'relay stopped');
    })();
    return closed;
  }

  return { url, port, publicUrl: ctx.publicUrl, health, close };
}
