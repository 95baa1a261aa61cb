/**
 * WXBizMsgCrypt-compatible message crypto (reference §1).
 *
 * Plaintext layout: random(16) ‖ uint32be(len of msg in UTF-8 bytes) ‖ msg ‖ receiveId ‖ PKCS#7 pad to 32.
 * Cipher: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[0..16), padding applied by hand.
 * For a third-party platform the receiveId is always the component appid.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Error codes of the official SDK samples (reference §1.4), so logs line up with WeChat's own tools. */
export const CryptoErrorCode = {
  ValidateSignature: -40001,
  ParseXml: -40002,
  ComputeSignature: -40003,
  IllegalAesKey: -40004,
  ValidateAppid: -40005,
  EncryptAes: -40006,
  DecryptAes: -40007,
  IllegalBuffer: -40008,
  EncodeBase64: -40009,
  DecodeBase64: -40010,
  GenReturnXml: -40011,
} as const;
export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

export type CryptoErrorKind =
  | 'bad_signature'
  | 'bad_aes_key'
  | 'bad_base64'
  | 'bad_ciphertext'
  | 'bad_padding'
  | 'bad_length'
  | 'appid_mismatch'
  | 'bad_input';

const KIND_CODE: Record<CryptoErrorKind, CryptoErrorCode> = {
  bad_signature: CryptoErrorCode.ValidateSignature,
  bad_aes_key: CryptoErrorCode.IllegalAesKey,
  bad_base64: CryptoErrorCode.DecodeBase64,
  bad_ciphertext: CryptoErrorCode.DecryptAes,
  bad_padding: CryptoErrorCode.DecryptAes,
  bad_length: CryptoErrorCode.IllegalBuffer,
  appid_mismatch: CryptoErrorCode.ValidateAppid,
  bad_input: CryptoErrorCode.ComputeSignature,
};

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  constructor(
    readonly kind: CryptoErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
    this.code = KIND_CODE[kind];
  }
}

const AES_KEY_RE = /^[A-Za-z0-9+/]{43}$/;
const BLOCK = 32;

/**
 * Strict base64: Node's decoder silently skips characters outside the alphabet, so compare the decoded length with
 * the length the text must give. Cheaper than a regular expression over a 20 KB string, and catches truncation too.
 */
function decodeBase64Strict(text: string): Buffer {
  const n = text.length;
  if (n % 4 !== 0) throw new CryptoError('bad_base64', `Encrypt is not valid base64: its length ${n} is not a multiple of 4 (was it truncated?)`);
  const padding = text.charCodeAt(n - 1) === 61 ? (text.charCodeAt(n - 2) === 61 ? 2 : 1) : 0;
  const data = Buffer.from(text, 'base64');
  const firstEq = text.indexOf('=');
  if (data.length !== (n / 4) * 3 - padding || (firstEq !== -1 && firstEq < n - padding)) {
    throw new CryptoError('bad_base64', 'Encrypt is not valid base64: it has characters outside the base64 alphabet');
  }
  return data;
}

/** Decode a 43-character EncodingAESKey into its 32-byte AES key, or throw a CryptoError saying what is wrong. */
export function decodeAesKey(encodingAesKey: string): Buffer {
  const trimmed = encodingAesKey.replace(/\s+/g, '');
  if (!AES_KEY_RE.test(trimmed)) {
    throw new CryptoError(
      'bad_aes_key',
      `EncodingAESKey must be exactly 43 characters of A-Z, a-z, 0-9, + and / (got ${trimmed.length} characters${
        /[^A-Za-z0-9+/]/.test(trimmed) ? ' with characters outside that set' : ''
      })`,
    );
  }
  const key = Buffer.from(trimmed + '=', 'base64');
  if (key.length !== 32) throw new CryptoError('bad_aes_key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

/** sha1 over the lexicographically sorted parts joined with no separator, lower-case hex. */
export function sha1Signature(parts: readonly string[]): string {
  // Default sort orders strings by UTF-16 code units, the plain lexicographic sort the SDKs use.
  const sorted = [...parts].sort();
  const hash = createHash('sha1');
  // Short inputs: one joined update is cheaper; long ones (a 20 KB Encrypt): no joined copy.
  if (sorted.reduce((n, p) => n + p.length, 0) < 4096) hash.update(sorted.join(''), 'utf8');
  else for (const p of sorted) hash.update(p, 'utf8');
  return hash.digest('hex');
}

/** The plain `signature` (token, timestamp, nonce) or, with `encrypt`, the `msg_signature`. */
export function signMessage(token: string, timestamp: string, nonce: string, encrypt?: string): string {
  if (!token) throw new CryptoError('bad_input', 'token is empty');
  return encrypt === undefined ? sha1Signature([token, timestamp, nonce]) : sha1Signature([token, timestamp, nonce, encrypt]);
}

/**
 * Exact comparison of two signatures in time that depends only on their length (public: 40 hex digits), not on
 * where they differ. A plain loop: no allocation on the hot path of every push.
 */
export function signaturesEqual(expected: string, given: string): boolean {
  if (expected.length !== given.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return diff === 0;
}

export interface CryptoConfig {
  token: string;
  encodingAesKey: string;
  /** The receiveId: for a third-party platform, the component appid. */
  appid: string;
}

export interface DecryptResult {
  plaintext: string;
  /** The trailing receiveId found in the message. */
  appid: string;
}

export interface ReplyEnvelope {
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

const RANDOM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 16 alphanumeric characters, as WxJava and wechatpy make them. */
export function randomAlnum(length = 16): string {
  const bytes = randomBytes(length);
  let s = '';
  for (let i = 0; i < length; i++) s += RANDOM_ALPHABET[bytes[i]! % RANDOM_ALPHABET.length];
  return s;
}

export class MsgCrypt {
  readonly token: string;
  readonly appid: string;
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly appidBytes: Buffer;

  constructor(config: CryptoConfig) {
    if (!config.token) throw new CryptoError('bad_input', 'Token is empty');
    if (!config.appid) throw new CryptoError('bad_input', 'appid is empty');
    this.token = config.token;
    this.appid = config.appid;
    this.key = decodeAesKey(config.encodingAesKey);
    this.iv = this.key.subarray(0, 16);
    this.appidBytes = Buffer.from(config.appid, 'utf8');
  }

  sign(timestamp: string, nonce: string, encrypt?: string): string {
    return signMessage(this.token, timestamp, nonce, encrypt);
  }

  /** Check msg_signature over (token, timestamp, nonce, Encrypt) in constant time; throws bad_signature. */
  verify(msgSignature: string, timestamp: string, nonce: string, encrypt: string): void {
    if (!msgSignature) throw new CryptoError('bad_signature', 'msg_signature is missing');
    if (!signaturesEqual(this.sign(timestamp, nonce, encrypt), msgSignature)) {
      throw new CryptoError('bad_signature', 'msg_signature does not match the Token, timestamp, nonce and Encrypt');
    }
  }

  /** Encrypt a message; `random16` (16 bytes once UTF-8 encoded) makes the output deterministic for vectors. */
  encrypt(plaintext: string, random16?: string | Buffer): string {
    const random = random16 === undefined ? Buffer.from(randomAlnum(16), 'latin1') : Buffer.from(random16 as string);
    if (random.length !== 16) throw new CryptoError('bad_input', `random16 must be 16 bytes (got ${random.length})`);
    const msg = Buffer.from(plaintext, 'utf8');
    const bodyLen = 20 + msg.length + this.appidBytes.length;
    const pad = BLOCK - (bodyLen % BLOCK);
    const buf = Buffer.allocUnsafe(bodyLen + pad);
    random.copy(buf, 0);
    buf.writeUInt32BE(msg.length, 16);
    msg.copy(buf, 20);
    this.appidBytes.copy(buf, 20 + msg.length);
    buf.fill(pad, bodyLen);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(buf), cipher.final()]).toString('base64');
  }

  /**
   * Decrypt an Encrypt value. Checks base64, block alignment, padding (1..32), the length field's bounds and,
   * unless `expectAppid` is null, that the trailing receiveId equals the component appid.
   */
  decrypt(encrypt: string, expectAppid: string | null = this.appid): DecryptResult {
    if (typeof encrypt !== 'string' || encrypt.length === 0) throw new CryptoError('bad_base64', 'Encrypt is empty');
    const data = decodeBase64Strict(encrypt);
    if (data.length === 0 || data.length % 16 !== 0) {
      throw new CryptoError('bad_ciphertext', `ciphertext length ${data.length} is not a multiple of the AES block (16)`);
    }
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
    decipher.setAutoPadding(false);
    const head = decipher.update(data);
    const tail = decipher.final(); // empty: no padding in the cipher and the input is block-aligned
    const plain = tail.length === 0 ? head : Buffer.concat([head, tail]);
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || pad > plain.length) {
      throw new CryptoError('bad_padding', `padding byte ${pad} is outside 1..32: wrong EncodingAESKey or corrupt ciphertext`);
    }
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new CryptoError('bad_padding', 'padding bytes are inconsistent: wrong EncodingAESKey or corrupt ciphertext');
    }
    const end = plain.length - pad;
    if (end < 20) throw new CryptoError('bad_length', 'decrypted message is shorter than its 20-byte header');
    const msgLen = plain.readUInt32BE(16);
    if (msgLen > end - 20) {
      throw new CryptoError('bad_length', `length field ${msgLen} exceeds the ${end - 20} bytes available: wrong EncodingAESKey or corrupt ciphertext`);
    }
    // Compare the trailer as bytes; decode it to a string only when it is not the expected one.
    const trailer = plain.subarray(20 + msgLen, end);
    const expectedBytes = expectAppid === this.appid ? this.appidBytes : expectAppid === null ? null : Buffer.from(expectAppid, 'utf8');
    if (expectedBytes !== null && !trailer.equals(expectedBytes)) {
      throw new CryptoError('appid_mismatch', `message is for appid "${trailer.toString('utf8')}", expected the component appid "${expectAppid}"`);
    }
    return { plaintext: plain.toString('utf8', 20, 20 + msgLen), appid: expectedBytes !== null ? expectAppid! : trailer.toString('utf8') };
  }

  /** Verify msg_signature, then decrypt. */
  verifyAndDecrypt(params: { msgSignature: string; timestamp: string; nonce: string; encrypt: string }): DecryptResult {
    this.verify(params.msgSignature, params.timestamp, params.nonce, params.encrypt);
    return this.decrypt(params.encrypt);
  }

  /** Encrypt a passive reply and sign it over its own timestamp and nonce. */
  encryptReply(plaintext: string, opts: { timestamp?: string; nonce?: string; random16?: string } = {}): ReplyEnvelope {
    const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
    const nonce = opts.nonce ?? String(randomBytes(4).readUInt32BE(0));
    const encrypt = this.encrypt(plaintext, opts.random16);
    return { encrypt, msgSignature: this.sign(timestamp, nonce, encrypt), timestamp, nonce };
  }
}
