/** Structured JSON-line logs. Callers pass only non-secret fields: never the Token, desk key, query signatures or bodies. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type RelayLogger = (level: LogLevel, msg: string, fields?: LogFields) => void;

/** One JSON object per line on the given stream (stderr by default: stdout's first line is the listen announcement). */
export function jsonLineLogger(write: (line: string) => void = (l) => process.stderr.write(l)): RelayLogger {
  return (level, msg, fields) => {
    write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }) + '\n');
  };
}

export const silentLogger: RelayLogger = () => {};
