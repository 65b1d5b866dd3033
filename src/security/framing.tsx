/**
 * The main app never runs inside another page's frame: the server's `frame-ancestors 'none'` says so, and this
 * check covers a host that sends no header. Only the widget (`/?embed`) is meant to be framed.
 */
export function refuseFraming(params: URLSearchParams, win: Window = window): boolean {
  if (params.has('embed')) return false;
  try {
    return win.top !== win.self;
  } catch {
    // A cross-origin top throws on some engines: that is framing too.
    return true;
  }
}

export function FramingRefused() {
  return (
    <main role="alert" className="framing-refused">
      <p>
        Typewriter does not run inside another site&apos;s frame. Open it in its own tab, or embed the widget (
        <code>/?embed</code>) instead.
      </p>
    </main>
  );
}
