/**
 * Clearing an account's quota after a confirmation that shows clear_quota's monthly limit and what clearing does;
 * used by the quota panel and by a batch run paused on 45009.
 */
import { ElMessage, ElMessageBox } from 'element-plus';
// Called from code, so no template names it: its CSS comes with this module.
import 'element-plus/es/components/message-box/style/css';
import type { QuotaInfo } from '../../../../shared/contract';
import { errorText } from '../../i18n';
import type { Api } from '../../transport';

type Translate = (key: string, params?: Record<string, unknown>) => string;

/**
 * Reads how many clears this console made this month, asks the operator (the limit, what it does), clears.
 * Resolves to the account's quota after clearing, or null when the operator said no or WeChat refused (48006 …),
 * which is shown.
 */
export async function clearQuotaConfirmed(api: Api, t: Translate, locale: string, appid: string | null, who: string): Promise<QuotaInfo | null> {
  try {
    const before = await api.invoke('workbench/getQuota', { appid });
    try {
      await ElMessageBox.confirm(t('workbench.quota.confirm', { who, limit: before.clearsPerMonth, used: before.clearsThisMonth }), t('workbench.quota.confirmTitle'), {
        type: 'warning',
        customClass: 'clear-quota-confirm',
      });
    } catch {
      return null;
    }
    const after = await api.invoke('workbench/clearQuota', { appid });
    ElMessage.success(t('workbench.quota.cleared', { who }));
    return after;
  } catch (err) {
    ElMessage.error({ message: errorText(err, locale), duration: 8000, customClass: 'clear-quota-error' });
    return null;
  }
}
