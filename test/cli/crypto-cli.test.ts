/** `wxopen crypto …` run as a real process: the fixed contract, exit codes 0/1/2 and one-line errors. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliBundle, fixturePath } from '../helpers/paths';

const vectors = JSON.parse(readFileSync(fixturePath('crypto-vectors.json'), 'utf8')) as Record<string, string>[];
const v = vectors.find((x) => x.name === 'chinese-text')!;

function wxopen(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cliBundle, ...args], { input: input ?? '', encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const keyArgs = ['--token', v.token!, '--aes-key', v.encodingAesKey!, '--appid', v.appid!];

describe('wxopen crypto', () => {
  it('--help exits 0 quickly without loading the app', () => {
    const r = wxopen(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wxopen crypto decrypt');
  });

  it('sign prints the msg_signature and the plain signature', () => {
    expect(wxopen(['crypto', 'sign', '--token', v.token!, '--timestamp', v.timestamp!, '--nonce', v.nonce!, '--encrypt', v.encrypt!]).stdout.trim()).toBe(v.msgSignature);
    expect(wxopen(['crypto', 'sign', '--token', v.token!, '--timestamp', v.timestamp!, '--nonce', v.nonce!]).stdout.trim()).toBe(v.plainSignature);
  });

  it('encrypt with --random16 reproduces the vector inside a signed envelope', () => {
    const r = wxopen(['crypto', 'encrypt', ...keyArgs, '--timestamp', v.timestamp!, '--nonce', v.nonce!, '--random16', v.random16!], v.plaintext);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`<Encrypt><![CDATA[${v.encrypt}]]></Encrypt>`);
    expect(r.stdout).toContain(`<MsgSignature><![CDATA[${v.msgSignature}]]></MsgSignature>`);
    expect(r.stdout).toContain(`<TimeStamp>${v.timestamp}</TimeStamp>`);
  });

  it('decrypt of a captured push gives the plaintext byte for byte', () => {
    const body = `<xml><ToUserName><![CDATA[gh_3c884a361561]]></ToUserName><Encrypt><![CDATA[${v.encrypt}]]></Encrypt></xml>`;
    const r = wxopen(['crypto', 'decrypt', ...keyArgs, '--timestamp', v.timestamp!, '--nonce', v.nonce!, '--msg-signature', v.msgSignature!], body);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(v.plaintext);
  });

  it('a bad signature exits 1 with one line naming the problem', () => {
    const body = `<xml><Encrypt><![CDATA[${v.encrypt}]]></Encrypt></xml>`;
    const r = wxopen(['crypto', 'decrypt', ...keyArgs, '--timestamp', v.timestamp!, '--nonce', '1', '--msg-signature', v.msgSignature!], body);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/msg_signature does not match/);
  });

  it('the wrong appid exits 1 and says which appid the message was for', () => {
    const body = `<xml><Encrypt><![CDATA[${v.encrypt}]]></Encrypt></xml>`;
    const r = wxopen(['crypto', 'decrypt', '--token', v.token!, '--aes-key', v.encodingAesKey!, '--appid', 'wx1111111111111111', '--timestamp', v.timestamp!, '--nonce', v.nonce!, '--msg-signature', v.msgSignature!], body);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(v.appid);
  });

  it('usage errors exit 2: unknown flag, missing flag, malformed key, unknown verb', () => {
    expect(wxopen(['crypto', 'sign', '--token', 't', '--nonce', 'n']).code).toBe(2);
    const bad = wxopen(['crypto', 'sign', '--tokn', 't']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tokn/);
    const key = wxopen(['crypto', 'decrypt', '--token', 't', '--aes-key', 'short', '--appid', 'wx1', '--timestamp', '1', '--nonce', '1', '--msg-signature', 'x'], '<xml/>');
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/43-character EncodingAESKey/);
    expect(wxopen(['crypto', 'frobnicate']).code).toBe(2);
    expect(wxopen(['nonsense']).code).toBe(2);
  });

  it('a body without Encrypt, or empty stdin, is refused clearly', () => {
    const args = ['crypto', 'decrypt', ...keyArgs, '--timestamp', '1', '--nonce', '1', '--msg-signature', 'x'];
    const noEncrypt = wxopen(args, '<xml><ToUserName>x</ToUserName></xml>');
    expect(noEncrypt.code).toBe(1);
    expect(noEncrypt.stderr).toMatch(/no <Encrypt> element/);
    const empty = wxopen(args, '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/stdin is empty/);
    const xxe = wxopen(args, '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>');
    expect(xxe.code).toBe(1);
    expect(xxe.stderr).toMatch(/DOCTYPE/);
  });
});
