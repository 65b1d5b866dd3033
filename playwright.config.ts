import { defineConfig } from '@playwright/test';
import {
  CHROMIUM_PATH as executablePath,
  QUIET_FLAGS as quiet,
  ROOT_FLAGS as asRoot,
  WEBGPU_FLAGS as webgpu,
} from './e2e/support/chromium';

/** Ports and the build folder can be moved so that several checkouts test side by side. */
const portBase = Number(process.env.TW_PORT_BASE ?? 4173);
export const APP_PORT = portBase;
export const HUB_PORT = portBase + 1;
export const HOST_PORT = portBase + 2;
export const REMOTE_PORT = portBase + 3;
const dist = process.env.TW_DIST ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  outputDir: process.env.TW_TEST_RESULTS ?? 'test-results',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['./e2e/support/summary-reporter.ts']],
  use: {
    baseURL: `http://localhost:${APP_PORT}`,
    trace: 'off',
    screenshot: 'off',
  },
  webServer: [
    {
      command: `npx vite preview --port ${APP_PORT} --strictPort --outDir ${dist}`,
      url: `http://localhost:${APP_PORT}`,
      // The CSP's connect-src names the model hosts (the mock Hub, both spellings the specs use) and the remote
      // backend's server (the mock OpenAI server).
      env: {
        TW_MODEL_HOSTS: `http://localhost:${HUB_PORT} http://127.0.0.1:${HUB_PORT}`,
        TW_REMOTE_HOSTS: `http://localhost:${REMOTE_PORT}`,
      },
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // A local stand-in for the Hugging Face Hub (offline, storage and integrity specs).
      command: `npx tsx e2e/support/mock-hub.ts`,
      url: `http://localhost:${HUB_PORT}/__health`,
      env: { TW_PORT_BASE: String(portBase) },
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      // An OpenAI-compatible server for the remote-backend spec.
      command: `npx tsx e2e/support/mock-openai.ts`,
      url: `http://localhost:${REMOTE_PORT}/__health`,
      env: { TW_PORT_BASE: String(portBase) },
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      // A host site on another origin, not cross-origin isolated, for the embed specs.
      command: `npx tsx e2e/support/embed-host-server.ts`,
      url: `http://localhost:${HOST_PORT}/blank.html`,
      env: { TW_PORT_BASE: String(portBase) },
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
  ],
  projects: [
    {
      name: 'wasm',
      use: { launchOptions: { executablePath, args: [...quiet, ...asRoot] } },
    },
    {
      name: 'webgpu',
      grep: /@webgpu/,
      use: { launchOptions: { executablePath, args: [...quiet, ...asRoot, ...webgpu] } },
    },
  ],
});
