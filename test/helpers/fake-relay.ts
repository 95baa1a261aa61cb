/**
 * A small real WebSocket server that speaks the relay's /desk protocol frame by frame, for tests that need frames the
 * real relay does not send on demand (a `queue` reset, `refusals`, malformed pushes, a burst of frames at once).
 * It records every frame the desk sends; the test decides what to answer to each hello.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AckFrame, ClientToRelay, HelloFrame, ReplyFrame } from '../../src/shared/relay-protocol';

export interface FakeRelay {
  /** ws://127.0.0.1:port (the desk appends /desk). */
  url: string;
  hellos: HelloFrame[];
  acks: AckFrame[];
  replies: ReplyFrame[];
  /** Every frame the desk sent, in order. */
  frames: ClientToRelay[];
  /** The socket of the newest connection. */
  socket(): WebSocket;
  /** Send any frame (typed or not) on the newest connection. */
  send(frame: unknown): void;
  close(): Promise<void>;
}

export async function startFakeRelay(opts: {
  deskKey: string;
  /** Called for every hello; answer on `ws` (a queue frame, pushes, …). */
  onHello: (hello: HelloFrame, ws: WebSocket, index: number) => void;
  /** Called for every ack as it arrives (before it is recorded). */
  onAck?: (ack: AckFrame) => void;
}): Promise<FakeRelay> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/desk',
    verifyClient: (info: { req: IncomingMessage }) => info.req.headers.authorization === `Bearer ${opts.deskKey}`,
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const hellos: HelloFrame[] = [];
  const acks: AckFrame[] = [];
  const replies: ReplyFrame[] = [];
  const frames: ClientToRelay[] = [];
  let newest: WebSocket | null = null;
  wss.on('connection', (ws) => {
    newest = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ClientToRelay;
      frames.push(frame);
      if (frame.type === 'hello') {
        hellos.push(frame);
        opts.onHello(frame, ws, hellos.length - 1);
      } else if (frame.type === 'ack') {
        opts.onAck?.(frame);
        acks.push(frame);
      } else if (frame.type === 'reply') {
        replies.push(frame);
      }
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    hellos,
    acks,
    replies,
    frames,
    socket: () => {
      if (!newest) throw new Error('no desk has connected to the fake relay');
      return newest;
    },
    send: (frame) => newest?.send(JSON.stringify(frame)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
