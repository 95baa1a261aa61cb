import { UsageError } from '../cli/args';
export async function simCommand(_args: string[]): Promise<number | null> {
  throw new UsageError('wxopen sim is not built yet');
}
