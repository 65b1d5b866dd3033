import { describe, expect, it } from 'vitest';
import { hubAvailability, hubCacheKey } from './model-availability';

const models = [
  {
    key: 'localhost:5201/typewriter/demo',
    files: [
      { file: 'config.json', bytes: 10 },
      { file: 'onnx/model_quantized.onnx', bytes: 100 },
    ],
    bytes: 110,
  },
];

describe('hubAvailability', () => {
  it('keys a repo by host and id', () => {
    expect(hubCacheKey('typewriter/demo', 'http://localhost:5201')).toBe('localhost:5201/typewriter/demo');
  });

  it('needs the ONNX file of the loaded dtype, not just any', () => {
    expect(
      hubAvailability(models, 'localhost:5201/typewriter/demo', ['config.json', 'onnx/model_quantized.onnx']),
    ).toBe('cached');
    expect(hubAvailability(models, 'localhost:5201/typewriter/demo', ['config.json', 'onnx/model.onnx'])).toBe(
      'not-cached',
    );
    expect(hubAvailability(models, 'localhost:5201/typewriter/demo', [])).toBe('not-cached');
  });

  it('is not cached when the repo is absent', () => {
    expect(hubAvailability(models, 'huggingface.co/typewriter/demo', ['config.json'])).toBe('not-cached');
  });
});
