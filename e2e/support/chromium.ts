/**
 * How every browser this project starts is launched: Debian's Chromium (Playwright's own
 * browser download cannot run on these machines), quiet, and optionally with WebGPU on SwiftShader.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const QUIET_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-vulkan-surface',
];
export const ROOT_FLAGS = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
