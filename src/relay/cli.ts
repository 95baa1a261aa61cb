/** `wxopen relay --config relay.json`: run the relay until SIGTERM/SIGINT. First stdout line: {"url": listen URL, …}. */
import { UsageError, parseFlags, required } from '../node/args';
import { RelayConfigError, loadRelayConfig } from './config';
import { jsonLineLogger } from './log';
import { startRelay } from './server';

const HELP = `wxopen relay --config relay.json

Runs the relay for the whitelisted host: receives WeChat pushes, stores them durably, delivers them to the desktop,
serves the authorization pages and the optional egress tunnel. Every config key can be overridden by an environment
variable WXOPEN_RELAY_<KEY_IN_UPPER_SNAKE_CASE> (e.g. WXOPEN_RELAY_DESK_KEY). See docs/relay.md.

On start it prints one JSON line on stdout: {"url": "http://host:port", "publicUrl": …}. Logs are JSON lines on stderr.
`;

export { startRelay } from './server';

export async function relayCommand(args: string[]): Promise<number | null> {
  const { values } = parseFlags(args, { config: { type: 'string', short: 'c' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const configPath = required(values, 'config');
  const log = jsonLineLogger();
  let loaded;
  try {
    loaded = loadRelayConfig(configPath);
  } catch (err) {
    if (err instanceof RelayConfigError) throw new UsageError(err.message);
    throw err;
  }
  for (const w of loaded.warnings) log('warn', w);
  const relay = await startRelay(loaded.config, { logger: log });
  process.stdout.write(JSON.stringify({ url: relay.url, publicUrl: loaded.config.publicUrl, pid: process.pid }) + '\n');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { signal });
    relay.close().then(
      () => process.exit(0),
      (err) => {
        log('error', 'shutdown failed', { error: (err as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return null;
}
