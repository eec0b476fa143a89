// Builds the web console (a Preact app) into dist/console-app/, which the engine serves at
// /console/ (src/console/serve-console.ts). `npm run build` runs it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console-app/', import.meta.url)),
    emptyOutDir: true,
    // Everything in files, nothing inlined into the page: the CSP allows no inline script or style.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  logLevel: 'warn',
});
