/**
 * The WeChat API client: every API called through its endpoint spec (src/wechat/endpoints/), with the token from a
 * TokenSource, retries, binary answers and uploads; plus authorization links and egress through the relay.
 */
export * from './client';
export * from './egress';
export * from './errors';
export * from './links';
export * from './log';
export * from './tokens';
