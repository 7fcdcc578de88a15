/** The few text functions used to build server names and SQL from parameters. */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { formatCount } from '../limits.js';
import { opaque, text, textOf, type MValue } from '../m/values.js';

function textCombine(call: CallContext): MValue {
  const list = call.args[0];
  const separator = call.args[1] === undefined ? '' : textOf(call.args[1]);
  if (list?.kind === 'list' && separator !== undefined) {
    const parts = list.items.map(textOf);
    if (parts.every((part): part is string => part !== undefined)) {
      const length = parts.reduce((sum, part) => sum + part.length, separator.length * (parts.length - 1));
      if (length <= call.limits.maxTextChars) return text(parts.join(separator));
      call.report({
        kind: 'limit_exceeded',
        functionName: call.name,
        message: `Text.Combine would build ${formatCount(length)} characters, more than the ${formatCount(call.limits.maxTextChars)} the analysis keeps; its value is treated as unknown.`,
      });
    }
  }
  return opaque(call.args.flatMap((arg) => call.refsOf(arg)));
}

function textFrom(call: CallContext): MValue {
  const value = call.args[0];
  return value?.kind === 'text' ? value : opaque(value === undefined ? [] : call.refsOf(value));
}

export const TEXT_FUNCTIONS: FunctionTable = {
  'Text.Combine': textCombine,
  'Text.From': textFrom,
};
