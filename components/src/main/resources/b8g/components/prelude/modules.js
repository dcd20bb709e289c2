// b8g prelude: modules: the component's module map (read by the host at start, then frozen), require as Node's (caching, cycles), and the helper of code transformed from ES modules.
//
// The host hands over every module of the graph once, compiled (TO_GUEST_MODULE: name, function,
// the specifiers it resolved), then requires the entry point (TO_GUEST_REQUIRE). Nothing is read
// at run time: a specifier the host did not see can only name a module already in the map.
// `require` and `module` are made here per module, from captured built-ins only.

const moduleMap = new MapCtor(); // name -> record (null prototype)
let entryRecord = null;
// A `main` the entry module declared without exporting it (ModuleGraph appends the hook).
let entryLocalMain;
// ScriptModule.BUILTIN and MISSING: relative paths never start with '/'.
const MODULE_BUILTIN = '/builtin';
const MODULE_MISSING = '/missing';
const MODULE_EMPTY = '/empty';
const NODE_BUILTINS = ObjectFreeze({
  __proto__: null, assert: true, async_hooks: true, buffer: true, child_process: true, cluster: true,
  console: true, constants: true, crypto: true, dgram: true, diagnostics_channel: true, dns: true,
  domain: true, events: true, fs: true, 'fs/promises': true, http: true, http2: true, https: true,
  inspector: true, module: true, net: true, os: true, path: true, 'path/posix': true, 'path/win32': true,
  perf_hooks: true, process: true, punycode: true, querystring: true, readline: true, repl: true,
  stream: true, 'stream/promises': true, 'stream/web': true, string_decoder: true, sys: true,
  timers: true, 'timers/promises': true, tls: true, trace_events: true, tty: true, url: true, util: true,
  'util/types': true, v8: true, vm: true, wasi: true, worker_threads: true, zlib: true,
});

function moduleNotFound(message) {
  const e = new ErrorCtor(message);
  ObjectDefineProperty(e, 'code', { __proto__: null, value: 'MODULE_NOT_FOUND', writable: true, enumerable: true, configurable: true });
  return e;
}

// Protocol.Fields (records.js): spec, target, spec, target, ... -> null-prototype object spec -> target.
function decodeRequires(encoded) {
  const out = { __proto__: null };
  const fields = decodeFields(encoded);
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]] = fields[i + 1];
  return out;
}

function dirnameOf(name) {
  const i = ReflectApply(StringLastIndexOf, name, ['/']);
  return i < 0 ? '.' : ReflectApply(StringSlice, name, [0, i]);
}

// `dir` joined with the relative `id`, normalized; null when it climbs out of the component.
function joinPath(dir, id) {
  const parts = [];
  const path = dir === '.' ? id : dir + '/' + id;
  let i = 0;
  while (i <= path.length) {
    let j = ReflectApply(StringIndexOf, path, ['/', i]);
    if (j < 0) j = path.length;
    const part = ReflectApply(StringSlice, path, [i, j]);
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.length = parts.length - 1;
    } else if (part !== '.' && part !== '') {
      push(parts, part);
    }
    i = j + 1;
  }
  return ReflectApply(ArrayJoin, parts, ['/']);
}

function isRelative(id) {
  return id === '.' || id === '..' || ReflectApply(StringIndexOf, id, ['./']) === 0 || ReflectApply(StringIndexOf, id, ['../']) === 0;
}

// A specifier the host did not resolve (a require of a computed string): only a relative path
// to a module already in the map can be found, with Node's file and directory candidates.
function resolveLate(rec, id) {
  if (isRelative(id)) {
    const p = joinPath(rec.dir, id);
    if (p !== null) {
      const candidates = [p, p + '.js', p + '.json', p + '.cjs', p + '/index.js', p + '/index.json'];
      for (let i = 0; i < candidates.length; i++) {
        if (mapHas(moduleMap, candidates[i])) return candidates[i];
      }
    }
  } else if (NODE_BUILTINS[id] === true || ReflectApply(StringIndexOf, id, ['node:']) === 0) {
    return MODULE_BUILTIN;
  }
  throw moduleNotFound("Cannot find module '" + id + "' required by " + rec.name + ": not in this component's module map: " +
    'b8g loads only modules found at start (require and import of literal strings); name it with a literal string so the host finds it');
}

function resolveFrom(rec, id) {
  if (typeof id !== 'string') {
    throw new TypeErrorCtor('require: a module id must be a string, got ' + typeof id + ' (in ' + rec.name + ')');
  }
  let target = rec.requires[id];
  if (target === undefined) target = resolveLate(rec, id);
  if (target === MODULE_BUILTIN) {
    throw moduleNotFound("Cannot find module '" + id + "' required by " + rec.name +
      ': b8g has no Node built-ins (fs, path, process, ...); a component reaches the world only through its env');
  }
  if (target === MODULE_MISSING) {
    const bare = id !== '' && id[0] !== '.' && id[0] !== '/';
    throw moduleNotFound("Cannot find module '" + id + "' required by " + rec.name + ": no such file or package in the component's directory" +
      (bare ? ' (an npm package: is it in package.json, and was `npm ci` or `npm install` run next to it?)' : ''));
  }
  return target;
}

function makeRequire(rec) {
  const require = function require(id) {
    const target = resolveFrom(rec, id);
    return target === MODULE_EMPTY ? {} : loadModule(target);
  };
  ObjectDefineProperty(require, 'resolve', { __proto__: null, value: function resolve(id) { return resolveFrom(rec, id); }, writable: true, configurable: true });
  return require;
}

// Node's Module._load: a module runs once; a cycle sees the exports as they are so far; a module
// that threw is forgotten, so a later require runs it again.
function loadModule(name) {
  const rec = mapGet(moduleMap, name);
  if (rec.module !== null) return rec.module.exports;
  const exports = {};
  const module = { id: name, filename: name, path: rec.dir, exports, loaded: false, children: [], paths: [] };
  rec.module = module;
  // finally, not catch and rethrow: a rethrow here would make the prelude the error's location.
  let ran = false;
  try {
    ReflectApply(rec.fn, exports, [exports, rec.require, module, name, rec.dir, esm]);
    ran = true;
  } finally {
    if (!ran) rec.module = null;
  }
  ObjectDefineProperty(module, 'loaded', { __proto__: null, value: true, writable: true, enumerable: true, configurable: true });
  return module.exports;
}

// TO_GUEST_MODULE
function addModule(name, fn, encoded) {
  if (entryRecord !== null) throw new TypeErrorCtor('the module map is frozen');
  const rec = { __proto__: null, name, fn, requires: decodeRequires(encoded), dir: dirnameOf(name), module: null, require: null };
  rec.require = makeRequire(rec);
  mapSet(moduleMap, name, rec);
}

// TO_GUEST_REQUIRE: runs the entry point; the map is frozen from here on.
function requireEntry(name) {
  entryRecord = mapGet(moduleMap, name);
  loadModule(name);
}

// The entry point's `main`: exported as main, as default, or as the exports themselves.
const moduleMain = (function moduleMain() {
  if (entryRecord === null || entryRecord.module === null) return undefined;
  const exp = entryRecord.module.exports;
  if (typeof exp === 'function') return exp;
  if (exp === null || typeof exp !== 'object') return entryLocalMain;
  const m = exp.main;
  if (typeof m === 'function') return m;
  const d = exp.default;
  return typeof d === 'function' ? d : entryLocalMain;
});

// ---- code transformed from ES modules (the host's CommonJs rewriting) -------------------------
const namespaces = new WeakMapCtor();
function hasOwn(o, k) { return ObjectGetOwnPropertyDescriptor(o, k) !== undefined; }
function defineExport(exports, name, get) {
  ObjectDefineProperty(exports, name, { __proto__: null, enumerable: true, configurable: true, get });
}
// What `import` sees of a module: an ES module's exports as they are; for CommonJS, an object
// with its properties and `default` as module.exports (Node's interop).
function namespaceOf(exp) {
  if ((typeof exp === 'object' && exp !== null) || typeof exp === 'function') {
    const own = ObjectGetOwnPropertyDescriptor(exp, '__esModule');
    if (own !== undefined && own.value === true) return exp;
    const known = ReflectApply(WeakMapGet, namespaces, [exp]);
    if (known !== undefined) return known;
    const ns = ObjectCreate(null);
    const keys = ObjectKeys(exp);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== 'default') defineExport(ns, k, () => exp[k]);
    }
    ObjectDefineProperty(ns, 'default', { __proto__: null, value: exp, enumerable: true });
    ReflectApply(WeakMapSet, namespaces, [exp, ns]);
    return ns;
  }
  const ns = ObjectCreate(null);
  ObjectDefineProperty(ns, 'default', { __proto__: null, value: exp, enumerable: true });
  return ns;
}
const esm = ObjectFreeze({
  __proto__: null,
  esModule(exports) { ObjectDefineProperty(exports, '__esModule', { __proto__: null, value: true }); },
  define: defineExport,
  ns: namespaceOf,
  // export * from: every name but default that the module does not define itself.
  star(exports, source) {
    const keys = ObjectKeys(source);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== 'default' && k !== '__esModule' && !hasOwn(exports, k)) defineExport(exports, k, () => source[k]);
    }
  },
  // import(id): the module's namespace, as a promise (a failure rejects it).
  importer(require) {
    return (id) => new PromiseCtor((resolve) => resolve(namespaceOf(require(id))));
  },
  meta(filename) { return { url: 'file:///' + filename }; },
  // The entry module's own `main`, declared but not exported (as a classic script would).
  main(module, fn) { if (entryRecord !== null && entryRecord.module === module && typeof fn === 'function') entryLocalMain = fn; },
});
