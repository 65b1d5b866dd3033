// Placeholder owned by the embed work: the compact widget selected by `/?embed`.
export function EmbedApp() {
  return null;
}
