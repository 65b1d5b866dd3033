import type { EmbedGenerateOptions, HostMessage, WidgetMessage } from '../protocol';
import { parseWidgetMessage } from '../messages';
import { createSdkFetch } from './api-fetch';
import { createConversation } from './conversation';
import { Generation } from './generation';
import type {
  GenerateInput,
  MountOptions,
  ReadyEvent,
  TypewriterController,
  TypewriterEventName,
  TypewriterEvents,
} from './types';
import { widgetUrl } from './widget-url';

type Listener = (payload: never) => void;
type Envelope<M> = M extends HostMessage ? Omit<M, 'v'> : never;

const DEFAULT_READY_TIMEOUT_MS = 60_000;

let idCounter = 0;
const newId = () => `tw-${Date.now().toString(36)}-${(++idCounter).toString(36)}`;

/**
 * Creates the widget iframe inside `element` and returns its controller. Messages are accepted
 * only from that iframe's window and the widget's origin, and are posted only to that origin.
 */
export function mountWidget(
  element: HTMLElement | string,
  options: MountOptions,
  appRoot: string,
): TypewriterController {
  const container = typeof element === 'string' ? document.querySelector<HTMLElement>(element) : element;
  if (!container) throw new Error(`Typewriter.mount: no element matches ${String(element)}.`);
  const src = widgetUrl(appRoot, options, window.location.origin);
  const widgetOrigin = src.origin;

  const iframe = document.createElement('iframe');
  iframe.src = src.href;
  iframe.title = options.title ?? 'Typewriter';
  // Lets the widget use threads when the host page is itself cross-origin isolated; harmless otherwise.
  iframe.allow = 'cross-origin-isolated';
  iframe.style.cssText = 'display:block;width:100%;border:0;height:160px;color-scheme:normal';

  const listeners = new Map<TypewriterEventName, Set<Listener>>();
  const generations = new Map<string, Generation>();
  let latest: Generation | null = null;
  // Commands wait for the widget's first ready (or load error): before that it may not be listening yet.
  let queue: Envelope<HostMessage>[] | null = [];
  let resolveReady!: (event: ReadyEvent) => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<ReadyEvent>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // Silence, not a slow download, is the failure: every message from the widget restarts the wait.
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  let readyTimer: ReturnType<typeof setTimeout> | null = null;
  const armReadyTimer = () => {
    if (readyTimer !== null) clearTimeout(readyTimer);
    readyTimer = setTimeout(() => {
      const error = new Error(
        `The widget at ${widgetOrigin} did not answer for ${readyTimeoutMs / 1000} s. Check that widgetUrl points at a ` +
          'Typewriter app and that its frame-ancestors list allows this site.',
      );
      error.name = 'WidgetTimeout';
      rejectReady(error);
    }, readyTimeoutMs);
  };
  // A host that never awaits `ready` must not see an unhandled rejection; one that does still gets it.
  ready.catch(() => undefined);
  armReadyTimer();

  const send = (message: Envelope<HostMessage>) => {
    if (queue) queue.push(message);
    else iframe.contentWindow?.postMessage({ v: 1, ...message }, widgetOrigin);
  };
  const flush = () => {
    const pending = queue ?? [];
    queue = null;
    pending.forEach(send);
  };
  const emit = <E extends TypewriterEventName>(event: E, payload: TypewriterEvents[E]) => {
    listeners.get(event)?.forEach((listener) => (listener as (p: TypewriterEvents[E]) => void)(payload));
  };

  const api = createSdkFetch(send);

  const dispatch = (message: WidgetMessage) => {
    const { v: _v, type, ...payload } = message;
    switch (type) {
      case 'typewriter:response':
      case 'typewriter:response-chunk':
      case 'typewriter:response-end':
        api.receive(message);
        return;
      case 'typewriter:ready':
        if (readyTimer !== null) clearTimeout(readyTimer);
        readyTimer = null;
        resolveReady(payload as TypewriterEvents['ready']);
        flush();
        break;
      case 'typewriter:resize':
        iframe.style.height = `${Math.max(0, Math.ceil(message.height))}px`;
        break;
      case 'typewriter:token':
        generations.get(message.id)?.pushToken({ id: message.id, text: message.text, index: message.index });
        break;
      case 'typewriter:done':
        generations.get(message.id)?.finish(payload as TypewriterEvents['done']);
        generations.delete(message.id);
        break;
      case 'typewriter:error':
        if (api.receive(message)) return;
        if (message.id !== undefined && generations.has(message.id)) {
          generations.get(message.id)?.fail(payload as TypewriterEvents['error']);
          generations.delete(message.id);
        } else if (message.id === undefined) {
          flush(); // A load or configuration error: queued commands get their own errors now.
        }
        break;
    }
    emit(type.slice('typewriter:'.length) as TypewriterEventName, payload as never);
  };

  const onMessage = (event: MessageEvent) => {
    if (event.source !== iframe.contentWindow || event.origin !== widgetOrigin) return;
    const parsed = parseWidgetMessage(event.data);
    if (!parsed.ok) return;
    if (readyTimer !== null) armReadyTimer();
    dispatch(parsed.message);
  };
  window.addEventListener('message', onMessage);
  container.appendChild(iframe);

  const controlLatest = (type: 'typewriter:pause' | 'typewriter:resume' | 'typewriter:stop') => {
    if (latest && !latest.isFinished) send({ type, id: latest.id });
  };

  const controller: TypewriterController = {
    iframe,
    ready,
    fetch: api.fetch,
    generate(input: GenerateInput, generateOptions?: EmbedGenerateOptions) {
      const id = newId();
      const generation = new Generation(id, (type, target) => send({ type, id: target }));
      generations.set(id, generation);
      latest = generation;
      const body = typeof input === 'string' ? { prompt: input } : { messages: input };
      send({ type: 'typewriter:generate', id, ...body, ...(generateOptions && { options: generateOptions }) });
      return generation;
    },
    conversation(conversationOptions) {
      return createConversation((messages, o) => controller.generate(messages, o), conversationOptions?.system);
    },
    pause: () => controlLatest('typewriter:pause'),
    resume: () => controlLatest('typewriter:resume'),
    stop: () => controlLatest('typewriter:stop'),
    load: (model: string) => send({ type: 'typewriter:load', model }),
    on(event, listener) {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    destroy() {
      if (readyTimer !== null) clearTimeout(readyTimer);
      window.removeEventListener('message', onMessage);
      listeners.clear();
      iframe.remove();
    },
  };
  return controller;
}
