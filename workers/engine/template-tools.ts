import type { ChatMessage, ToolFunction } from '../protocol';

/**
 * Our messages and tools in the shape chat templates read (the Hugging Face / OpenAI one):
 * `tools` as `{type: 'function', function}`, an assistant's calls as `tool_calls[].function`
 * with `arguments` as its JSON text, a tool's answer as role `tool` with `tool_call_id`.
 */
export function templateMessages(messages: readonly ChatMessage[]): Record<string, unknown>[] {
  return messages.map(({ role, content, toolCalls, toolCallId }) => ({
    role,
    content,
    ...(toolCalls && toolCalls.length > 0
      ? {
          tool_calls: toolCalls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: parseArguments(c.arguments) },
          })),
        }
      : {}),
    ...(toolCallId ? { tool_call_id: toolCallId } : {}),
  }));
}

/** Hugging Face templates expect `arguments` as an object (Llama's prints it with `tojson`; Qwen's takes either). */
function parseArguments(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : text;
  } catch {
    return text;
  }
}

export function templateTools(tools: readonly ToolFunction[] | undefined): { tools?: unknown[] } {
  if (!tools || tools.length === 0) return {};
  return {
    tools: tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.parameters ?? { type: 'object', properties: {} },
      },
    })),
  };
}
