import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';

/**
 * main: src/main/index.ts (ESM; node_modules stay external, better-sqlite3 is native), and the relay queue's writer
 *   thread beside it as out/main/queue-writer.js.
 * preload: src/preload/index.ts as CommonJS, self-contained, because sandboxed preloads cannot load ESM or modules.
 * renderer: src/renderer/index.html with Vue; relative base so the app:// protocol and console mode both serve it.
 *   Element Plus components are imported where a template uses them (with their CSS), so each screen's chunk carries
 *   its own and the first screen loads only the shell's and the dashboard's (issue 9: cold start).
 */
/**
 * The lazily loaded screens' files, named in index.html (<meta name="wxopen-prefetch">) for main.ts to prefetch once
 * the first screen has loaded: fetched at idle priority, evaluated only when a screen opens, so the first menu click
 * does not wait for the network. (As <link rel="prefetch"> tags in the page they competed with the first screen.)
 */
function prefetchLazyChunks(): Plugin {
  return {
    name: 'wxopen-prefetch-lazy-chunks',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        // The entry and what it imports statically are in the page already.
        const initial = new Set<string>();
        const visit = (file: string) => {
          if (initial.has(file)) return;
          initial.add(file);
          const c = bundle[file];
          if (c?.type === 'chunk') c.imports.forEach(visit);
        };
        for (const c of chunks) if (c.isEntry) visit(c.fileName);
        const initialCss = new Set([...initial].flatMap((f) => [...((bundle[f] as { viteMetadata?: { importedCss: Set<string> } }).viteMetadata?.importedCss ?? [])]));
        // The chunks every screen shares (CODE_SPLITTING's screens-lib and screens-shared) are listed apart: main.ts
        // fetches those first, the screens' own files later.
        const shared = new Set<string>();
        const files = new Set<string>();
        for (const c of chunks) {
          if (initial.has(c.fileName)) continue;
          const list = SHARED_SCREEN_CHUNKS.has(c.name) ? shared : files;
          list.add(c.fileName);
          for (const css of c.viteMetadata?.importedCss ?? []) if (!initialCss.has(css)) list.add(css);
        }
        const meta = (name: string, list: Set<string>) => ({ tag: 'meta', attrs: { name, content: [...list].map((f) => `./${f}`).join(' ') }, injectTo: 'head' as const });
        return [meta('wxopen-prefetch-shared', shared), meta('wxopen-prefetch', files)];
      },
    },
  };
}

/**
 * Imports of Element Plus components from its barrel ('element-plus/es', as unplugin-vue-components writes them, or
 * 'element-plus') rewritten to the component's own module (element-plus/es/components/<dir>/index.mjs). The barrel
 * imports every component, so through it the first screen's chunk (below) would seem to need all of them.
 */
function elementPlusDirectImports(): Plugin {
  const root = join(dirname(createRequire(import.meta.url).resolve('element-plus/package.json')), 'es', 'components');
  const home = new Map<string, string>();
  for (const dir of readdirSync(root)) {
    let text: string;
    try {
      text = readFileSync(join(root, dir, 'index.mjs'), 'utf8');
    } catch {
      continue; // a folder of styles only
    }
    for (const list of text.matchAll(/export \{([^}]*)\}/g)) {
      for (const item of list[1]!.split(',')) {
        const name = item.trim().split(/\s+as\s+/)[0]!;
        if (/^(El|v)[A-Z]/.test(name) && !home.has(name)) home.set(name, `element-plus/es/components/${dir}/index.mjs`);
      }
    }
  }
  const barrel = /import\s*\{([^}]*)\}\s*from\s*["']element-plus(?:\/es)?["'];?/g;
  return {
    name: 'wxopen-element-plus-direct-imports',
    enforce: 'post', // after unplugin-vue-components (also 'post', and listed before this) has written its imports
    transform(code, id) {
      if (id.includes('node_modules') || !code.includes('element-plus')) return null;
      let changed = false;
      const out = code.replace(barrel, (whole, list: string) => {
        const specs = list.split(',').map((x) => x.trim()).filter(Boolean);
        const modules = specs.map((spec) => home.get(spec.split(/\s+as\s+/)[0]!));
        if (modules.some((m) => m === undefined)) return whole; // something only the barrel has: leave it
        changed = true;
        return specs.map((spec, i) => `import { ${spec} } from '${modules[i]}';`).join('');
      });
      return changed ? { code: out, map: null } : null;
    },
  };
}

/**
 * Chunks: everything the first screen needs (the entry and what it imports statically) in one, so one script and one
 * stylesheet load before the app starts; the libraries the other screens use (Element Plus's date pickers, tables,
 * dialogs, …) in one more; app code two or more screens share in another; each screen's own code in its own. At six
 * connections per host, the ~20 small files a screen used to need took several round trips on a small machine, both
 * at start and on the first menu click (issue 9: cold start).
 */
const CODE_SPLITTING = {
  groups: [
    { name: 'index', tags: ['$initial' as const], priority: 3 },
    { name: 'screens-lib', test: /node_modules/, priority: 2 },
    { name: 'screens-shared', test: /[\\/]src[\\/]/, minShareCount: 2, priority: 1 },
  ],
};
/** The chunks every screen shares: all but the first screen's. */
const SHARED_SCREEN_CHUNKS = new Set(CODE_SPLITTING.groups.map((g) => g.name).filter((name) => name !== 'index'));

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          // The relay queue's writer thread, for the demo sandbox's relay (src/relay/queue.ts starts it from here).
          'queue-writer': resolve(import.meta.dirname, 'src/relay/queue-writer.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload may only require('electron'): bundle everything else into the one file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    base: './',
    // vue-i18n: the composition API only (createI18n({ legacy: false }), no <i18n-t> or $t): the legacy API's code is
    // left out of the first screen's script.
    // Its message compiler is left out too: the app gives it a small one of its own (src/renderer/src/i18n/compile.ts).
    define: {
      __VUE_I18N_LEGACY_API__: 'false',
      __VUE_I18N_FULL_INSTALL__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
      __INTLIFY_DROP_MESSAGE_COMPILER__: 'true',
    },
    plugins: [
      // Every component here, Element Plus's included, uses setup(): Vue's Options API support is left out.
      vue({ features: { optionsAPI: false } }),
      Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false, dirs: [] }),
      elementPlusDirectImports(),
      prefetchLazyChunks(),
    ],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // electron-vite leaves output unminified; minified, the renderer loads about 2× less script at start.
      minify: true,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') },
        output: { codeSplitting: CODE_SPLITTING },
      },
    },
  },
});
