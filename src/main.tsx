import { createWorkerEngine } from './engine/worker-engine';

const engine = createWorkerEngine();
(window as unknown as { __typewriter: unknown }).__typewriter = { engine };
