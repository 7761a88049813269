import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.CONSORT_API ?? 'http://127.0.0.1:3000';

/** The web console and partner portal; `consort start` serves `web/dist`, `vite --config web/vite.config.ts` proxies the API in development. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    // Served by the API process under /static/ (one route, so the router keeps /api/… unsplit).
    assetsDir: 'static',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: { '/api': api, '/r/': api, '/openapi.json': api, '/docs': api },
  },
});
