/**
 * JSON as Qwen's and OpenAI's examples write it: one line, ", " and ": ". The grammar allows no
 * other whitespace, so a sampled run cannot wander in blanks and the token count stays bounded.
 */
export const SEPARATORS: [string, string] = [', ', ': '];
