/**
 * The WeChat API client now lives in src/main/api/ (client, errors, tokens, log, links, egress). This file keeps its
 * names importable from where they always were (token-manager, authorization, inbox, engine and tests use it).
 */
export * from '../api';
