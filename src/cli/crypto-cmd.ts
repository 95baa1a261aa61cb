/** `wxopen crypto sign|encrypt|decrypt`: the fixed debugging contract (architecture.md, "Fixed: the CLI"). */
import { MsgCrypt, signMessage } from '../wechat/crypto';
import { buildReplyEnvelope, field, parseXml } from '../wechat/xml';
import { CommandFailure, UsageError, parseFlags, readStdin, required } from '../node/args';

const CRYPTO_HELP = `Usage:
  wxopen crypto sign    --token T --timestamp TS --nonce N [--encrypt E]      → lower-case hex sha1
  wxopen crypto encrypt --token T --aes-key K --appid A [--timestamp TS] [--nonce N] [--random16 R] < plaintext
                        → <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>
  wxopen crypto decrypt --token T --aes-key K --appid A --timestamp TS --nonce N --msg-signature S < push-body.xml
                        → the plaintext, byte for byte (stdin may also be the bare Encrypt value)
`;

const str = { type: 'string' } as const;

export async function cryptoCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === '--help' || verb === '-h') {
    process.stdout.write(CRYPTO_HELP);
    return verb === undefined ? 2 : 0;
  }
  switch (verb) {
    case 'sign': {
      const { values } = parseFlags(rest, { token: str, timestamp: str, nonce: str, encrypt: str });
      if (values.help) return help();
      const sig = signMessage(required(values, 'token'), required(values, 'timestamp'), required(values, 'nonce'), values.encrypt);
      process.stdout.write(sig + '\n');
      return 0;
    }
    case 'encrypt': {
      const { values } = parseFlags(rest, { token: str, 'aes-key': str, appid: str, timestamp: str, nonce: str, random16: str });
      if (values.help) return help();
      const crypt = makeCrypt(values);
      if (values.random16 !== undefined && Buffer.byteLength(values.random16) !== 16) {
        throw new UsageError(`--random16 must be exactly 16 bytes (got ${Buffer.byteLength(values.random16)})`);
      }
      if (values.timestamp !== undefined && !/^\d+$/.test(values.timestamp)) throw new UsageError('--timestamp must be unix seconds (digits only)');
      const plaintext = await readStdin();
      const env = crypt.encryptReply(plaintext, { timestamp: values.timestamp, nonce: values.nonce, random16: values.random16 });
      process.stdout.write(buildReplyEnvelope(env) + '\n');
      return 0;
    }
    case 'decrypt': {
      const { values } = parseFlags(rest, { token: str, 'aes-key': str, appid: str, timestamp: str, nonce: str, 'msg-signature': str });
      if (values.help) return help();
      const crypt = makeCrypt(values);
      const timestamp = required(values, 'timestamp');
      const nonce = required(values, 'nonce');
      const msgSignature = required(values, 'msg-signature');
      const input = (await readStdin()).trim();
      if (input === '') throw new UsageError('stdin is empty: redirect the captured push body (push-body.xml) into the command');
      let encrypt = input;
      if (input.startsWith('<')) {
        const found = field(parseXml(input, 1024 * 1024), 'Encrypt');
        if (!found) throw new CommandFailure('the push body has no <Encrypt> element: is this an encrypted-mode push?');
        encrypt = found;
      }
      const { plaintext } = crypt.verifyAndDecrypt({ msgSignature, timestamp, nonce, encrypt });
      process.stdout.write(plaintext);
      return 0;
    }
    default:
      throw new UsageError(`unknown crypto command "${verb}"; expected sign, encrypt or decrypt`);
  }
}

function help(): number {
  process.stdout.write(CRYPTO_HELP);
  return 0;
}

function makeCrypt(values: Record<string, unknown>): MsgCrypt {
  const token = required(values, 'token');
  const key = required(values, 'aes-key');
  const appid = required(values, 'appid');
  if (!/^[A-Za-z0-9+/]{43}$/.test(key.trim())) {
    throw new UsageError(`--aes-key must be the 43-character EncodingAESKey (got ${key.trim().length} characters)`);
  }
  return new MsgCrypt({ token, encodingAesKey: key, appid });
}
