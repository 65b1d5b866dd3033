// Placeholder owned by the offline/PWA work: install button, update prompt, offline indicator, model manager.
export function PwaStatusBar() {
  return null;
}

export function ModelManager() {
  return null;
}
