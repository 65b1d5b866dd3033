import { env } from '@huggingface/transformers';
import { RaceSignal } from '../../common/race-signal';

interface LostInfo {
  reason: string;
  message: string;
}

interface DeviceLike {
  lost: Promise<LostInfo>;
}

/**
 * Watches the GPUDevice ONNX Runtime runs on. A lost device (driver reset, GPU process crash, `destroy()`) makes
 * every later pass fail or never finish, so the decode loop races each pass against `signal` and then moves the
 * run to WASM (engine.ts). A RaceSignal, not `Promise.race` against `lost`: on an engine that keeps a settled
 * race's result (common/race-signal.ts), that would keep every pass's logits while the model is loaded. Read only after a WebGPU session exists: before that, ORT's `device` getter would
 * create a device of its own.
 */
export class GpuLossWatch {
  lostInfo: LostInfo | null = null;
  /** Rejects once the device is lost; never settles otherwise. */
  readonly lost: Promise<never>;
  /** What each pass races: it rejects with GpuLostError once the device is lost, then at once. */
  readonly signal = new RaceSignal();

  private constructor(device: DeviceLike) {
    this.lost = device.lost.then((info) => {
      this.lostInfo = { reason: info.reason, message: info.message };
      const error = new GpuLostError(info.message || info.reason);
      this.signal.fail(error);
      throw error;
    });
    this.lost.catch(() => {});
  }

  static of(device: DeviceLike): GpuLossWatch {
    return new GpuLossWatch(device);
  }

  static async forOrt(): Promise<GpuLossWatch | null> {
    const webgpu = env.backends.onnx.webgpu as { device?: Promise<DeviceLike> | DeviceLike } | undefined;
    const device = await Promise.resolve(webgpu?.device).catch(() => undefined);
    return device?.lost ? new GpuLossWatch(device) : null;
  }
}

/** Internal: the pass failed because the device went away (never reaches the page as an error). */
export class GpuLostError extends Error {
  override readonly name = 'GpuLostError';
}

/** What the page is told, and what the badge's reason says afterwards. */
export const GPU_LOST_NOTICE = 'GPU lost — continuing on CPU';

export const GPU_LOST_REASON =
  'the GPU was lost earlier in this session (Chromium blocks WebGPU for a site after repeated losses); reload the page to try WebGPU again';

/**
 * The words a pass fails with on a lost or destroyed device: WebGPU's own, and ORT's when a read-back is cut
 * ("Failed to download data from buffer … Buffer was unmapped before mapping was resolved").
 */
const LOST_DEVICE_WORDS =
  /device (is |was )?lost|device.*destroyed|GPUDevice.*lost|Buffer was unmapped before mapping|Failed to download data from buffer/i;

/** How long a failed pass waits for `device.lost` to settle: the pass's rejection can come first. */
const LOST_SETTLE_MS = 1000;

/** A pass that failed on a lost device: by the watch (given a moment to hear of it), or by the words WebGPU uses. */
export async function isGpuLoss(
  error: unknown,
  watch: GpuLossWatch | null,
  settleMs = LOST_SETTLE_MS,
): Promise<boolean> {
  if (error instanceof GpuLostError || watch?.lostInfo) return true;
  const message = error instanceof Error ? error.message : String(error);
  if (LOST_DEVICE_WORDS.test(message)) return true;
  if (!watch) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settled = new Promise<void>((resolve) => (timer = setTimeout(resolve, settleMs)));
  await Promise.race([watch.lost.catch(() => undefined), settled]);
  clearTimeout(timer);
  return watch.lostInfo !== null;
}
