// Real npm packages, unchanged, through require (CommonJS, or ES modules transformed by the host).
const semver = require('semver');
const YAML = require('yaml');
const { z } = require('zod');
const { format, addDays } = require('date-fns');
const dayjs = require('dayjs');
const ms = require('ms');
const qs = require('qs');
const jsyaml = require('js-yaml');
const Mustache = require('mustache');
const Decimal = require('decimal.js');
const { produce } = require('immer');
const { v5: uuidv5, validate } = require('uuid');

exports.main = function main(env) {
  console.log('semver', semver.maxSatisfying(['1.2.3', '1.4.0', '2.0.0'], '^1.2.0'), semver.gt('1.10.0', '1.9.9'));
  console.log('yaml', JSON.stringify(YAML.parse('a: 1\nb: [x, y]\n')), JSON.stringify(YAML.stringify({ k: [1, 2] })));
  const User = z.object({ name: z.string(), age: z.number().int().positive() });
  const bad = User.safeParse({ name: 'x', age: -1 });
  console.log('zod', JSON.stringify(User.parse({ name: 'ada', age: 36 })), bad.success, bad.error.issues[0].path.join('.'));
  console.log('date-fns', format(addDays(new Date(2024, 0, 30), 3), 'yyyy-MM-dd'));
  console.log('dayjs', dayjs('2024-02-28').add(1, 'day').format('YYYY-MM-DD'));
  console.log('ms', ms('2 days'), ms(90000));
  console.log('qs', qs.stringify({ a: [1, 2], b: { c: 'd e' } }), JSON.stringify(qs.parse('x[y]=1&z=2')));
  console.log('js-yaml', JSON.stringify(jsyaml.load('list:\n  - one\n  - two\n')));
  console.log('mustache', Mustache.render('Hi {{name}}{{#items}} [{{.}}]{{/items}}', { name: 'b8g', items: [1, 2] }));
  console.log('decimal', new Decimal('0.1').plus('0.2').toString(), new Decimal(2).sqrt().toFixed(20));
  const base = { list: [1], deep: { v: 1 } };
  const next = produce(base, (d) => { d.list.push(2); d.deep.v = 2; });
  console.log('immer', JSON.stringify(base), JSON.stringify(next), Object.isFrozen(next));
  const id = uuidv5('b8g', '6ba7b810-9dad-11d1-80b4-00c04fd430c8');
  console.log('uuid', id, validate(id));
};
