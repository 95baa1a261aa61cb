/**
 * (1) decrypt+verify pushes/s for 1 KB and 16 KB bodies: ours, the `wechat-crypto` npm package, and raw node:crypto
 *     (sha1 + aes-256-cbc decipher, no checks: the limit).
 * (2) a whole push (outer XML → verify → decrypt → parsed message object): ours beside wechat-crypto + xml2js, the path
 *     of the `wechat` npm middleware.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { MsgCrypt, decodeAesKey } from '../src/wechat/crypto';
import { buildXml, field, parseXml } from '../src/wechat/xml';
import type { BenchSection } from './types';
import { compareOpsPerSecond, fmt } from './measure';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const WXBizMsgCrypt = require('wechat-crypto') as new (token: string, key: string, id: string) => {
  getSignature(ts: string, nonce: string, encrypt: string): string;
  decrypt(text: string): { message: string; id: string };
};
const xml2js = require('xml2js') as { parseString(xml: string, opts: object, cb: (err: Error | null, res: unknown) => void): void };

const TOKEN = 'benchToken';
const KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const APPID = 'wx0123456789abcdef';
const TS = '1700000000';
const NONCE = '1234567890';

/** A realistic text message whose plaintext is about `bytes` long (mixed Chinese and ASCII). */
function messageOfSize(bytes: number): string {
  const head = buildXml({ ToUserName: 'gh_3c884a361561', FromUserName: 'ozy4qt5QUADNXORxCVipKMV9dss0', CreateTime: 1700000000, MsgType: 'text', Content: '' });
  const filler = '第三方平台消息 push body text 0123456789 ';
  let content = '';
  while (Buffer.byteLength(head) + Buffer.byteLength(content) + 40 < bytes) content += filler;
  return buildXml({ ToUserName: 'gh_3c884a361561', FromUserName: 'ozy4qt5QUADNXORxCVipKMV9dss0', CreateTime: 1700000000, MsgType: 'text', Content: content, MsgId: '24001234567890123456' });
}

function fixture(bytes: number) {
  const ours = new MsgCrypt({ token: TOKEN, encodingAesKey: KEY, appid: APPID });
  const plaintext = messageOfSize(bytes);
  const encrypt = ours.encrypt(plaintext);
  const sig = ours.sign(TS, NONCE, encrypt);
  const body = `<xml><ToUserName><![CDATA[gh_3c884a361561]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return { ours, plaintext, encrypt, sig, body };
}

export async function run(): Promise<BenchSection[]> {
  const peer = new WXBizMsgCrypt(TOKEN, KEY, APPID);
  const key = decodeAesKey(KEY);
  const iv = key.subarray(0, 16);

  const cryptoRows: (string | number)[][] = [];
  const cryptoNotes: string[] = [];
  for (const size of [1024, 16 * 1024]) {
    const f = fixture(size);
    // Sanity: all three produce the same plaintext before we time them.
    if (peer.decrypt(f.encrypt).message !== f.plaintext || f.ours.verifyAndDecrypt({ msgSignature: f.sig, timestamp: TS, nonce: NONCE, encrypt: f.encrypt }).plaintext !== f.plaintext) {
      throw new Error('bench fixture does not round-trip');
    }
    const r = compareOpsPerSecond({
      ours: () => f.ours.verifyAndDecrypt({ msgSignature: f.sig, timestamp: TS, nonce: NONCE, encrypt: f.encrypt }),
      peer: () => {
        if (peer.getSignature(TS, NONCE, f.encrypt) !== f.sig) throw new Error('sig');
        return peer.decrypt(f.encrypt).message;
      },
      raw: () => {
        createHash('sha1').update([TOKEN, TS, NONCE, f.encrypt].sort().join('')).digest('hex');
        const d = createDecipheriv('aes-256-cbc', key, iv);
        d.setAutoPadding(false);
        return Buffer.concat([d.update(f.encrypt, 'base64'), d.final()]);
      },
      // The limit plus the one step no decrypt can skip: turning the plaintext bytes into a string.
      rawDecode: () => {
        createHash('sha1').update([TOKEN, TS, NONCE, f.encrypt].sort().join('')).digest('hex');
        const d = createDecipheriv('aes-256-cbc', key, iv);
        d.setAutoPadding(false);
        const plain = Buffer.concat([d.update(f.encrypt, 'base64'), d.final()]);
        return plain.toString('utf8', 20, 20 + plain.readUInt32BE(16));
      },
    });
    const [ourOps, peerOps, rawOps, rawDecodeOps] = [r.ours, r.peer, r.raw, r.rawDecode];
    const label = size === 1024 ? '1 KB' : '16 KB';
    cryptoRows.push([label, fmt.int(ourOps), fmt.int(peerOps), fmt.int(rawOps), fmt.int(rawDecodeOps), fmt.ratio(rawOps / ourOps), fmt.ratio(rawDecodeOps / ourOps), fmt.ratio(ourOps / peerOps)]);
    cryptoNotes.push(
      `${label}: ours takes ${fmt.ratio(rawOps / ourOps)} the raw limit's time (aim ≤ 1.20×: ${rawOps / ourOps <= 1.2 ? 'met' : 'NOT met'}), ${fmt.ratio(rawDecodeOps / ourOps)} the limit-with-UTF-8-decode's, and runs at ${fmt.ratio(ourOps / peerOps)} wechat-crypto's speed (aim ≥ 1.00×: ${ourOps >= peerOps ? 'met' : 'NOT met'})`,
    );
  }

  const pushRows: (string | number)[][] = [];
  const pushNotes: string[] = [];
  for (const size of [1024, 16 * 1024]) {
    const f = fixture(size);
    const oursWhole = () => {
      const outer = parseXml(f.body, 64 * 1024);
      const encrypt = field(outer, 'Encrypt')!;
      const { plaintext } = f.ours.verifyAndDecrypt({ msgSignature: f.sig, timestamp: TS, nonce: NONCE, encrypt });
      return parseXml(plaintext);
    };
    const check = oursWhole();
    if (field(check, 'MsgId') !== '24001234567890123456') throw new Error('ours parsed the push wrongly');

    // The `wechat` middleware's path: xml2js for the envelope, wechat-crypto, xml2js again for the message.
    const xml2jsOpts = { explicitArray: false, explicitRoot: false, trim: true };
    const peerWhole = () => {
      let out: unknown;
      xml2js.parseString(f.body, xml2jsOpts, (err, outer) => {
        if (err) throw err;
        const encrypt = (outer as { Encrypt: string }).Encrypt;
        if (peer.getSignature(TS, NONCE, encrypt) !== f.sig) throw new Error('sig');
        xml2js.parseString(peer.decrypt(encrypt).message, xml2jsOpts, (err2, msg) => {
          if (err2) throw err2;
          out = msg;
        });
      });
      return out;
    };
    if (!(peerWhole() as { MsgId?: string })?.MsgId) throw new Error('peer path parsed the push wrongly');
    const w = compareOpsPerSecond({ ours: oursWhole, peer: peerWhole });
    const [ourOps, peerOps] = [w.ours, w.peer];
    const label = size === 1024 ? '1 KB' : '16 KB';
    pushRows.push([label, fmt.int(ourOps), fmt.int(peerOps), fmt.ratio(ourOps / peerOps)]);
    pushNotes.push(`${label}: ${fmt.ratio(ourOps / peerOps)} the wechat-crypto + xml2js path (aim ≥ 3×: ${ourOps / peerOps >= 3 ? 'met' : 'NOT met'})`);
  }

  return [
    {
      title: '(1) decrypt + verify, pushes/s',
      columns: ['body', 'ours', 'wechat-crypto', 'raw sha1+decipher (limit)', 'limit + UTF-8 decode', 'limit ÷ ours', '(limit+decode) ÷ ours', 'ours ÷ wechat-crypto'],
      rows: cryptoRows,
      notes: cryptoNotes,
    },
    {
      title: '(2) whole push → parsed message object, pushes/s',
      columns: ['body', 'ours (flat fast path; fast-xml-parser otherwise)', 'wechat-crypto + xml2js', 'ours ÷ peer'],
      rows: pushRows,
      notes: pushNotes,
    },
  ];
}
