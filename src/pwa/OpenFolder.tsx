import { useRef, type ChangeEvent } from 'react';
import { canPickDirectory, folderFromFileList, pickDirectory } from './folder-files';
import { pwaStore } from './pwa-store';
import { loadFolder } from './storage-actions';
import { usePwa } from './use-pwa';

/** "Open model folder": the File System Access picker where there is one, else `<input webkitdirectory>`. */
export function OpenFolder() {
  const input = useRef<HTMLInputElement>(null);
  const busy = usePwa((s) => s.busy !== null);

  const open = async () => {
    if (!canPickDirectory()) {
      input.current?.click();
      return;
    }
    try {
      const folder = await pickDirectory();
      if (folder) await loadFolder(folder);
    } catch (error) {
      pwaStore.setState({
        error: { name: 'FolderUnreadable', message: `The folder could not be read: ${(error as Error).message}` },
      });
    }
  };

  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    const folder = event.target.files ? folderFromFileList(event.target.files) : null;
    event.target.value = '';
    if (folder) void loadFolder(folder);
  };

  return (
    <>
      <button type="button" disabled={busy} onClick={() => void open()}>
        Open model folder
      </button>
      <input
        ref={input}
        type="file"
        aria-label="Model folder"
        // React has no typed prop for it; the attribute makes the input pick a whole folder.
        {...{ webkitdirectory: '' }}
        multiple
        hidden
        onChange={picked}
      />
    </>
  );
}
