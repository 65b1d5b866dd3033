import { expect, type Page } from '@playwright/test';
import { MOCK_MODEL } from './mock-openai';
import { REMOTE_ORIGIN, REMOTE_PORT } from './ports';
import { closeSettings, openSettings } from './ui-chat';

/** A request the mock server received, as `GET /__requests` lists it. */
export interface Logged {
  method: string;
  path: string;
  authorization: string | null;
  body: { model?: string; stream?: boolean; messages?: { role: string; content: string }[] } | null;
  closedEarly: boolean;
}

export const requests = async (): Promise<Logged[]> =>
  ((await (await fetch(`${REMOTE_ORIGIN}/__requests`)).json()) as { requests: Logged[] }).requests;

/** Sets the mock server's mode (e2e/support/mock-openai.ts), or back to its defaults with `null`. */
export const control = (body: object | null) =>
  fetch(`${REMOTE_ORIGIN}/__control`, { method: body ? 'POST' : 'DELETE', body: body ? JSON.stringify(body) : null });

/** Fills Settings → Backend → Remote server with the mock server and presses Connect (the panel stays open). */
export async function connect(page: Page, baseUrl = `${REMOTE_ORIGIN}/v1`, key = 'sk-local-test') {
  const settings = await openSettings(page);
  await settings.getByLabel('Backend').selectOption('remote');
  await settings.getByLabel('Server base URL').fill(baseUrl);
  await settings.getByLabel('Server model').fill(MOCK_MODEL);
  await settings.getByLabel('API key (optional)').fill(key);
  await settings.getByRole('button', { name: 'Connect to server' }).click();
  return settings;
}

/** Connects and waits until the status says the text leaves the device, then closes Settings. */
export async function connected(page: Page) {
  await connect(page);
  const status = page.getByLabel('Model status');
  await expect(status).toContainText('Remote');
  await expect(status).toContainText(`Text you send leaves this device, to localhost:${REMOTE_PORT}`);
  await closeSettings(page);
}
