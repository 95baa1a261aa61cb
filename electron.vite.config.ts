import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
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
    plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false, dirs: [] })],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // electron-vite leaves output unminified; minified, the renderer loads about 2× less script at start.
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
  },
});
