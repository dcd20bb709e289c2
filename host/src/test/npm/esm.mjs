// ES-module-only packages through import.
import { chunk, camelCase, groupBy } from 'lodash-es';
import map from 'lodash-es/map.js';
import { nanoid, customAlphabet } from 'nanoid/non-secure';

export async function main(env) {
  console.log('lodash-es', JSON.stringify(chunk([1, 2, 3, 4, 5], 2)), camelCase('Foo Bar-baz'),
    JSON.stringify(groupBy([6.1, 4.2, 6.3], Math.floor)), JSON.stringify(map([1, 2], (x) => x * 3)));
  console.log('nanoid', nanoid().length, /^[ab]{8}$/.test(customAlphabet('ab', 8)()));
}
