// marked needs Unicode property escapes (\p{L}): V8 built with ICU.
import { marked } from 'marked';

export function main(env) {
  console.log('marked', JSON.stringify(marked.parse('# Title\n\nSome *emphasis* and `code`.')));
}
