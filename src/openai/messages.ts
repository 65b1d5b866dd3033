import type { ChatMessage } from '../../workers/protocol';
import { checkTextSize, wellFormed } from '../embed/values';
import { invalidRequest, type OpenAiError } from './errors';

/**
 * OpenAI `messages` → the engine's ChatMessage[]. The engine renders them through the model's chat
 * template and reuses the KV cache across requests by prefix (it remembers its recent answers'
 * token ids by text), so a client that resends the whole conversation prefills only the new turn.
 */

type Json = Record<string, unknown>;
export const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys each role may carry; anything else (`name`, `audio`, `function_call`, …) is refused by name. */
const ROLE_KEYS: Record<string, readonly string[]> = {
  system: ['role', 'content'],
  developer: ['role', 'content'],
  user: ['role', 'content'],
  assistant: ['role', 'content', 'tool_calls', 'refusal'],
  tool: ['role', 'content', 'tool_call_id'],
};

/** A string, or an array of `{type: 'text', text}` parts (joined with newlines, as vLLM does). */
function textContent(value: unknown, at: string): string | OpenAiError {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value))
    return invalidRequest(`${at} must be a string or an array of text parts.`, at, 'invalid_type');
  const texts: string[] = [];
  for (const [j, part] of value.entries()) {
    const where = `${at}[${j}]`;
    if (!isRecord(part)) return invalidRequest(`${where} must be an object.`, where, 'invalid_type');
    if (part.type !== 'text') {
      return invalidRequest(
        `Unsupported content part type ${JSON.stringify(part.type)} at ${where}.type: this local model reads text only ` +
          `(no image_url, input_audio or file parts).`,
        `${where}.type`,
        'unsupported_parameter',
      );
    }
    if (typeof part.text !== 'string')
      return invalidRequest(`${where}.text must be a string.`, `${where}.text`, 'invalid_type');
    texts.push(part.text);
  }
  return texts.join('\n');
}

function toolCalls(value: unknown, at: string): ChatMessage['toolCalls'] | OpenAiError {
  if (!Array.isArray(value)) return invalidRequest(`${at} must be an array.`, at, 'invalid_type');
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const [j, call] of value.entries()) {
    const where = `${at}[${j}]`;
    if (!isRecord(call) || call.type !== 'function' || !isRecord(call.function)) {
      return invalidRequest(
        `${where} must be {id, type: 'function', function: {name, arguments}}.`,
        where,
        'invalid_type',
      );
    }
    const { name, arguments: args } = call.function;
    if (typeof call.id !== 'string' || typeof name !== 'string' || typeof args !== 'string') {
      return invalidRequest(
        `${where} needs a string id, function.name and function.arguments (a JSON string).`,
        where,
        'invalid_type',
      );
    }
    calls.push({ id: call.id, name, arguments: args });
  }
  return calls;
}

function parseMessage(m: unknown, i: number): ChatMessage | OpenAiError {
  const at = `messages[${i}]`;
  if (!isRecord(m)) return invalidRequest(`${at} must be an object.`, at, 'invalid_type');
  const allowed = typeof m.role === 'string' ? ROLE_KEYS[m.role] : undefined;
  if (!allowed) {
    return invalidRequest(
      `${at}.role must be one of system, developer, user, assistant, tool (got ${JSON.stringify(m.role)}).`,
      `${at}.role`,
      'invalid_value',
    );
  }
  const extra = Object.keys(m).filter((k) => !allowed.includes(k) && m[k] !== null && m[k] !== undefined);
  if (extra.length > 0) {
    const names = extra.map((k) => `'${at}.${k}'`).join(', ');
    return invalidRequest(
      `Unsupported parameter(s) on a ${String(m.role)} message: ${names}.`,
      `${at}.${extra[0]}`,
      'unsupported_parameter',
    );
  }
  if (m.role === 'assistant') {
    const calls =
      m.tool_calls === undefined || m.tool_calls === null ? undefined : toolCalls(m.tool_calls, `${at}.tool_calls`);
    if (calls && !Array.isArray(calls)) return calls as OpenAiError;
    const hasContent = m.content !== undefined && m.content !== null;
    if (!hasContent && !calls?.length) {
      return invalidRequest(`${at} needs content or tool_calls.`, `${at}.content`, 'missing_required_parameter');
    }
    const content = hasContent ? textContent(m.content, `${at}.content`) : '';
    if (typeof content !== 'string') return content;
    return { role: 'assistant', content, ...(calls?.length && { toolCalls: calls }) };
  }
  const content = textContent(m.content, `${at}.content`);
  if (typeof content !== 'string') return content;
  if (m.role === 'tool') {
    if (typeof m.tool_call_id !== 'string') {
      return invalidRequest(
        `${at}.tool_call_id must be the id of the call it answers.`,
        `${at}.tool_call_id`,
        'missing_required_parameter',
      );
    }
    return { role: 'tool', content, toolCallId: m.tool_call_id };
  }
  // OpenAI's `developer` role is its newer name for instructions; the chat templates know only `system`.
  return { role: m.role === 'user' ? 'user' : 'system', content };
}

export function parseMessages(value: unknown): ChatMessage[] | OpenAiError {
  if (value === undefined || value === null) {
    return invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (!Array.isArray(value) || value.length === 0) {
    return invalidRequest("'messages' must be a non-empty array.", 'messages', 'invalid_type');
  }
  const out: ChatMessage[] = [];
  for (const [i, m] of value.entries()) {
    const parsed = parseMessage(m, i);
    if ('status' in parsed) return parsed;
    out.push(parsed);
  }
  // The widget's own limits (message count, characters per message and in all), checked before tokenizing.
  const sizeError = checkTextSize(
    out.map((m) => m.content),
    'messages',
  );
  if (sizeError) return invalidRequest(`${sizeError}. Send a shorter conversation.`, 'messages', 'invalid_value');
  // A lone surrogate (a string cut inside an emoji) becomes U+FFFD, as the widget does, rather than failing.
  return out.map((m) => ({ ...m, content: wellFormed(m.content) }));
}
