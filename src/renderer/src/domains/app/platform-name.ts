/** A platform's name as shown: the demo sandbox in the UI's language, any other the name its operator gave it. */
import type { PlatformConfig } from '../../../../shared/domain';

export function platformName(p: Pick<PlatformConfig, 'name' | 'isDemo'>, t: (key: string) => string): string {
  return p.isDemo ? t('demo.title') : p.name;
}
