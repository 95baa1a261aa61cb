/**
 * `wxopen`: crypto debugging, and starting the simulator, relay, console mode and demo.
 * Exit status (fixed contract): 0 success, 1 verification or crypto failure, 2 usage error; errors are one line on stderr.
 * Subcommands load their modules lazily so `wxopen --help` and `wxopen crypto …` start fast.
 */
import { UsageError, runMain } from '../node/args';

const HELP = `wxopen — WeChat Open Platform third-party platform console tools

Usage:
  wxopen crypto sign    --token T --timestamp TS --nonce N [--encrypt E]
  wxopen crypto encrypt --token T --aes-key K --appid A [--timestamp TS] [--nonce N] [--random16 R] < plaintext
  wxopen crypto decrypt --token T --aes-key K --appid A --timestamp TS --nonce N --msg-signature S < push-body.xml
  wxopen sim      [options]   the WeChat simulator (wxopen sim --help)
  wxopen relay    --config F  the relay for the whitelisted host (wxopen relay --help)
  wxopen console  [options]   console mode in a browser; prints the URL (wxopen console --help)
  wxopen demo                 simulator + relay + console on loopback with generated credentials
  wxopen backup   [--data-dir D] --out FILE   an online backup of the console's database (wxopen backup --help)

Exit status: 0 success, 1 verification or crypto failure, 2 usage error.
`;

async function main(argv: string[]): Promise<number | null> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case '--version':
    case '-v':
      process.stdout.write('wxopen 0.1.0\n');
      return 0;
    case 'crypto':
      return (await import('./crypto-cmd')).cryptoCommand(rest);
    case 'sim':
      return (await import('../sim/cli')).simCommand(rest);
    case 'relay':
      return (await import('../relay/cli')).relayCommand(rest);
    case 'console':
      return (await import('../server/cli')).consoleCommand(rest);
    case 'demo':
      return (await import('../server/cli')).demoCommand(rest);
    case 'backup':
      return (await import('../server/cli')).backupCommand(rest);
    default:
      throw new UsageError(`unknown command "${cmd}"; run wxopen --help`);
  }
}

runMain(() => main(process.argv.slice(2)));
