/**
 * Setup-form validators. Each returns null (valid) or an issue: an i18n key under `validation.` plus the values the
 * message needs, so the text is translated and tests can check the exact wording.
 */
import { plaintextToAnotherHost } from '../../../shared/net';

export interface ValidationIssue {
  key: string;
  params?: Record<string, string | number>;
}

const APPID_RE = /^wx[0-9a-f]{16}$/;
const BASE64_ALPHABET_RE = /^[A-Za-z0-9+/]$/;
const TOKEN_RE = /^[A-Za-z0-9]{3,32}$/;

export function validateAppid(value: string): ValidationIssue | null {
  const v = value.trim();
  if (v === '') return { key: 'validation.required' };
  if (!v.startsWith('wx')) return { key: 'validation.appidPrefix' };
  if (APPID_RE.test(v)) return null;
  if (v.length !== 18) return { key: 'validation.appidLength', params: { length: v.length } };
  return { key: 'validation.appidHex' };
}

/** EncodingAESKey: exactly 43 characters of the base64 alphabet (what decodeAesKey in the main process accepts). */
export function validateEncodingAesKey(value: string): ValidationIssue | null {
  const v = value.trim();
  if (v === '') return { key: 'validation.required' };
  const chars = [...v];
  const badIndex = chars.findIndex((c) => !BASE64_ALPHABET_RE.test(c));
  if (chars.length !== 43) return { key: 'validation.aesKey', params: { length: chars.length } };
  if (badIndex >= 0) {
    return { key: 'validation.aesKeyChar', params: { char: chars[badIndex]!, position: badIndex + 1 } };
  }
  return null;
}

export function validateToken(value: string): ValidationIssue | null {
  const v = value.trim();
  if (v === '') return { key: 'validation.required' };
  return TOKEN_RE.test(v) ? null : { key: 'validation.token', params: { length: [...v].length } };
}

/** The AppSecret's exact format is not documented; WeChat issues 32 hex characters. Accept letters and digits. */
export function validateAppSecret(value: string): ValidationIssue | null {
  const v = value.trim();
  if (v === '') return { key: 'validation.required' };
  return /^[A-Za-z0-9]{16,64}$/.test(v) ? null : { key: 'validation.appSecret' };
}

/**
 * The relay's base URL: https/wss, or http/ws on loopback only (the desk key travels with every request,
 * so plaintext transport is only acceptable on this computer).
 */
export function validateRelayUrl(value: string, required: boolean): ValidationIssue | null {
  const v = value.trim();
  if (v === '') return required ? { key: 'validation.relayRequired' } : null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return { key: 'validation.url' };
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return { key: 'validation.urlScheme' };
  if (url.hostname === '') return { key: 'validation.url' };
  if (plaintextToAnotherHost(url)) return { key: 'validation.urlPlaintext' };
  if (url.search !== '' || url.hash !== '') return { key: 'validation.urlQuery' };
  return null;
}

export function validateDeskKey(value: string, required: boolean): ValidationIssue | null {
  const v = value.trim();
  if (v === '') return required ? { key: 'validation.deskKeyRequired' } : null;
  if (/\s/.test(v)) return { key: 'validation.deskKeySpace' };
  return v.length >= 16 ? null : { key: 'validation.deskKeyShort', params: { length: v.length } };
}

export function validateName(value: string): ValidationIssue | null {
  const v = value.trim();
  if (v === '') return { key: 'validation.required' };
  return [...v].length <= 64 ? null : { key: 'validation.nameLong' };
}

export interface PlatformForm {
  componentAppid: string;
  name: string;
  appSecret: string;
  token: string;
  encodingAesKey: string;
  relayUrl: string;
  deskKey: string;
  egress: 'direct' | 'relay';
}

export type PlatformFormIssues = Partial<Record<keyof PlatformForm, ValidationIssue>>;

/** Validate the whole form; egress through the relay needs the relay URL and desk key. */
export function validatePlatformForm(form: PlatformForm): PlatformFormIssues {
  const needRelay = form.egress === 'relay';
  const issues: PlatformFormIssues = {};
  const checks: [keyof PlatformForm, ValidationIssue | null][] = [
    ['componentAppid', validateAppid(form.componentAppid)],
    ['name', validateName(form.name)],
    ['appSecret', validateAppSecret(form.appSecret)],
    ['token', validateToken(form.token)],
    ['encodingAesKey', validateEncodingAesKey(form.encodingAesKey)],
    ['relayUrl', validateRelayUrl(form.relayUrl, needRelay)],
    ['deskKey', validateDeskKey(form.deskKey, needRelay || form.relayUrl.trim() !== '')],
  ];
  for (const [field, issue] of checks) if (issue) issues[field] = issue;
  return issues;
}
