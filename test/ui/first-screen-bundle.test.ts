/**
 * What the built renderer makes the browser load before the first screen can start (issue 9: cold start): one script
 * and one stylesheet from index.html, holding neither Element Plus's whole component set (its barrel) nor the screens
 * the menu opens later, which come as their own files and are only named for a later prefetch.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, rendererDir } from '../helpers/browser';

let html: string;

beforeAll(async () => {
  await ensureRendererBuilt();
  html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
}, 300_000);

/** The files a tag kind names in index.html. */
function named(pattern: RegExp): string[] {
  return [...html.matchAll(pattern)].map((m) => m[1]!);
}

describe('the first screen loads in one script and one stylesheet', () => {
  it('index.html names one module script, one stylesheet and nothing to preload before the app starts', () => {
    expect(named(/<script[^>]*src="\.\/([^"]+)"/g)).toEqual([expect.stringMatching(/^assets\/index-[\w-]+\.js$/)]);
    expect(named(/<link rel="stylesheet"[^>]*href="\.\/([^"]+)"/g)).toEqual([expect.stringMatching(/^assets\/index-[\w-]+\.css$/)]);
    expect(named(/<link rel="modulepreload"[^>]*href="\.\/([^"]+)"/g)).toEqual([]);
  });

  it('the first screen script leaves out the screens and the Element Plus components only they use', () => {
    const script = named(/<script[^>]*src="\.\/([^"]+)"/g)[0]!;
    const code = readFileSync(join(rendererDir, script), 'utf8');
    // Components only other screens use, by the names Element Plus gives them (kept by the minifier): absent here,
    // present in the build (so the check can fail).
    const everything = readdirSync(join(rendererDir, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(rendererDir, 'assets', f), 'utf8'))
      .join('\n');
    for (const name of ['ElTable', 'ElDatePicker', 'ElDialog', 'ElDrawer', 'ElTabs']) {
      expect(everything, name).toContain(name);
      expect(code, name).not.toContain(name);
    }
    // A lazily loaded screen is a file of its own, named in the prefetch list for later.
    const prefetch = (/<meta name="wxopen-prefetch" content="([^"]*)"/.exec(html)?.[1] ?? '').split(' ');
    expect(prefetch).toContainEqual(expect.stringMatching(/AuthorizersView-[\w-]+\.js$/));
    expect(prefetch).toContainEqual(expect.stringMatching(/EventsView-[\w-]+\.js$/));
    // The chunks every screen shares have a list of their own, fetched first.
    const shared = (/<meta name="wxopen-prefetch-shared" content="([^"]*)"/.exec(html)?.[1] ?? '').split(' ');
    expect(shared).toContainEqual(expect.stringMatching(/screens-lib-[\w-]+\.js$/));
    expect(shared.some((f) => prefetch.includes(f))).toBe(false);
  });

  it('a screen opened from the menu needs a handful of files, not one per component', () => {
    const assets = readdirSync(join(rendererDir, 'assets'));
    const view = assets.find((f) => /^AuthorizersView-[\w-]+\.js$/.test(f))!;
    const imports = [...readFileSync(join(rendererDir, 'assets', view), 'utf8').matchAll(/from"\.\/([^"]+\.js)"/g)].map((m) => m[1]!);
    expect(imports.length).toBeLessThanOrEqual(4);
    // …and the first screen's script stays far smaller than everything the app has.
    const total = assets.filter((f) => f.endsWith('.js')).reduce((n, f) => n + statSync(join(rendererDir, 'assets', f)).size, 0);
    const first = statSync(join(rendererDir, named(/<script[^>]*src="\.\/([^"]+)"/g)[0]!)).size;
    expect(first / total).toBeLessThan(0.5);
  });
});
