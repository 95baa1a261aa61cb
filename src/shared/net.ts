/** Where credentials may travel in plain text: only to this computer. */

/** localhost, [::1] or 127.x.x.x (a URL's hostname). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** http:// or ws:// to another computer: a key or token sent there can be read on the way. */
export function plaintextToAnotherHost(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'ws:') && !isLoopbackHost(url.hostname);
}
