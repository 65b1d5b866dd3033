import { describe, expect, it } from 'vitest';
import { survivors } from '../../common/gc-probe';
import { GpuLossWatch, GpuLostError, isGpuLoss } from './gpu-loss';

const ORT_READBACK_CUT =
  "failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: buffer_manager.cc:643 Failed to download data from buffer. wgpu::MapAsyncStatus value: 4, message: Failed to execute 'mapAsync' on 'GPUBuffer': Buffer was unmapped before mapping was resolved.";

function device() {
  let lose: (info: { reason: string; message: string }) => void = () => {};
  const lost = new Promise<{ reason: string; message: string }>((resolve) => (lose = resolve));
  return { device: { lost }, lose };
}

describe('isGpuLoss', () => {
  it("knows a lost device by ORT's cut read-back and by WebGPU's words", async () => {
    expect(await isGpuLoss(new Error(ORT_READBACK_CUT), null)).toBe(true);
    expect(await isGpuLoss(new Error('GPUDevice was lost: destroyed'), null)).toBe(true);
    expect(await isGpuLoss(new GpuLostError('destroyed'), null)).toBe(true);
  });

  it('an ordinary failure is not a loss, and waits for the watch no longer than it is told', async () => {
    const { device: d } = device();
    expect(await isGpuLoss(new Error('Invalid input shape'), null)).toBe(false);
    expect(await isGpuLoss(new Error('Invalid input shape'), GpuLossWatch.of(d), 5)).toBe(false);
  });

  it('a failure whose words say nothing counts once device.lost settles shortly after it', async () => {
    const { device: d, lose } = device();
    const watch = GpuLossWatch.of(d);
    setTimeout(() => lose({ reason: 'destroyed', message: 'Device was destroyed.' }), 10);
    expect(await isGpuLoss(new Error('failed to call OrtRun()'), watch, 1000)).toBe(true);
    expect(watch.lostInfo).toEqual({ reason: 'destroyed', message: 'Device was destroyed.' });
    await expect(watch.lost).rejects.toBeInstanceOf(GpuLostError);
  });
});

/** `count` decode passes raced as the decode loop races them, each giving a logits row; refs to the rows. */
async function passRows(count: number, watch: GpuLossWatch): Promise<WeakRef<object>[]> {
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < count; i++) {
    const rows = [new Float32Array(151_936)];
    refs.push(new WeakRef(rows));
    await watch.signal.race(Promise.resolve(rows));
  }
  return refs;
}

describe('GpuLossWatch.signal', () => {
  it('keeps no logits row of a finished pass while the device lives, and rejects every pass once it is lost', async () => {
    const { device: d, lose } = device();
    const watch = GpuLossWatch.of(d);
    expect(await survivors(await passRows(20, watch))).toBe(0);
    const hung = watch.signal.race(new Promise(() => {}));
    lose({ reason: 'destroyed', message: 'Device was destroyed.' });
    await expect(hung).rejects.toBeInstanceOf(GpuLostError);
    await expect(watch.signal.race(Promise.resolve([]))).rejects.toBeInstanceOf(GpuLostError);
  });
});
