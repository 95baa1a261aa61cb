import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './errors';
import { ensurePrivateFolder } from './file-modes';

/** Encrypts secrets before they reach the database. Implementations: NodeSecretStore, electronSecretStore. */
export interface SecretStore {
  readonly kind: string;
  encrypt(plain: string): Buffer;
  decrypt(blob: Buffer): string;
}

const BLOB_VERSION = 1;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

// POSIX permission bits mean nothing on Windows (ACLs decide there), so the mode checks are skipped there.
const CHECK_MODES = process.platform !== 'win32';

/**
 * AES-256-GCM with a 32-byte key kept in a file (mode 0600). Used by tests, console mode and the CLI.
 * Blob layout: version byte (1) | 12-byte random nonce | 16-byte tag | ciphertext.
 */
export class NodeSecretStore implements SecretStore {
  readonly kind = 'node-aes-256-gcm';
  private readonly key: Buffer;

  constructor(readonly keyFilePath: string) {
    if (typeof keyFilePath !== 'string' || keyFilePath === '') {
      throw new StoreError('key_file', 'NodeSecretStore needs the path of its key file');
    }
    this.key = loadOrCreateKey(keyFilePath);
  }

  encrypt(plain: string): Buffer {
    if (typeof plain !== 'string') throw new StoreError('invalid_argument', 'only strings can be encrypted');
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(BLOB_VERSION), nonce, cipher.getAuthTag(), body]);
  }

  decrypt(blob: Buffer): string {
    if (!Buffer.isBuffer(blob) || blob.length < HEADER_BYTES) {
      throw new StoreError('decrypt', 'stored secret is truncated or not a secret blob');
    }
    if (blob[0] !== BLOB_VERSION) {
      throw new StoreError('decrypt', `stored secret has unknown format version ${blob[0]} (expected ${BLOB_VERSION})`);
    }
    const nonce = blob.subarray(1, 1 + NONCE_BYTES);
    const tag = blob.subarray(1 + NONCE_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new StoreError(
        'decrypt',
        `stored secret cannot be decrypted with the key in ${this.keyFilePath}: the key file was replaced or the data was altered`,
        { cause },
      );
    }
  }
}

function loadOrCreateKey(path: string): Buffer {
  let fd: number | null = null;
  try {
    ensurePrivateFolder(dirname(path));
    // 'wx' fails if the file exists, so two processes starting together never overwrite each other's key.
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new StoreError('key_file', `cannot create the key file ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (fd !== null) {
    try {
      writeSync(fd, randomBytes(KEY_BYTES));
    } finally {
      closeSync(fd);
    }
    if (CHECK_MODES) chmodSync(path, 0o600); // the umask may have narrowed it further; make it exactly 0600
  }

  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw new StoreError('key_file', `cannot read the key file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!stat.isFile()) throw new StoreError('key_file', `the key file ${path} is not a regular file`);
  if (CHECK_MODES && (stat.mode & 0o077) !== 0) {
    throw new StoreError(
      'key_file',
      `the key file ${path} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); ` +
        `run "chmod 600 ${path}" if you trust it, or remove it if others may have copied it`,
    );
  }
  if (stat.size !== KEY_BYTES) {
    throw new StoreError(
      'key_file',
      `the key file ${path} has ${stat.size} bytes, expected ${KEY_BYTES}: it is not a wxopen-console key file`,
    );
  }
  return readFileSync(path);
}
