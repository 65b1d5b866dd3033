/** Mirrors playwright.config.ts so specs and helper servers agree on ports when checkouts test side by side. */
const portBase = Number(process.env.TW_PORT_BASE ?? 4173);
export const APP_PORT = portBase;
export const HUB_PORT = portBase + 1;
export const HOST_PORT = portBase + 2;
export const APP_ORIGIN = `http://localhost:${APP_PORT}`;
export const HUB_ORIGIN = `http://localhost:${HUB_PORT}`;
export const HOST_ORIGIN = `http://localhost:${HOST_PORT}`;
/** The mock OpenAI-compatible server the remote-backend spec streams from (its origin is in the CSP's connect-src). */
export const REMOTE_PORT = portBase + 3;
export const REMOTE_ORIGIN = `http://localhost:${REMOTE_PORT}`;
