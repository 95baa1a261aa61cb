import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CryptoError, MsgCrypt, decodeAesKey, signMessage } from '../../src/wechat/crypto';
import { fixturePath } from '../helpers/paths';

interface Vector {
  name: string;
  token: string;
  encodingAesKey: string;
  appid: string;
  random16: string;
  timestamp: string;
  nonce: string;
  plaintext: string;
  encrypt: string;
  msgSignature: string;
  plainSignature: string;
}
const vectors = JSON.parse(readFileSync(fixturePath('crypto-vectors.json'), 'utf8')) as Vector[];

describe('shared crypto vectors', () => {
  it('has vectors to check', () => expect(vectors.length).toBeGreaterThanOrEqual(10));
  for (const v of vectors) {
    const c = new MsgCrypt({ token: v.token, encodingAesKey: v.encodingAesKey, appid: v.appid });
    it(`${v.name}: encrypt with random16 gives exactly Encrypt`, () => {
      expect(c.encrypt(v.plaintext, v.random16)).toBe(v.encrypt);
    });
    it(`${v.name}: decrypt gives exactly the plaintext and appid`, () => {
      expect(c.decrypt(v.encrypt)).toEqual({ plaintext: v.plaintext, appid: v.appid });
    });
    it(`${v.name}: both signatures`, () => {
      expect(c.sign(v.timestamp, v.nonce, v.encrypt)).toBe(v.msgSignature);
      expect(signMessage(v.token, v.timestamp, v.nonce)).toBe(v.plainSignature);
      expect(() => c.verify(v.msgSignature, v.timestamp, v.nonce, v.encrypt)).not.toThrow();
    });
  }
});

describe('reference §1.2 wechatpy vector', () => {
  const c = new MsgCrypt({ token: '123456', encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', appid: 'wx49f0ab532d5d035a' });
  const msg =
    '<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>';
  const enc =
    '9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3';
  it('encrypts and signs as wechatpy does', () => {
    expect(c.encrypt(msg, '1234567890123456')).toBe(enc);
    expect(c.sign('1411525903', '461056294', enc)).toBe('407518b7649e86ef23978113f92d27afa9296533');
  });
});

describe('typed errors', () => {
  const c = new MsgCrypt({ token: 't', encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', appid: 'wxcomponent' });
  const other = new MsgCrypt({ token: 't', encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', appid: 'wxauthorizer' });
  const kind = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CryptoError);
      return (e as CryptoError).kind;
    }
    return 'no error';
  };
  it('refuses a malformed EncodingAESKey with a sentence', () => {
    expect(kind(() => decodeAesKey('short'))).toBe('bad_aes_key');
    expect(() => decodeAesKey('kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a!')).toThrow(/43 characters/);
  });
  it('appid trailer is the component appid', () => {
    expect(kind(() => c.decrypt(other.encrypt('<xml/>')))).toBe('appid_mismatch');
    expect(c.decrypt(other.encrypt('<xml/>'), null).appid).toBe('wxauthorizer');
  });
  it('truncated base64 and short ciphertext', () => {
    const e = c.encrypt('hello');
    expect(kind(() => c.decrypt(e.slice(0, -3)))).toBe('bad_base64');
    expect(kind(() => c.decrypt(Buffer.alloc(24).toString('base64')))).toBe('bad_ciphertext');
    expect(kind(() => c.decrypt(''))).toBe('bad_base64');
  });
  it('a lying length field is bounds-checked, not allocated', () => {
    // Forge a plaintext whose length field says 2^31: encrypt raw bytes with the same key.
    const { createCipheriv } = require('node:crypto') as typeof import('node:crypto');
    const key = decodeAesKey('kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR');
    const buf = Buffer.alloc(64, 0);
    buf.writeUInt32BE(0x80000000, 16);
    buf.fill(32, 32);
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    const enc = Buffer.concat([cipher.update(buf), cipher.final()]).toString('base64');
    expect(kind(() => c.decrypt(enc))).toBe('bad_length');
  });
});

describe('properties', () => {
  const key = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
  const c = new MsgCrypt({ token: 'propToken', encodingAesKey: key, appid: 'wx0123456789abcdef' });
  it('round-trips arbitrary Unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (s) => {
        // Lone surrogates do not survive UTF-8 by definition; compare with what UTF-8 keeps.
        const expected = Buffer.from(s, 'utf8').toString('utf8');
        expect(c.decrypt(c.encrypt(s)).plaintext).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
  it('changing any character of Encrypt, signature, timestamp or nonce gives a typed error, never a wrong plaintext', () => {
    const plaintext = '<xml><Content><![CDATA[测试 message]]></Content></xml>';
    const ts = '1700000000';
    const nonce = '123456789';
    const encrypt = c.encrypt(plaintext);
    const sig = c.sign(ts, nonce, encrypt);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=!';
    fc.assert(
      fc.property(
        fc.constantFrom('encrypt', 'sig', 'ts', 'nonce'),
        fc.nat(),
        fc.constantFrom(...alphabet.split('')),
        (which, pos, ch) => {
          const parts = { encrypt, sig, ts, nonce };
          const s = parts[which as keyof typeof parts];
          const i = pos % s.length;
          if (s[i] === ch) return;
          parts[which as keyof typeof parts] = s.slice(0, i) + ch + s.slice(i + 1);
          try {
            const r = c.verifyAndDecrypt({ msgSignature: parts.sig, timestamp: parts.ts, nonce: parts.nonce, encrypt: parts.encrypt });
            // Only reachable if the change did not alter the signed material (never, for a real change).
            expect(r.plaintext).toBe(plaintext);
            throw new Error('a changed input verified');
          } catch (e) {
            expect(e).toBeInstanceOf(CryptoError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
  it('tampered ciphertext with a valid signature never yields a wrong plaintext silently', () => {
    const encrypt = c.encrypt('<xml>x</xml>');
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (pos, xor) => {
        const buf = Buffer.from(encrypt, 'base64');
        buf[pos % buf.length]! ^= xor;
        try {
          const r = c.decrypt(buf.toString('base64'));
          // CBC without a MAC can decode to a plaintext only if padding, length and appid all still check out;
          // in that case the appid check passed, so the damage is confined to bytes before the message.
          expect(r.appid).toBe('wx0123456789abcdef');
        } catch (e) {
          expect(e).toBeInstanceOf(CryptoError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
