/**
 * Copies text: navigator.clipboard where the page may use it (Electron, https, or http://127.0.0.1 which browsers
 * treat as secure), else a hidden textarea and execCommand('copy'). Returns whether the copy worked.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (globalThis.navigator?.clipboard && globalThis.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // denied (no permission, document not focused): the fallback below may still work
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
