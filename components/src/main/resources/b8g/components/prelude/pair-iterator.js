// b8g prelude: pair-iterator: WebIDL's pair iterator, one for URLSearchParams and Headers.
// makePairIterator(name, listOf) returns iterate(state, kind): an iterator over listOf(state), a
// flat [name0, value0, name1, value1, ...] list read afresh at each step, so the iterator is live
// as the standards' are. kind 0 gives names, 1 values, 2 [name, value] pairs.
function makePairIterator(name, listOf) {
  const iterators = new WeakMapCtor();
  const proto = ObjectCreate(IteratorPrototype, {
    next: {
      value: function next() {
        const it = ReflectApply(WeakMapGet, iterators, [this]);
        if (it === undefined) throw new TypeErrorCtor('next called on an object that is not a ' + name + ' iterator');
        const list = listOf(it.st);
        if (it.i >= list.length) return { value: undefined, done: true };
        const k = list[it.i], v = list[it.i + 1];
        it.i += 2;
        if (it.kind === 0) return { value: k, done: false };
        if (it.kind === 1) return { value: v, done: false };
        const pair = []; push(pair, k); push(pair, v);
        return { value: pair, done: false };
      },
      writable: true, configurable: true,
    },
    [SymbolToStringTag]: { value: name + ' Iterator', configurable: true },
  });
  return function iterate(st, kind) {
    const it = ObjectCreate(proto);
    ReflectApply(WeakMapSet, iterators, [it, { __proto__: null, st, i: 0, kind }]);
    return it;
  };
}
