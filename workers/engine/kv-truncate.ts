import { env, Tensor } from '@huggingface/transformers';
import { Tensor as OrtTensor } from 'onnxruntime-web/webgpu';

/**
 * Cuts a past key/value tensor `[batch, kvHeads, seq, headDim]` to its first `length` positions.
 *
 * On WASM the data is on the CPU: one copy of what is kept, per head (the rows of one head are
 * contiguous, the heads are not, so a view is impossible).
 *
 * On WebGPU the tensor is a GPU buffer that ORT owns. Downloading it to cut it and uploading it
 * again would move the whole cache over the bus twice per rollback; instead the kept rows are
 * copied buffer-to-buffer on the GPU (one `copyBufferToBuffer` per head, all layers in one
 * submission) into a buffer we own, which ORT takes as an input like its own outputs.
 */

interface GpuBufferLike {
  size: number;
  destroy(): void;
}
interface GpuDeviceLike {
  createBuffer(descriptor: { size: number; usage: number }): GpuBufferLike;
  createCommandEncoder(): {
    copyBufferToBuffer(
      src: GpuBufferLike,
      srcOffset: number,
      dst: GpuBufferLike,
      dstOffset: number,
      size: number,
    ): void;
    finish(): unknown;
  };
  queue: { submit(buffers: unknown[]): void };
}

// GPUBufferUsage.STORAGE | COPY_SRC | COPY_DST: what ORT's own KV buffers carry.
const KV_BUFFER_USAGE = 0x80 | 0x04 | 0x08;
const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, float16: 2 };

export function elementBytes(type: string): number {
  return BYTES_PER_ELEMENT[type] ?? 4;
}

export function tensorBytes(tensor: Tensor): number {
  return tensor.dims.reduce((a, b) => a * b, 1) * elementBytes(tensor.type);
}

function truncateCpu(tensor: Tensor, length: number): Tensor {
  const [batch = 1, heads = 1, seq = 0, dim = 0] = tensor.dims;
  const source = tensor.data as Float32Array | Uint16Array;
  const Ctor = source.constructor as new (n: number) => Float32Array | Uint16Array;
  const out = new Ctor(batch * heads * length * dim);
  for (let h = 0; h < batch * heads; h++) {
    out.set(source.subarray(h * seq * dim, h * seq * dim + length * dim), h * length * dim);
  }
  return new Tensor(tensor.type as 'float32', out as Float32Array, [batch, heads, length, dim]);
}

async function gpuDevice(): Promise<GpuDeviceLike> {
  const webgpu = env.backends.onnx.webgpu as { device?: Promise<GpuDeviceLike> | GpuDeviceLike } | undefined;
  const device = await webgpu?.device;
  if (!device) throw new Error('the WebGPU device that ONNX Runtime uses is not available');
  return device;
}

/** Truncates every tensor of one cache to `length` positions. GPU copies go in one submission. */
export async function truncateTensors(
  tensors: Record<string, Tensor>,
  length: number,
): Promise<Record<string, Tensor>> {
  const out: Record<string, Tensor> = {};
  const gpu = Object.entries(tensors).filter(([, t]) => t.location === 'gpu-buffer');
  for (const [name, t] of Object.entries(tensors)) {
    if (t.location !== 'gpu-buffer') out[name] = truncateCpu(t, length);
  }
  if (gpu.length === 0) return out;

  const device = await gpuDevice();
  const encoder = device.createCommandEncoder();
  for (const [name, t] of gpu) {
    const [batch = 1, heads = 1, seq = 0, dim = 0] = t.dims;
    const bytes = elementBytes(t.type);
    const rowBytes = length * dim * bytes;
    // WebGPU copies need 4-byte multiples; every real head_dim is even, so fp16 rows qualify.
    const size = Math.max(16, Math.ceil((batch * heads * rowBytes) / 16) * 16);
    const target = device.createBuffer({ size, usage: KV_BUFFER_USAGE });
    const source = (t.ort_tensor as unknown as { gpuBuffer: GpuBufferLike }).gpuBuffer;
    if (rowBytes > 0) {
      for (let h = 0; h < batch * heads; h++) {
        encoder.copyBufferToBuffer(source, h * seq * dim * bytes, target, h * rowBytes, rowBytes);
      }
    }
    const ort = OrtTensor.fromGpuBuffer(target as unknown as Parameters<typeof OrtTensor.fromGpuBuffer>[0], {
      dataType: t.type as 'float32',
      dims: [batch, heads, length, dim],
      dispose: () => target.destroy(),
    });
    out[name] = new Tensor(ort as unknown as Tensor['ort_tensor']);
  }
  device.queue.submit([encoder.finish()]);
  return out;
}
