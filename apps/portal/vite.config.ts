import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built into dist/portal, which the API serves at `/` (apps/api/src/portal-static.ts).
// `npm run dev`: hot reload on :5173, /api proxied to the API on :3000 (or API_URL).
export default defineConfig({
  root: __dirname,
  plugins: [react()],
  build: {
    outDir: resolve(__dirname, '../../dist/portal'),
    emptyOutDir: true,
    sourcemap: false,
    // .vite/manifest.json: which chunks each page loads (bench/portal-bundle.ts measures them).
    manifest: true,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.API_URL ?? 'http://localhost:3000', changeOrigin: false } },
  },
});
