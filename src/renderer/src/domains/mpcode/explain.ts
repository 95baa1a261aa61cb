/** A failure of an mpcode call in the current language, with what it means on these screens for the usual errcodes. */
import { useI18n } from 'vue-i18n';
import { errorText } from '../../i18n';

const HINTS = [85009, 85085, 61039, 87013] as const;

export function useExplain() {
  const { t, locale } = useI18n();
  return (err: unknown): string => {
    const errcode = (err as { details?: { errcode?: number } })?.details?.errcode;
    const hint = HINTS.find((c) => c === errcode);
    return [errorText(err, locale.value), hint ? t(`mpcode.hint${hint}`) : ''].filter(Boolean).join(' ');
  };
}
