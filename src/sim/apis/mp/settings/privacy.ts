import { TEMPLATE_PRIVACY_APIS, type PrivacyRec } from '../state';

/** Privacy settings as a live mini program has them: a contact, a notice method, every key the library's templates use. */
export function declaredPrivacy(nowS: number): PrivacyRec {
  const keys = [...new Set(Object.values(TEMPLATE_PRIVACY_APIS).flat())];
  return {
    ownerSetting: { contact_email: 'privacy@example.com', notice_method: '弹窗提示' },
    settingList: keys.map((privacy_key) => ({ privacy_key, privacy_text: '提供小程序的服务' })),
    updateTime: nowS,
  };
}
