import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NodeSecretStore, StoreError } from '../../src/main/store/index';
import { safeStorageSecretStore, type SafeStorageLike } from '../../src/main/store/safe-storage-secret-store';
import { tempDir } from './temp-store';

const posix = process.platform !== 'win32';

describe('NodeSecretStore', () => {
  test.runIf(posix)('creates a 32-byte key file with mode 0600 in a 0700 folder', () => {
    const dir = tempDir();
    const keyPath = join(dir, 'keys', 'nested', 'secret.key');
    new NodeSecretStore(keyPath);
    const st = statSync(keyPath);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.size).toBe(32);
    expect(statSync(join(dir, 'keys', 'nested')).mode & 0o777).toBe(0o700);
  });

  test('round-trips text, including Chinese and empty strings, with a fresh nonce each time', () => {
    const s = new NodeSecretStore(join(tempDir(), 'k'));
    for (const plain of ['', 'AppSecret-123', '中文密钥 🔑', 'x'.repeat(10_000)]) {
      expect(s.decrypt(s.encrypt(plain))).toBe(plain);
    }
    const a = s.encrypt('same');
    const b = s.encrypt('same');
    expect(a.equals(b)).toBe(false);
    expect(a[0]).toBe(1); // version byte
    expect(a.length).toBe(1 + 12 + 16 + 4);
  });

  test('reuses the existing key: a second instance decrypts what the first wrote', () => {
    const keyPath = join(tempDir(), 'k');
    const blob = new NodeSecretStore(keyPath).encrypt('persisted');
    expect(new NodeSecretStore(keyPath).decrypt(blob)).toBe('persisted');
  });

  test('refuses to decrypt a tampered blob, a foreign key and a wrong version with clear errors', () => {
    const dir = tempDir();
    const s = new NodeSecretStore(join(dir, 'k1'));
    const other = new NodeSecretStore(join(dir, 'k2'));
    const blob = s.encrypt('secret value');
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => s.decrypt(tampered)).toThrow(/cannot be decrypted/);
    expect(() => other.decrypt(blob)).toThrow(/cannot be decrypted with the key in .*k2/);
    const wrongVersion = Buffer.from(blob);
    wrongVersion[0] = 9;
    expect(() => s.decrypt(wrongVersion)).toThrow(/unknown format version 9/);
    expect(() => s.decrypt(Buffer.alloc(5))).toThrow(/truncated/);
    try {
      s.decrypt(tampered);
    } catch (err) {
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('decrypt');
      expect((err as Error).message).not.toContain('secret value');
    }
  });

  test.runIf(posix)('refuses a group- or world-readable key file and says how to fix it', () => {
    const keyPath = join(tempDir(), 'k');
    new NodeSecretStore(keyPath);
    chmodSync(keyPath, 0o644);
    expect(() => new NodeSecretStore(keyPath)).toThrow(/readable by other users \(mode 644\).*chmod 600/);
    chmodSync(keyPath, 0o640);
    expect(() => new NodeSecretStore(keyPath)).toThrow(StoreError);
    chmodSync(keyPath, 0o600);
    expect(() => new NodeSecretStore(keyPath)).not.toThrow();
  });

  test('refuses a key file of the wrong size', () => {
    const keyPath = join(tempDir(), 'k');
    writeFileSync(keyPath, Buffer.alloc(16), { mode: 0o600 });
    expect(() => new NodeSecretStore(keyPath)).toThrow(/has 16 bytes, expected 32/);
    expect(readFileSync(keyPath).length).toBe(16); // never overwritten
  });

  test('refuses a folder as key file and an empty path', () => {
    const dir = tempDir();
    expect(() => new NodeSecretStore(dir)).toThrow(/not a regular file/);
    expect(() => new NodeSecretStore('')).toThrow(/needs the path/);
  });
});

/** A stand-in for electron's safeStorage (its binary cannot run here): reversible XOR, enough to test the policy. */
function fakeSafeStorage(backend: string, available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (p) => Buffer.from(Buffer.from(p, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (b) => {
      if (b.length > 0 && b[0] === 0xff) throw new Error('Error while decrypting the ciphertext provided');
      return Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8');
    },
    getSelectedStorageBackend: () => backend,
  };
}

describe('safeStorageSecretStore (policy behind electronSecretStore)', () => {
  test('refuses the Linux basic_text backend unless the user opted in', () => {
    expect(() => safeStorageSecretStore(fakeSafeStorage('basic_text'), { allowBasicText: false, platform: 'linux' })).toThrow(
      /basic_text/,
    );
    const s = safeStorageSecretStore(fakeSafeStorage('basic_text'), { allowBasicText: true, platform: 'linux' });
    expect(s.kind).toBe('electron-safe-storage:basic_text');
    expect(s.decrypt(s.encrypt('令牌'))).toBe('令牌');
  });

  test('accepts a real keychain backend, and ignores the backend on macOS/Windows', () => {
    expect(safeStorageSecretStore(fakeSafeStorage('gnome_libsecret'), { allowBasicText: false, platform: 'linux' }).kind).toBe(
      'electron-safe-storage:gnome_libsecret',
    );
    expect(safeStorageSecretStore(fakeSafeStorage('basic_text'), { allowBasicText: false, platform: 'darwin' }).kind).toBe(
      'electron-safe-storage:os',
    );
  });

  test('refuses when encryption is unavailable, and wraps decrypt failures', () => {
    expect(() => safeStorageSecretStore(fakeSafeStorage('kwallet5', false), { allowBasicText: true, platform: 'linux' })).toThrow(
      /keychain is not available/,
    );
    const s = safeStorageSecretStore(fakeSafeStorage('kwallet5'), { allowBasicText: false, platform: 'linux' });
    expect(() => s.decrypt(Buffer.of(0xff, 1))).toThrow(/enter the secrets again/);
    // @ts-expect-error: bad options from an untyped caller
    expect(() => safeStorageSecretStore(fakeSafeStorage('kwallet5'), {})).toThrow(/allowBasicText/);
  });
});
