// Placeholder owned by the embed work: the "Embed" button and dialog that generates the host snippet.
export function EmbedDialog() {
  return null;
}
