/**
 * `wxopen console --api-base-url`: a bad URL stops start-up with one line naming the rule, exit 2, before the data
 * folder is touched (the browser test test/ui/batch.test.ts runs the console with a good one, at the simulator).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBundle, repoRoot } from '../helpers/paths';

const dir = mkdtempSync(join(tmpdir(), 'wxopen-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function wxopen(args: string[]) {
  const r = spawnSync(process.execPath, [cliBundle, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('wxopen console --api-base-url', () => {
  it.each([
    ['not a url', 'must be an absolute URL'],
    ['http://example.com', 'must use https (http only to 127.0.0.1, localhost or [::1]'],
    ['ftp://127.0.0.1/', 'must use https'],
    ['https://user:pw@api.example.com', 'takes no user name, password, query or fragment'],
    ['http://127.0.0.1:9/?access_token=x', 'takes no user name, password, query or fragment'],
  ])('refuses %s in one line, exit 2, the data folder untouched', (url, words) => {
    const data = join(dir, 'never-made');
    const r = wxopen(['console', '--no-open', '--data-dir', data, '--api-base-url', url]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(words);
    expect(existsSync(data)).toBe(false);
  });

  it('is for console mode only: the demo runs its own simulator', () => {
    const r = wxopen(['demo', '--no-open', '--api-base-url', 'https://api.weixin.qq.com']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--api-base-url is for wxopen console');
  });

  it('is in the help', () => {
    expect(wxopen(['console', '--help']).stdout).toContain('--api-base-url URL');
  });
});

describe('flags given twice or empty', () => {
  it.each([
    [['console', '--no-open', '--port', '8080', '--port=0'], '--port is given more than once; give it once'],
    [['console', '--no-open', '--data-dir', ''], '--data-dir is empty; give it a value'],
    [['backup', '--data-dir', '', '--out', join(dir, 'b.db')], '--data-dir is empty; give it a value'],
    [['backup', '--out', join(dir, 'a.db'), '--out', join(dir, 'b.db')], '--out is given more than once; give it once'],
    [['crypto', 'sign', '--token', 'T', '--timestamp', '1', '--nonce', ''], '--nonce is empty; give it a value'],
  ])('wxopen %j: one line, exit 2, nothing made', (args, line) => {
    const r = wxopen(args);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: `wxopen: ${line}\n` });
    expect(existsSync(join(repoRoot, 'console.db'))).toBe(false); // an empty --data-dir never meant this folder
  });
});
