import { describe, expect, it } from 'vitest';
import { folderFromFileList } from './folder-files';

function fileAt(relativePath: string): File {
  const file = new File(['x'], relativePath.split('/').at(-1) ?? 'f');
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}

describe('folderFromFileList', () => {
  it('strips the picked folder name so paths are relative to the model folder', () => {
    const folder = folderFromFileList([fileAt('demo/config.json'), fileAt('demo/onnx/model.onnx')]);
    expect(folder?.name).toBe('demo');
    expect(folder?.files.map((f) => f.path)).toEqual(['config.json', 'onnx/model.onnx']);
  });

  it('returns null for an empty pick', () => {
    expect(folderFromFileList([])).toBeNull();
  });
});
