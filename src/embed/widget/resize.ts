/** Reports the content height whenever it changes, so the host can size the iframe to fit. */
export function observeHeight(element: HTMLElement, report: (height: number) => void): () => void {
  let last = -1;
  const measure = () => {
    const height = Math.ceil(element.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    report(height);
  };
  const observer = new ResizeObserver(measure);
  observer.observe(element);
  measure();
  return () => observer.disconnect();
}
