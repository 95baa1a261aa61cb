import { UsageError } from '../cli/args';
export async function relayCommand(_args: string[]): Promise<number | null> {
  throw new UsageError('wxopen relay is not built yet');
}
