// @vitest-environment happy-dom
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { EventSummary } from '../../src/shared/contract';
import { MsgCrypt } from '../../src/wechat/crypto';
import { decryptCommand, shellQuote } from '../../src/renderer/src/domains/events/decrypt-command';
import { eventMatchesFilter } from '../../src/renderer/src/domains/events/filter';
import { prettyPayload, prettyXml } from '../../src/renderer/src/domains/events/xml-pretty';
import { cliBundle } from '../helpers/paths';

const TOKEN = 'pamtest';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wx0123456789abcdef';

describe('copy as a wxopen crypto decrypt command', () => {
  const crypt = new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID });
  const plaintext = '<xml><AppId><![CDATA[wx0123456789abcdef]]></AppId><InfoType><![CDATA[component_verify_ticket]]></InfoType></xml>';
  const env = crypt.encryptReply(plaintext, { timestamp: '1700000000', nonce: 'n0nce' });
  const body = `<xml><AppId><![CDATA[${APPID}]]></AppId><Encrypt><![CDATA[${env.encrypt}]]></Encrypt></xml>`;
  const command = decryptCommand({
    componentAppid: APPID,
    query: { timestamp: env.timestamp, nonce: env.nonce, msg_signature: env.msgSignature, encrypt_type: 'aes' },
    rawBody: body,
  });

  it('carries the query values and never the secrets', () => {
    expect(command).toContain(`--timestamp 1700000000`);
    expect(command).toContain(`--nonce n0nce`);
    expect(command).toContain(`--msg-signature ${env.msgSignature}`);
    expect(command).toContain('--token "$TOKEN"');
    expect(command).toContain('--aes-key "$ENCODING_AES_KEY"');
    expect(command).not.toContain(TOKEN);
    expect(command).not.toContain(AES_KEY);
  });

  it('run in a shell with the secrets set, prints the plaintext', () => {
    const out = execFileSync('sh', ['-c', command.replace(/^wxopen /, `node ${shellQuote(cliBundle)} `)], {
      env: { ...process.env, TOKEN, ENCODING_AES_KEY: AES_KEY },
      encoding: 'utf8',
    });
    expect(out).toBe(plaintext);
  });

  it('says which query values are missing', () => {
    expect(decryptCommand({ componentAppid: APPID, query: null, rawBody: '<xml/>' })).toMatch(
      /^# the stored query has no timestamp, nonce, msg_signature/,
    );
  });

  it('quotes hostile values', () => {
    expect(shellQuote("a'b $(x)")).toBe(`'a'\\''b $(x)'`);
  });
});

describe('pretty printing', () => {
  it('indents flat WeChat XML and keeps CDATA', () => {
    const out = prettyXml('<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1</CreateTime><Empty/></xml>');
    expect(out).toBe('<xml>\n  <ToUserName><![CDATA[gh_1]]></ToUserName>\n  <CreateTime>1</CreateTime>\n  <Empty/>\n</xml>');
  });
  it('returns malformed XML unchanged and formats JSON', () => {
    expect(prettyXml('<xml><a></xml>')).toBe('<xml><a></xml>');
    expect(prettyPayload('{"a":1}')).toBe('{\n  "a": 1\n}');
  });
});

describe('live events under a filter', () => {
  const base: EventSummary = {
    id: 1,
    componentAppid: APPID,
    seq: 1,
    kind: 'authorizer',
    appid: 'wx1111111111111111',
    receivedAt: 1000,
    status: 'failed',
    failReason: 'bad signature',
    failReasonZh: null,
    infoType: null,
    msgType: 'event',
    event: 'subscribe',
    fromUser: 'o_user',
    toUser: 'gh_1',
    createTime: 1,
    msgId: null,
    dedupeKey: 'o_user1subscribe',
    replyMs: 5,
    verdicts: null,
    handledNote: null,
    handledNoteZh: null,
  };
  it('matches each filter field', () => {
    expect(eventMatchesFilter(base, {})).toBe(true);
    expect(eventMatchesFilter(base, { kind: 'component' })).toBe(false);
    expect(eventMatchesFilter(base, { event: 'subscribe', msgType: 'event' })).toBe(true);
    expect(eventMatchesFilter(base, { failedOnly: true })).toBe(true);
    expect(eventMatchesFilter({ ...base, status: 'ok' }, { failedOnly: true })).toBe(false);
    expect(eventMatchesFilter(base, { from: 1001 })).toBe(false);
    expect(eventMatchesFilter(base, { to: 1000 })).toBe(false);
    expect(eventMatchesFilter(base, { search: 'SIGNATURE' })).toBe(true);
    expect(eventMatchesFilter(base, { search: 'nothing' })).toBe(false);
  });
});

describe('pretty printing, nested and hostile input', () => {
  it('nests elements and leaves a DOCTYPE as inert text', () => {
    const out = prettyXml('<!DOCTYPE x [<!ENTITY e "boom">]><xml><A><B>&e;</B></A></xml>');
    expect(out).toContain('<xml>\n  <A>\n    <B>&e;</B>\n  </A>\n</xml>');
  });
  it('keeps a CDATA section containing markup intact', () => {
    expect(prettyXml('<xml><C><![CDATA[<b>x</b>]]></C></xml>')).toBe('<xml>\n  <C><![CDATA[<b>x</b>]]></C>\n</xml>');
  });
});
