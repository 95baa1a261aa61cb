import { StoreError } from './errors';
import type { SecretStore } from './secret-store';

/** The part of electron's safeStorage the store uses (kept here so it can be exercised without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export interface SafeStorageOptions {
  /** Accept Linux's 'basic_text' backend (a hard-coded key: secrets are only obfuscated). */
  allowBasicText: boolean;
  /** process.platform, injectable for tests. */
  platform?: NodeJS.Platform;
}

/** A SecretStore on the OS keychain (Keychain, DPAPI, libsecret/kwallet) through electron's safeStorage. */
export function safeStorageSecretStore(safeStorage: SafeStorageLike, opts: SafeStorageOptions): SecretStore {
  if (typeof opts !== 'object' || opts === null || typeof opts.allowBasicText !== 'boolean') {
    throw new StoreError('invalid_argument', 'electronSecretStore needs { allowBasicText: boolean }');
  }
  const platform = opts.platform ?? process.platform;
  if (!safeStorage.isEncryptionAvailable()) {
    throw new StoreError(
      'key_file',
      'the operating system keychain is not available (safeStorage.isEncryptionAvailable() is false); ' +
        'open the store only after the app is ready, or unlock the keychain / install a secret service',
    );
  }
  const backend = platform === 'linux' ? (safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : 'os';
  if (backend === 'basic_text' && !opts.allowBasicText) {
    throw new StoreError(
      'key_file',
      'no desktop keychain was found (Electron safeStorage backend "basic_text"): secrets would be protected only by ' +
        'a key built into Electron. Install and unlock gnome-keyring or KWallet, start with ' +
        '--password-store=gnome-libsecret, or explicitly allow the weak backend in the settings',
    );
  }
  return {
    kind: `electron-safe-storage:${backend}`,
    encrypt(plain: string): Buffer {
      if (typeof plain !== 'string') throw new StoreError('invalid_argument', 'only strings can be encrypted');
      return safeStorage.encryptString(plain);
    },
    decrypt(blob: Buffer): string {
      try {
        return safeStorage.decryptString(blob);
      } catch (cause) {
        throw new StoreError(
          'decrypt',
          'a stored secret cannot be decrypted with this keychain (the data folder was copied from another ' +
            'computer or user, or the keychain was reset): enter the secrets again',
          { cause },
        );
      }
    },
  };
}
