import { createServer, type Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { watchViolations } from './support/csp-watch';
import { APP_PORT } from './support/ports';
import { assistantMessages, expectReady } from './support/ui-chat';
import { xssVectors } from './support/xss-vectors';

/**
 * User story: whatever a model (or a pasted conversation) writes, rendering it runs no script and fetches
 * nothing: a markdown image becomes a link showing its alt text and URL. Driven through the saved-conversation
 * path: the vectors are stored as an assistant answer in IndexedDB and the app renders them after a reload.
 */

/** A second local origin standing in for the attacker; it counts every request that reaches it. */
const ATTACK_PORT = APP_PORT + 7;
const ATTACK = `http://127.0.0.1:${ATTACK_PORT}`;
let attacker: Server;
const hits: string[] = [];

test.beforeAll(async () => {
  attacker = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }).end();
  });
  await new Promise<void>((done) => attacker.listen(ATTACK_PORT, done));
});
test.afterAll(() => new Promise<void>((done) => attacker.close(() => done())));

test('XSS vectors and markdown exfiltration in a saved answer: 0 scripts, 0 attacker requests, 0 embeds', async ({
  page,
}) => {
  const vectors = xssVectors(ATTACK);
  const watch = await watchViolations(page);
  const attackerRequests: string[] = [];
  page.on('request', (r) => r.url().startsWith(ATTACK) && attackerRequests.push(r.url()));
  await page.addInitScript(() => {
    (window as unknown as { __canaryCount: number }).__canaryCount = 0;
    (window as unknown as { __canary: () => void }).__canary = () => {
      (window as unknown as { __canaryCount: number }).__canaryCount++;
    };
  });
  await page.goto('/');
  await expectReady(page);
  // Store a conversation whose answer is every vector, each its own paragraph, then reload to render it.
  await page.evaluate(async (answer) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('typewriter-chat');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tx = db.transaction('kv', 'readwrite');
    const kv = tx.objectStore('kv');
    const now = Date.now();
    kv.put(
      {
        id: 'xss',
        title: 'Vectors',
        createdAt: now,
        updatedAt: now,
        messages: [
          { id: 'u', role: 'user', content: 'show me', status: 'complete' },
          { id: 'a', role: 'assistant', content: answer, status: 'complete', reason: 'eos' },
        ],
      },
      'conversation:xss',
    );
    kv.put([{ id: 'xss', title: 'Vectors', updatedAt: now, messageCount: 2 }], 'conversations');
    kv.put('xss', 'current-conversation');
    await new Promise((done) => (tx.oncomplete = done));
  }, vectors.join('\n\n'));
  await page.reload();
  await expectReady(page);
  const answer = assistantMessages(page).last();
  await expect(answer).toContainText('exfil');
  // Give any load, error or toggle handler time to fire.
  await page.waitForTimeout(1500);

  const dom = await answer.evaluate((el) => ({
    embeds: el.querySelectorAll(
      'img, svg, math, iframe, object, embed, video, audio, source, picture, link, style, meta, base, form, input, script, template, noscript',
    ).length,
    styled: el.querySelectorAll('[style], [srcset], [poster], [background]').length,
    handlers: [...el.querySelectorAll('*')].filter((n) => [...n.attributes].some((a) => a.name.startsWith('on')))
      .length,
    scriptLinks: [...el.querySelectorAll('a')].filter(
      (a) => !/^(https?:|mailto:|#|\/)/i.test(a.getAttribute('href') ?? ''),
    ).length,
    imageLinks: [...el.querySelectorAll('.md-image-link')].map((a) => a.textContent ?? ''),
  }));
  const canary = await page.evaluate(() => (window as unknown as { __canaryCount: number }).__canaryCount);
  test.info().annotations.push({ type: 'tried', description: `${vectors.length} vectors` });

  expect(canary).toBe(0);
  expect(dom).toMatchObject({ embeds: 0, styled: 0, handlers: 0, scriptLinks: 0 });
  // An image shows as a link with its alt text and URL.
  expect(dom.imageLinks).toContainEqual(expect.stringContaining(`exfil (${ATTACK}/hit?v=md-inline&q=secret)`));
  expect(dom.imageLinks).toContainEqual(expect.stringContaining(`ref (${ATTACK}/hit?v=md-ref)`));
  expect(attackerRequests).toEqual([]);
  expect(hits).toEqual([]);
  // Nothing that tried to load was even attempted past the page's own rules: no violation needed blocking.
  expect((await watch.all()).filter((v) => !v.includes('trusted-types'))).toEqual([]);
});
