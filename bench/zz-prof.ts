import { launch, newContext } from './browser';
import { startServer } from './server';
const server = await startServer(5451, 'dist-lead', 'bench/models');
const browser = await launch('wasm');
const ctx = await newContext(browser, server.origin);
const page = await ctx.newPage();
await page.goto('/');
await page.waitForFunction(() => (window as any).__typewriter?.store.getState().model.status === 'ready', null, {
  timeout: 120000,
});
await page.evaluate(() => {
  const s = (window as any).__typewriter.store.getState();
  s.samplingChanged('maxTokens', '1500');
  s.samplingChanged('temperature', '0');
});
const cdp = await ctx.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await page.getByRole('textbox', { name: 'Message' }).fill('Tell me a story');
await page.getByRole('button', { name: 'Send' }).click();
await page.waitForFunction(() => (window as any).__typewriter.store.getState().generation.tokens > 50, null, {
  polling: 200,
});
await cdp.send('Profiler.start');
const t0 = await page.evaluate(() => (window as any).__typewriter.store.getState().generation.tokens);
await new Promise((r) => setTimeout(r, 4000));
const { profile } = await cdp.send('Profiler.stop');
const t1 = await page.evaluate(() => (window as any).__typewriter.store.getState().generation.tokens);
console.log('tokens during profile', t1 - t0);
const self = new Map<string, number>();
const dt = profile.timeDeltas ?? [];
const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
const counts = new Map<number, number>();
(profile.samples ?? []).forEach((id: number, i: number) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
for (const [id, us] of counts) {
  const n: any = byId.get(id);
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + us);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log('total ms', total / 1000);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log((v / 1000).toFixed(1).padStart(8), k);
await browser.close();
await server.close();
