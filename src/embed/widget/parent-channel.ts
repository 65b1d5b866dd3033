import { parseHostMessage } from '../messages';
import { isAcceptedOrigin, knownParentOrigin, type ParentHints } from '../origins';
import type { HostMessage, WidgetMessageType, WidgetPayload } from '../protocol';
import type { DebugLog } from './refusal-log';

interface PostTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

export interface ParentChannelOptions {
  /** The widget's window: where host messages arrive. */
  self: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  /** `window.parent`; null when the widget is not framed (then nothing is ever posted). */
  parent: PostTarget | null;
  accepted: readonly string[];
  hints: ParentHints;
  log: DebugLog;
  onCommand(message: HostMessage): void;
}

export interface ParentChannel {
  post<T extends WidgetMessageType>(type: T, payload: WidgetPayload<T>): boolean;
  /** Where messages go now: the origin of the first valid command, else the accepted browser hint. */
  targetOrigin(): string | null;
  dispose(): void;
}

/**
 * The widget's end of the protocol. A command is obeyed only when it comes from the parent
 * window itself (event.source) AND from an accepted origin, and is well formed; every refusal
 * is debug-logged. Replies never use '*': they go to the verified parent origin, or not at all.
 */
export function createParentChannel(options: ParentChannelOptions): ParentChannel {
  const { self, parent, accepted, hints, log, onCommand } = options;
  let verified: string | null = null;

  const onMessage = (event: MessageEvent) => {
    if (!parent || event.source !== parent) {
      log.record({ kind: 'refused-source', detail: 'sender is not the parent window', origin: event.origin });
      return;
    }
    if (!isAcceptedOrigin(event.origin, accepted)) {
      log.record({
        kind: 'refused-origin',
        detail: `origin ${event.origin} is not allowed (allowed: ${accepted.join(', ') || 'none'})`,
        origin: event.origin,
      });
      return;
    }
    const parsed = parseHostMessage(event.data);
    if (!parsed.ok) {
      log.record({ kind: 'malformed', detail: parsed.reason, origin: event.origin });
      // A generate from an allowed sender with bad values gets a named answer, so the host's promise settles.
      if (parsed.invalidId !== undefined && parent && event.source === parent) {
        verified ??= event.origin;
        parent.postMessage(
          { v: 1, type: 'typewriter:error', id: parsed.invalidId, name: 'InvalidParams', message: parsed.reason },
          event.origin,
        );
      }
      return;
    }
    verified ??= event.origin;
    onCommand(parsed.message);
  };
  self.addEventListener('message', onMessage);

  const targetOrigin = () => verified ?? knownParentOrigin(hints, accepted);

  return {
    post(type, payload) {
      const target = targetOrigin();
      if (!parent || !target) return false;
      parent.postMessage({ ...payload, v: 1, type }, target);
      return true;
    },
    targetOrigin,
    dispose: () => self.removeEventListener('message', onMessage),
  };
}
