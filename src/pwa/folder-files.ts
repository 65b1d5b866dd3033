/**
 * Turns a picked folder into the engine's `files` source: paths relative to the model folder,
 * from either the File System Access API or an `<input webkitdirectory>`.
 */
export interface PickedFolder {
  name: string;
  files: { path: string; blob: Blob }[];
}

/** Files from `<input webkitdirectory>`: `demo/onnx/model.onnx` → `onnx/model.onnx` in folder `demo`. */
export function folderFromFileList(list: ArrayLike<File>): PickedFolder | null {
  const files = Array.from(list);
  const first = files[0];
  if (!first) return null;
  const top = (first.webkitRelativePath || first.name).split('/')[0] ?? 'folder';
  return {
    name: top,
    files: files.map((file) => {
      const parts = (file.webkitRelativePath || file.name).split('/');
      return { path: parts.length > 1 ? parts.slice(1).join('/') : file.name, blob: file };
    }),
  };
}

interface DirectoryHandle {
  name: string;
  kind: 'directory';
  values(): AsyncIterable<DirectoryHandle | FileHandle>;
}
interface FileHandle {
  name: string;
  kind: 'file';
  getFile(): Promise<File>;
}

async function walk(dir: DirectoryHandle, prefix: string, out: PickedFolder['files']): Promise<void> {
  for await (const entry of dir.values()) {
    const path = `${prefix}${entry.name}`;
    if (entry.kind === 'directory') await walk(entry, `${path}/`, out);
    else out.push({ path, blob: await entry.getFile() });
  }
}

export const canPickDirectory = (): boolean => typeof window !== 'undefined' && 'showDirectoryPicker' in window;

/** null when the user closed the picker. */
export async function pickDirectory(): Promise<PickedFolder | null> {
  const picker = (window as unknown as { showDirectoryPicker(o?: { mode: 'read' }): Promise<DirectoryHandle> })
    .showDirectoryPicker;
  let dir: DirectoryHandle;
  try {
    dir = await picker.call(window, { mode: 'read' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
  const files: PickedFolder['files'] = [];
  await walk(dir, '', files);
  return { name: dir.name, files };
}
