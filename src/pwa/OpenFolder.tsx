import { useRef, type ChangeEvent } from 'react';
import { canPickDirectory, folderFromFileList, pickDirectory } from './folder-files';
import { useAppStoreApi } from '../state/hooks';
import { useServices } from '../ui/services';
import { usePwa } from './use-pwa';

/** "Open model folder": the File System Access picker where there is one, else `<input webkitdirectory>`. */
export function OpenFolder() {
  const input = useRef<HTMLInputElement>(null);
  const busy = usePwa((s) => s.busy !== null);
  const { pwa } = useServices();
  const store = useAppStoreApi();

  const open = async () => {
    if (!canPickDirectory()) {
      input.current?.click();
      return;
    }
    try {
      const folder = await pickDirectory();
      if (folder) await pwa.loadFolder(folder);
    } catch (error) {
      store.getState().pwaChanged({
        error: { name: 'FolderUnreadable', message: `The folder could not be read: ${(error as Error).message}` },
      });
    }
  };

  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    const folder = event.target.files ? folderFromFileList(event.target.files) : null;
    event.target.value = '';
    if (folder) void pwa.loadFolder(folder);
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
