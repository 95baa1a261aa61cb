import { safeStorage } from 'electron';
import { safeStorageSecretStore } from '../store/safe-storage-secret-store';
import type { SecretStore } from '../store/secret-store';

/**
 * The Linux safeStorage backend ('basic_text' means no keychain: secrets are merely obfuscated), or null on
 * macOS/Windows where the OS keychain is always used. Call after app 'ready' (before it, Electron says 'unknown').
 */
export function electronStorageBackend(): string | null {
  return process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
}

/** True when the app should warn and ask for an explicit opt-in before storing secrets. */
export function isBasicTextBackend(): boolean {
  return electronStorageBackend() === 'basic_text';
}

/**
 * The desktop app's SecretStore on electron's safeStorage. Throws a StoreError (code 'key_file') when the keychain
 * is unavailable, or when the backend is 'basic_text' and the user has not opted in with allowBasicText.
 */
export function electronSecretStore(opts: { allowBasicText: boolean }): SecretStore {
  return safeStorageSecretStore(safeStorage, { allowBasicText: opts?.allowBasicText });
}
