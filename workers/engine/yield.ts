/**
 * A forward pass on WASM can resolve through microtasks alone, so a decode loop
 * that only awaits it never lets the worker read its messages: Pause and Stop
 * would wait for the stream to fill. One macrotask hop per token fixes that;
 * a MessageChannel hop costs microseconds, where setTimeout is clamped to 4 ms.
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
