/**
 * The layer rules (README "Architecture"; architecture.md's arrows), checked by test/layers.test.ts in `npm test`.
 * Run by hand: npx depcruise src --config .dependency-cruiser.cjs
 *
 * Type-only imports count (tsPreCompilationDeps): a layer that needs another's types depends on it.
 */

/** The parts that run on their own, each through its entry points only. */
const OURS = '^src/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment:
        'No module cycles: the runtime is assembled in the entry points, so nothing needs to import back. A cycle ' +
        'closed only by a type-only import (a table typed against the class that dispatches to it) is erased at ' +
        'compile time and allowed; the layer rules below still count type-only imports.',
      severity: 'error',
      from: { path: OURS },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'renderer-imports-only-shared',
      comment: 'The renderer runs in a browser too: of ours it may import only src/shared.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: OURS, pathNot: '^src/(renderer|shared)/' },
    },
    {
      name: 'preload-imports-only-shared',
      comment: 'The sandboxed preload exposes invoke/on and nothing else: of ours it may import only src/shared.',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { path: OURS, pathNot: '^src/(preload|shared)/' },
    },
    {
      name: 'renderer-and-shared-no-node',
      comment: 'The renderer and src/shared run in a browser: no Node built-ins.',
      severity: 'error',
      from: { path: '^src/(renderer|shared)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-imports-nothing-of-ours',
      comment: 'src/shared (contract, domain types, errcodes) is the bottom layer: it imports nothing of ours.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: OURS, pathNot: '^src/shared/' },
    },
    {
      name: 'wechat-imports-only-shared',
      comment: 'The protocol module (src/wechat) is used by main, relay, simulator and CLI: of ours it imports only src/shared.',
      severity: 'error',
      from: { path: '^src/wechat/' },
      to: { path: OURS, pathNot: '^src/(wechat|shared)/' },
    },
    {
      name: 'node-helpers-import-nothing-of-ours',
      comment: 'src/node holds plain Node helpers (http, args) shared by relay, simulator, console server and CLI.',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: OURS, pathNot: '^src/node/' },
    },
    {
      name: 'electron-only-in-bootstrap',
      comment: "Only src/main/index.ts, src/main/platform/ and the preload import 'electron'; everything else runs in plain Node.",
      severity: 'error',
      from: { path: OURS, pathNot: '^src/(main/index[.]ts$|main/platform/|preload/)' },
      to: { path: '(^|/)node_modules/electron/' },
    },
    {
      name: 'store-not-api-layer',
      comment: "The store keeps data; it never calls WeChat: no endpoint specs, no API client.",
      severity: 'error',
      from: { path: '^src/main/store/' },
      to: { path: '^src/(wechat/(spec|uploads|index)[.]ts$|wechat/endpoints/|main/api/)' },
    },
    {
      name: 'relay-and-simulator-not-desktop',
      comment: "The relay and the simulator never import the desktop's engine, store or services (src/main).",
      severity: 'error',
      from: { path: '^src/(relay|sim)/' },
      to: { path: '^src/main/' },
    },
    {
      name: 'relay-imports-only-its-own',
      comment: 'The relay runs on its own server: besides itself only src/shared, src/wechat and src/node.',
      severity: 'error',
      from: { path: '^src/relay/' },
      to: { path: OURS, pathNot: '^src/(relay|shared|wechat|node)/' },
    },
    {
      name: 'simulator-imports-only-its-own',
      comment: 'The simulator stands in for WeChat: besides itself only src/shared, src/wechat and src/node.',
      severity: 'error',
      from: { path: '^src/sim/' },
      to: { path: OURS, pathNot: '^src/(sim|shared|wechat|node)/' },
    },
    {
      name: 'cli-starts-parts-through-their-entry-points',
      comment: 'The CLI reaches the simulator, relay and console mode only through their cli.ts.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: OURS, pathNot: '^src/(cli|shared|wechat|node)/|^src/(sim|relay|server)/cli[.]ts$' },
    },
    {
      name: 'engine-not-services',
      comment: 'The engine (engine.ts and its parts) implements the runtime port (src/main/runtime.ts); it never imports services or IPC.',
      severity: 'error',
      from: { path: '^src/main/(engine[.]ts$|tokens/|inbox/|authorization/|relay/|wechat/|api/|store/)' },
      to: { path: '^src/main/(services|ipc)/' },
    },
    {
      name: 'services-not-engine',
      comment: 'Services and IPC see the runtime port only; the engine is assembled in the entry points (Electron main, console mode, demo).',
      severity: 'error',
      from: { path: '^src/main/(services|ipc)/' },
      to: { path: '^src/main/(engine[.]ts$|tokens/|inbox/|authorization/|relay/)' },
    },
    {
      name: 'desktop-not-other-programs',
      comment: "The desktop main does not import the relay, simulator or CLI; only its entry point may start the demo sandbox (src/server/demo.ts).",
      severity: 'error',
      from: { path: '^src/main/', pathNot: '^src/main/index[.]ts$' },
      to: { path: '^src/(relay|sim|cli|server|renderer|preload)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.vue', '.mjs', '.js'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
