import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** Cross-origin isolation turns on multi-threaded WASM. The embed path must work without it. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export default defineConfig({
  // 'mpa' answers missing files with 404; 'spa' would answer index.html, which transformers.js would parse as a model file.
  appType: 'mpa',
  plugins: [react()],
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173, strictPort: true },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'workers/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
  },
});
