import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Linux without a keyring: Electron's safeStorage reports the basic_text backend. Stand-in for electron's safeStorage.
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'basic_text',
    encryptString: (s: string) => Buffer.from(`obfuscated:${s}`),
    decryptString: (b: Buffer) => b.toString().replace(/^obfuscated:/, ''),
  },
}));

const { desktopSecrets } = await import('../../src/main/platform/secrets');
const dir = mkdtempSync(join(tmpdir(), 'wxopen-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(process.platform === 'linux')('desktop secrets on basic_text', () => {
  it('refuses to store secrets until the user opts in, except the demo bypass', () => {
    const secrets = desktopSecrets(dir);
    expect(secrets.probe).toEqual({ kind: 'electron-safe-storage:basic_text', insecure: true });
    expect(() => secrets.store.encrypt('AppSecret')).toThrow(/allow insecure storage in Settings/);
    expect(secrets.bypass(() => secrets.store.decrypt(secrets.store.encrypt('demo')))).toBe('demo');

    let optedIn = false;
    secrets.setAllowed(() => optedIn);
    expect(() => secrets.store.encrypt('AppSecret')).toThrow();
    optedIn = true;
    expect(secrets.store.decrypt(secrets.store.encrypt('AppSecret'))).toBe('AppSecret');
  });
});
