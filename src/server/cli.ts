import { UsageError } from '../cli/args';
export async function consoleCommand(_args: string[]): Promise<number | null> {
  throw new UsageError('wxopen console is not built yet');
}
export async function demoCommand(_args: string[]): Promise<number | null> {
  throw new UsageError('wxopen demo is not built yet');
}
