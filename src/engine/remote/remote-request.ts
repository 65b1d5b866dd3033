import type { ChatMessage, GenerateRequest } from '../../../workers/protocol';

/**
 * A GenerateRequest as the body of an OpenAI-compatible request. Only the API's own fields are sent, because
 * OpenAI itself answers 400 to any it does not know: top-k and the repetition penalty have no OpenAI field and
 * are left out, and the local engine's own knobs (context limit, KV-cache keep time, speculative decoding,
 * thinking on/off) mean nothing to a server.
 */
export function remoteRequestBody(model: string, request: GenerateRequest): { path: string; body: object } {
  const sampling = {
    ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.topP !== undefined && { top_p: request.topP }),
    ...(request.seed !== undefined && { seed: request.seed }),
    ...(request.stop && request.stop.length > 0 && { stop: [...request.stop] }),
  };
  const streaming = { stream: true, stream_options: { include_usage: true } };
  if (request.prompt !== undefined) {
    return { path: '/completions', body: { model, prompt: request.prompt, ...sampling, ...streaming } };
  }
  const format = request.responseFormat;
  return {
    path: '/chat/completions',
    body: {
      model,
      messages: (request.messages ?? []).map(wireMessage),
      ...sampling,
      ...streaming,
      ...(format &&
        format.type !== 'text' && {
          response_format:
            format.type === 'json_object'
              ? { type: 'json_object' }
              : {
                  type: 'json_schema',
                  json_schema: {
                    name: format.name ?? 'response',
                    schema: format.schema,
                    strict: format.strict ?? true,
                  },
                },
        }),
      ...(request.tools &&
        request.tools.length > 0 && { tools: request.tools.map((f) => ({ type: 'function', function: f })) }),
      ...(request.toolChoice !== undefined && {
        tool_choice:
          typeof request.toolChoice === 'string'
            ? request.toolChoice
            : { type: 'function', function: { name: request.toolChoice.name } },
      }),
    },
  };
}

function wireMessage(message: ChatMessage): object {
  return {
    role: message.role,
    content: message.content,
    ...(message.toolCalls && {
      tool_calls: message.toolCalls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      })),
    }),
    ...(message.toolCallId !== undefined && { tool_call_id: message.toolCallId }),
  };
}

/** `https://host/v1/` and `https://host/v1` are the same base; a path is appended to it. */
export function endpoint(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}
