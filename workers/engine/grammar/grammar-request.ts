import type { GenerateRequest, ToolFunction } from '../../protocol';
import { EngineError } from '../errors';

function checkSchema(schema: unknown, path?: string): void {
  try {
    checkJsonSchema(schema, path);
  } catch (e) {
    throw e instanceof SchemaProblem ? new EngineError('InvalidSchema', e.message) : e;
  }
}
import { checkSchema as checkJsonSchema, SchemaProblem } from '../../../common/json-schema-check';
import { SEPARATORS } from './separators';
import type { CompiledGrammar, GrammarRuntime } from './xgrammar-runtime';

/** What a request asks the grammar for; `key` caches the compiled result. */
export interface GrammarSource {
  key: string;
  /** For messages: "The response format's JSON schema". */
  what: string;
  compile(runtime: GrammarRuntime): Promise<CompiledGrammar>;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Checks `tools` and `toolChoice`; returns the functions a call is forced to (none when the choice is free). */
export function forcedTools(request: GenerateRequest): ToolFunction[] {
  const tools = request.tools ?? [];
  if (!Array.isArray(tools)) throw new EngineError('InvalidParams', 'tools must be an array of functions.');
  for (const [i, t] of tools.entries()) {
    if (!t || typeof t.name !== 'string' || !NAME.test(t.name)) {
      throw new EngineError('InvalidParams', `tools[${i}].name must be 1–64 letters, digits, "_", "." or "-".`);
    }
    if (t.parameters !== undefined) checkSchema(t.parameters, `tools[${i}].parameters`);
  }
  const choice = request.toolChoice ?? 'auto';
  if (choice === 'auto' || choice === 'none') return [];
  if (tools.length === 0) {
    throw new EngineError(
      'InvalidParams',
      'toolChoice asks for a tool call but tools is empty. Add the functions, or drop toolChoice.',
    );
  }
  if (choice === 'required') return [...tools];
  if (typeof choice === 'object' && choice && typeof choice.name === 'string') {
    const named = tools.filter((t) => t.name === choice.name);
    if (named.length === 0) {
      throw new EngineError(
        'InvalidParams',
        `toolChoice names "${choice.name}", which is not in tools (${tools.map((t) => t.name).join(', ')}).`,
      );
    }
    return named;
  }
  throw new EngineError('InvalidParams', 'toolChoice must be "auto", "none", "required" or {name}.');
}

/** The call Qwen3's template describes: `<tool_call>\n{"name": ..., "arguments": ...}\n</tool_call>`. */
function toolCallSource(tools: ToolFunction[]): GrammarSource {
  const calls = tools.map((t) => ({
    type: 'object',
    properties: { name: { const: t.name }, arguments: t.parameters ?? { type: 'object' } },
    required: ['name', 'arguments'],
    additionalProperties: false,
  }));
  const schema = JSON.stringify(calls.length === 1 ? calls[0] : { anyOf: calls });
  return {
    key: `tool:${schema}`,
    what: 'The tools’ parameter schemas',
    async compile(runtime) {
      const json = await runtime.xgr.Grammar.fromJSONSchema(schema, false, -1, SEPARATORS, true);
      const ebnf = json.toString();
      json.dispose();
      // The schema's grammar becomes one rule of ours; its root is renamed so the tags can wrap it.
      const renamed = ebnf.replace(/^root ::=/m, 'tool_call_json ::=');
      if (/\broot\b/.test(renamed))
        throw new Error('a parameters schema that refers to its own root ("$ref": "#") is not supported');
      return runtime.compileGrammarText(`root ::= "<tool_call>\\n" tool_call_json "\\n</tool_call>"\n${renamed}`);
    },
  };
}

/** The grammar a request needs, or null for free text. Bad schemas fail here, before any forward pass. */
export function grammarSource(request: GenerateRequest): GrammarSource | null {
  const forced = forcedTools(request);
  const format = request.responseFormat;
  if (forced.length > 0) {
    if (format && format.type !== 'text') {
      throw new EngineError(
        'InvalidParams',
        'Give either a forced tool call (toolChoice) or a JSON responseFormat, not both.',
      );
    }
    return toolCallSource(forced);
  }
  if (!format || format.type === 'text') return null;
  if (format.type === 'json_object') {
    return {
      key: 'json_object',
      what: 'JSON object mode',
      compile: (runtime) => runtime.compileSchemaText('{"type": "object"}', false),
    };
  }
  if (format.type === 'json_schema') {
    checkSchema(format.schema);
    const text = JSON.stringify(format.schema);
    // OpenAI's strict:false lets the model add properties; strict (the default here) allows only the listed ones.
    const strict = format.strict !== false;
    return {
      key: `schema:${strict}:${text}`,
      what: `The JSON schema${format.name ? ` "${format.name}"` : ''}`,
      compile: (runtime) => runtime.compileSchemaText(text, strict),
    };
  }
  throw new EngineError(
    'InvalidParams',
    `responseFormat.type must be "text", "json_object" or "json_schema" (got ${JSON.stringify((format as { type?: unknown }).type)}).`,
  );
}
