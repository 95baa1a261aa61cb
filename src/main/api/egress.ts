/** Egress through the relay (architecture: relay protocol v1, egress): calls leave from the whitelisted IP. */
import type { ProxyAgent } from 'undici';
import { WeChatInputError } from './errors';
import { undici } from './undici';

export interface RelayEgressOptions {
  /** The relay's base URL, e.g. https://relay.example.com. */
  relayUrl: string;
  /** Sent as Proxy-Authorization: Bearer <deskKey>. */
  deskKey: string;
  /** TLS options for the connection to the relay itself (e.g. a private CA). */
  proxyTls?: ProxyAgent.Options['proxyTls'];
}

/**
 * An undici ProxyAgent that tunnels (CONNECT) through the relay, whose IP is on the platform's whitelist. Bad options
 * throw at once; the agent follows when undici has loaded.
 */
export function relayEgressAgent(options: RelayEgressOptions): Promise<ProxyAgent> {
  let relay: URL;
  try {
    relay = new URL(options.relayUrl);
  } catch {
    throw new WeChatInputError(`relayEgressAgent: relayUrl "${options.relayUrl}" is not a URL; expected e.g. https://relay.example.com`);
  }
  if (relay.protocol !== 'https:' && relay.protocol !== 'http:') {
    throw new WeChatInputError(`relayEgressAgent: relayUrl must be http(s), got ${relay.protocol}`);
  }
  if (typeof options.deskKey !== 'string' || options.deskKey.trim() === '') {
    throw new WeChatInputError('relayEgressAgent: deskKey is required (the key shared with the relay)');
  }
  const { deskKey, proxyTls } = options;
  return undici().then(
    ({ ProxyAgent }) => new ProxyAgent({ uri: relay.origin, token: `Bearer ${deskKey}`, ...(proxyTls ? { proxyTls } : {}) }),
  );
}
