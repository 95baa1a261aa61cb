/** The formatters of lib/format.ts bound to the UI's language and the time-zone setting, for views. */
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useAppStore } from '../domains/app/store';
import { effectiveTimeZone, formatClock, formatDate, formatDuration, formatTime, zoneLabel } from './format';

export function useFormat() {
  const { locale } = useI18n();
  const app = useAppStore();
  const zone = computed(() => effectiveTimeZone(app.settings?.timeZone, locale.value));
  return {
    zone,
    /** "Asia/Shanghai (UTC+08:00)" */
    zoneText: computed(() => zoneLabel(zone.value)),
    time: (ms: number | null | undefined) => formatTime(ms, locale.value, zone.value),
    date: (ms: number | null | undefined) => formatDate(ms, locale.value, zone.value),
    clock: (ms: number) => formatClock(ms, zone.value),
    duration: (ms: number) => formatDuration(ms, locale.value),
  };
}
