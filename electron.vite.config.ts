import { resolve } from 'node:path';
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
        const files = new Set<string>();
        for (const c of chunks) {
          if (initial.has(c.fileName)) continue;
          files.add(c.fileName);
          for (const css of c.viteMetadata?.importedCss ?? []) if (!initialCss.has(css)) files.add(css);
        }
        return [{ tag: 'meta', attrs: { name: 'wxopen-prefetch', content: [...files].map((f) => `./${f}`).join(' ') }, injectTo: 'head' as const }];
      },
    },
  };
}

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
    plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false, dirs: [] }), prefetchLazyChunks()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // electron-vite leaves output unminified; minified, the renderer loads about 2× less script at start.
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
  },
});
