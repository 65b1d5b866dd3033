import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';
import { cspPlugin } from './scripts/csp-plugin';

/** Cross-origin isolation turns on multi-threaded WASM. The embed path must work without it. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  // Public static files: a sandboxed embed (opaque origin) fetches its module scripts with CORS.
  'Access-Control-Allow-Origin': '*',
};

/**
 * `vite preview` (npm start, the e2e suite) answers as the README's Deploying section asks of a static
 * host: Vite's content-hashed /assets/ never change. A returning visitor then gets ORT's 27 MB wasm
 * from the HTTP cache, and V8 its compiled code from the code cache (sirv alone sends no-cache, so
 * every page revalidated it, unlike a real deploy).
 */
const immutableAssets: Plugin = {
  name: 'typewriter-immutable-assets',
  configurePreviewServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url?.startsWith('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      next();
    });
  },
};

/**
 * Offline app shell (README, "Offline and install"). The service worker precaches the shell, the engine worker,
 * ORT's asyncify runtime and the bundled demo model; Hub weights live in the engine's own integrity-checked
 * cache ('typewriter-models-v1'), which no service-worker update touches.
 */
const pwa = VitePWA({
  registerType: 'prompt',
  injectRegister: false,
  includeAssets: [],
  includeManifestIcons: false,
  manifest: {
    name: 'Typewriter — a language model in your browser',
    short_name: 'Typewriter',
    description: 'Runs a language model entirely in your browser, with WebGPU or WASM. Works offline once installed.',
    theme_color: '#1b1f2a',
    background_color: '#1b1f2a',
    display: 'standalone',
    start_url: '/',
    scope: '/',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{html,js,mjs,css,wasm,png,svg,ico,webmanifest}', 'models/demo/**/*.{json,onnx}'],
    // eos-test is a test fixture, not something a user runs offline.
    globIgnores: ['models/eos-test/**', 'sw-csp.js'],
    // Puts the deploy's CSP on the navigations the service worker answers (scripts/csp-plugin.ts).
    importScripts: ['sw-csp.js'],
    // ORT's asyncify .wasm is ~27 MB.
    maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
    // Only real page navigations get the shell; a missing asset or model file stays a 404.
    navigateFallback: 'index.html',
    navigateFallbackAllowlist: [/^\/(\?.*)?$/, /^\/index\.html(\?.*)?$/],
    cleanupOutdatedCaches: true,
    // The first visit is controlled at once (offline-ready without a reload); updates still wait for the user.
    clientsClaim: true,
    skipWaiting: false,
  },
});

export default defineConfig({
  // 'mpa' answers missing files with 404; 'spa' would answer index.html, which transformers.js would parse as a model file.
  appType: 'mpa',
  plugins: [react(), pwa, cspPlugin(), immutableAssets],
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173, strictPort: true },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'workers/**/*.test.ts', 'common/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
  },
});
