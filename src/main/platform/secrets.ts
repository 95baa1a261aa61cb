import { join } from 'node:path';
import { NodeSecretStore } from '../store/secret-store';
import type { SecretStore } from '../store/secret-store';
import { StoreError } from '../store/errors';
import { electronSecretStore, isBasicTextBackend } from './safe-storage';
import type { SecretStorageProbe } from '../services/host';

export interface DesktopSecrets {
  /** Give this to openStore. */
  store: SecretStore;
  /** What the UI is told (app/info → secretStorage). */
  probe: SecretStorageProbe;
  /** Decides, on each write, whether secrets may be stored (the user's opt-in for insecure storage). */
  setAllowed(allowed: () => boolean): void;
  /** Runs fn with writes allowed regardless of the opt-in (the demo's generated, harmless secrets). */
  bypass<T>(fn: () => T): T;
}

/**
 * The desktop's secret store on Electron safeStorage. Where Linux offers only basic_text (no keyring), secrets would
 * merely be obfuscated: encryption is refused until the user opts in (setting allowInsecureSecretStorage).
 * Call after app 'ready'.
 */
export function desktopSecrets(userDataDir: string): DesktopSecrets {
  let inner: SecretStore;
  let insecure = false;
  try {
    insecure = isBasicTextBackend();
    inner = electronSecretStore({ allowBasicText: true });
  } catch {
    // No OS keychain at all: a key file beside the data, like console mode, but flagged as insecure.
    insecure = true;
    inner = new NodeSecretStore(join(userDataDir, 'secret.key'));
  }
  let allowed: () => boolean = () => !insecure;
  let bypassing = 0;
  const store: SecretStore = {
    kind: inner.kind,
    encrypt(plain) {
      if (insecure && bypassing === 0 && !allowed()) {
        throw new StoreError(
          'key_file',
          'secrets are not stored: this system has no keyring (basic_text); allow insecure storage in Settings first',
        );
      }
      return inner.encrypt(plain);
    },
    decrypt: (blob) => inner.decrypt(blob),
  };
  return {
    store,
    probe: { kind: inner.kind, insecure },
    setAllowed(fn) {
      allowed = () => !insecure || fn();
    },
    bypass(fn) {
      bypassing++;
      try {
        return fn();
      } finally {
        bypassing--;
      }
    },
  };
}
