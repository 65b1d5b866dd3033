import { formatBytes as format } from '../../common/format-bytes';

export function formatBytes(bytes: number | null): string {
  return bytes === null ? 'unknown' : format(bytes);
}
